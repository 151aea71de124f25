import re

from django.db import migrations

# The sentence an accepted proposal wrote as the office's history change reason, in each language an
# admin could have used, before the reason became the key "proposal:<id>".
OLD_REASON = re.compile(
    r"(?:Accepted change proposal #|Prihvaćen predlog izmena br\. |Прихваћен предлог измена бр\. )(\d+)"
)


def reasons_to_keys(apps, schema_editor):
    HistoricalOffice = apps.get_model("offices", "HistoricalOffice")
    rows = HistoricalOffice.objects.filter(history_change_reason__regex=r"(#|br\. |бр\. )[0-9]+$")
    for history_id, reason in rows.values_list("history_id", "history_change_reason").iterator():
        match = OLD_REASON.fullmatch(reason)
        if match:
            HistoricalOffice.objects.filter(history_id=history_id).update(history_change_reason=f"proposal:{match[1]}")


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0005_office_change_proposal"),
    ]

    operations = [
        migrations.RunPython(reasons_to_keys, migrations.RunPython.noop),
    ]
