from django.db import migrations


def keep_the_last_of_each_day(apps, schema_editor):
    """Responses of one person to one version on one day are double submissions: the last one stays
    (what the survey summary already counted), the earlier ones go with their answers."""
    SurveyResponse = apps.get_model("trainings", "SurveyResponse")
    seen, doubles = set(), []
    rows = SurveyResponse.objects.order_by("-pk").values_list("pk", "participant_id", "version_id", "answered_on")
    for pk, *key in rows.iterator():
        if tuple(key) in seen:
            doubles.append(pk)
        seen.add(tuple(key))
    for start in range(0, len(doubles), 500):
        SurveyResponse.objects.filter(pk__in=doubles[start : start + 500]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0002_session_hours_at_most_12"),
    ]

    operations = [
        migrations.RunPython(keep_the_last_of_each_day, migrations.RunPython.noop),
    ]
