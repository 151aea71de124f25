from django.db import migrations

import portal.fields


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0002_search_text_d_for_dj"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalprogrammeregion",
            name="description",
            field=portal.fields.LatinTextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="historicalprogrammeregion",
            name="name",
            field=portal.fields.LatinCharField(db_index=True, max_length=120, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="programmeregion",
            name="description",
            field=portal.fields.LatinTextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="programmeregion",
            name="name",
            field=portal.fields.LatinCharField(max_length=120, unique=True, verbose_name="name"),
        ),
    ]
