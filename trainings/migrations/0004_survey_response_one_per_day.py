from django.db import migrations, models


class Migration(migrations.Migration):
    # Its own migration (transaction): PostgreSQL does not alter a table with deletions of 0003 pending.
    dependencies = [
        ("trainings", "0003_survey_response_doubles_removed"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="surveyresponse",
            constraint=models.UniqueConstraint(
                fields=("participant", "version", "answered_on"),
                name="surveyresponse_one_per_day",
                violation_error_message=(
                    "This person already answered this survey version on this day: change that response."
                ),
            ),
        ),
    ]
