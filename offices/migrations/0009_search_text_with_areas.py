"""An office's search_text holds its area's and the area's parent's names too (Office.set_derived_fields):
a search reads one column. History rows keep what they recorded."""

from django.db import migrations, models

from portal.text import search_fold


def with_areas(apps, schema_editor):  # as Office.set_derived_fields (historical models have no methods)
    Office = apps.get_model("offices", "Office")
    offices = list(Office.objects.select_related("area__parent"))
    for office in offices:
        area = office.area
        parent = area.parent.search_text if area.parent_id else ""
        office.search_text = " ".join(part for part in (search_fold(office.name), area.search_text, parent) if part)
    Office.objects.bulk_update(offices, ["search_text"], batch_size=500)


def name_only(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    offices = list(Office.objects.only("name"))
    for office in offices:
        office.search_text = search_fold(office.name)
    Office.objects.bulk_update(offices, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0008_phone_and_postal_code_validators"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicaloffice",
            name="search_text",
            field=models.TextField(db_index=True, editable=False),
        ),
        migrations.AlterField(
            model_name="office",
            name="search_text",
            field=models.TextField(db_index=True, editable=False),
        ),
        migrations.RunPython(with_areas, name_only),
    ]
