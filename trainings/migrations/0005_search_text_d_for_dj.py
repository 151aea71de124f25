"""Participants' search_text in search's form: đ and "dj" written as a plain "d" (portal.text.search_fold).
History rows keep what they recorded."""

from django.db import migrations

from portal.text import fold, search_fold

FIELDS = ("first_name", "last_name", "organisation", "email")


def refresh(folding):
    def run(apps, schema_editor):
        Participant = apps.get_model("trainings", "Participant")
        changed = []
        for participant in Participant.objects.only(*FIELDS, "search_text").iterator():
            search_text = folding(" ".join(getattr(participant, field) for field in FIELDS))
            if search_text != participant.search_text:
                participant.search_text = search_text
                changed.append(participant)
        Participant.objects.bulk_update(changed, ["search_text"], batch_size=500)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0004_survey_response_one_per_day"),
    ]

    operations = [
        migrations.RunPython(refresh(search_fold), refresh(fold)),
    ]
