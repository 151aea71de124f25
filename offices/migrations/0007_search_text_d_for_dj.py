"""Offices' and coordinators' search_text in search's form: đ and "dj" written as a plain "d"
(portal.text.search_fold). History rows keep what they recorded."""

from django.db import migrations

from portal.text import fold, search_fold

SEARCHED = {
    "Office": ("name",),
    "Coordinator": ("first_name", "last_name", "email"),
}


def refresh(folding):
    def run(apps, schema_editor):
        for model_name, fields in SEARCHED.items():
            model = apps.get_model("offices", model_name)
            changed = []
            for record in model.objects.only(*fields, "search_text").iterator():
                search_text = folding(" ".join(getattr(record, field) for field in fields))
                if search_text != record.search_text:
                    record.search_text = search_text
                    changed.append(record)
            model.objects.bulk_update(changed, ["search_text"], batch_size=500)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0006_proposal_change_reason_keys"),
    ]

    operations = [
        migrations.RunPython(refresh(search_fold), refresh(fold)),
    ]
