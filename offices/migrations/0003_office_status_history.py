from django.db import migrations


def histories_from_fields(apps, schema_editor):
    """Each existing office's history, from the dates it kept: initiated, opened, inactive or closed."""
    Office = apps.get_model("offices", "Office")
    OfficeStatusChange = apps.get_model("offices", "OfficeStatusChange")
    changes = []
    for office in Office.objects.order_by("pk").iterator():
        steps = []
        if office.initiated_on or office.status == "initiated":
            steps.append(("initiated", office.initiated_on or office.created_at.date()))
        if office.opened_on:
            steps.append(("opened", office.opened_on))
        if office.status in ("inactive", "closed") and office.closed_on:
            steps.append((office.status, office.closed_on))
        changes.extend(OfficeStatusChange(office_id=office.pk, event=event, on=on) for event, on in steps)
    OfficeStatusChange.objects.bulk_create(changes, batch_size=500)


def histories_removed(apps, schema_editor):
    apps.get_model("offices", "OfficeStatusChange").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("offices", "0002_lifecycle_history")]

    operations = [migrations.RunPython(histories_from_fields, histories_removed)]
