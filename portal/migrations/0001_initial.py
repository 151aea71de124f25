import time

from django.db import migrations, models


def create_the_row(apps, schema_editor):
    # Started at the clock, so that a new database never meets pages a cache kept for an old one.
    apps.get_model("portal", "DataVersion").objects.get_or_create(pk=1, defaults={"number": time.time_ns() // 1000})


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveBigIntegerField(default=0, verbose_name="number")),
            ],
            options={"verbose_name": "data version", "verbose_name_plural": "data version"},
        ),
        migrations.AddConstraint(
            model_name="dataversion",
            constraint=models.CheckConstraint(condition=models.Q(pk=1), name="portal_dataversion_single_row"),
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
