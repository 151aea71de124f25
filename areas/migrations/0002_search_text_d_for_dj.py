"""Every area's search_text in search's form: đ and "dj" written as a plain "d" (portal.text.search_fold)."""

from django.db import migrations

from portal.text import fold, search_fold


def refresh(folding):
    def run(apps, schema_editor):
        Area = apps.get_model("areas", "Area")
        changed = []
        for area in Area.objects.only("name", "name_cyrillic", "name_en", "code", "search_text").iterator():
            names = (area.name, area.name_cyrillic, area.name_en, area.code)
            search_text = " ".join(dict.fromkeys(folding(n) for n in names if n))
            if search_text != area.search_text:
                area.search_text = search_text
                changed.append(area)
        Area.objects.bulk_update(changed, ["search_text"], batch_size=500)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refresh(search_fold), refresh(fold)),
    ]
