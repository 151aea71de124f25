"""Names, addresses and notes are Latin text fields: Cyrillic typed or imported before is written in Latin
(with a history row), as the fields now store it."""

from django.db import migrations

import portal.fields

LATIN_TEXT = {
    "trainings.CompetenceArea": ["name", "description"],
    "trainings.SurveyVersion": ["title"],
    "trainings.SurveyQuestion": ["text"],
    "trainings.CurriculumModule": ["title", "description"],
    "trainings.Programme": ["name", "partners", "funder", "description"],
    "trainings.Cohort": ["name"],
    "trainings.Session": ["title", "place", "trainers"],
    "trainings.Participant": ["first_name", "last_name", "organisation"],
    "trainings.Certificate": ["note"],
}


def to_latin(apps, schema_editor):
    portal.fields.records_to_latin(apps, LATIN_TEXT)


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0007_participant_phone_validator"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="note",
            field=portal.fields.LatinCharField(
                blank=True, help_text="Why it was revoked or re-issued.", max_length=300, verbose_name="note"
            ),
        ),
        migrations.AlterField(
            model_name="cohort",
            name="name",
            field=portal.fields.LatinCharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="competencearea",
            name="description",
            field=portal.fields.LatinTextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="competencearea",
            name="name",
            field=portal.fields.LatinCharField(max_length=120, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="curriculummodule",
            name="description",
            field=portal.fields.LatinTextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="curriculummodule",
            name="title",
            field=portal.fields.LatinCharField(max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalcertificate",
            name="note",
            field=portal.fields.LatinCharField(
                blank=True, help_text="Why it was revoked or re-issued.", max_length=300, verbose_name="note"
            ),
        ),
        migrations.AlterField(
            model_name="historicalcohort",
            name="name",
            field=portal.fields.LatinCharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalcompetencearea",
            name="description",
            field=portal.fields.LatinTextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="historicalcompetencearea",
            name="name",
            field=portal.fields.LatinCharField(db_index=True, max_length=120, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalcurriculummodule",
            name="description",
            field=portal.fields.LatinTextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="historicalcurriculummodule",
            name="title",
            field=portal.fields.LatinCharField(max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalparticipant",
            name="first_name",
            field=portal.fields.LatinCharField(blank=True, max_length=80, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="historicalparticipant",
            name="last_name",
            field=portal.fields.LatinCharField(blank=True, max_length=80, verbose_name="last name"),
        ),
        migrations.AlterField(
            model_name="historicalparticipant",
            name="organisation",
            field=portal.fields.LatinCharField(
                blank=True, help_text="A youth council, an association, …", max_length=200, verbose_name="organisation"
            ),
        ),
        migrations.AlterField(
            model_name="historicalprogramme",
            name="description",
            field=portal.fields.LatinTextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="historicalprogramme",
            name="funder",
            field=portal.fields.LatinCharField(blank=True, max_length=200, verbose_name="funder"),
        ),
        migrations.AlterField(
            model_name="historicalprogramme",
            name="name",
            field=portal.fields.LatinCharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalprogramme",
            name="partners",
            field=portal.fields.LatinCharField(blank=True, max_length=300, verbose_name="partners"),
        ),
        migrations.AlterField(
            model_name="historicalsession",
            name="place",
            field=portal.fields.LatinCharField(blank=True, max_length=200, verbose_name="place"),
        ),
        migrations.AlterField(
            model_name="historicalsession",
            name="title",
            field=portal.fields.LatinCharField(
                blank=True, help_text="Leave empty to use the module's.", max_length=200, verbose_name="topic"
            ),
        ),
        migrations.AlterField(
            model_name="historicalsession",
            name="trainers",
            field=portal.fields.LatinCharField(blank=True, max_length=300, verbose_name="trainers or invited experts"),
        ),
        migrations.AlterField(
            model_name="historicalsurveyquestion",
            name="text",
            field=portal.fields.LatinCharField(max_length=300, verbose_name="question"),
        ),
        migrations.AlterField(
            model_name="historicalsurveyversion",
            name="title",
            field=portal.fields.LatinCharField(max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="participant",
            name="first_name",
            field=portal.fields.LatinCharField(blank=True, max_length=80, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="participant",
            name="last_name",
            field=portal.fields.LatinCharField(blank=True, max_length=80, verbose_name="last name"),
        ),
        migrations.AlterField(
            model_name="participant",
            name="organisation",
            field=portal.fields.LatinCharField(
                blank=True, help_text="A youth council, an association, …", max_length=200, verbose_name="organisation"
            ),
        ),
        migrations.AlterField(
            model_name="programme",
            name="description",
            field=portal.fields.LatinTextField(blank=True, verbose_name="description"),
        ),
        migrations.AlterField(
            model_name="programme",
            name="funder",
            field=portal.fields.LatinCharField(blank=True, max_length=200, verbose_name="funder"),
        ),
        migrations.AlterField(
            model_name="programme",
            name="name",
            field=portal.fields.LatinCharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="programme",
            name="partners",
            field=portal.fields.LatinCharField(blank=True, max_length=300, verbose_name="partners"),
        ),
        migrations.AlterField(
            model_name="session",
            name="place",
            field=portal.fields.LatinCharField(blank=True, max_length=200, verbose_name="place"),
        ),
        migrations.AlterField(
            model_name="session",
            name="title",
            field=portal.fields.LatinCharField(
                blank=True, help_text="Leave empty to use the module's.", max_length=200, verbose_name="topic"
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="trainers",
            field=portal.fields.LatinCharField(blank=True, max_length=300, verbose_name="trainers or invited experts"),
        ),
        migrations.AlterField(
            model_name="surveyquestion",
            name="text",
            field=portal.fields.LatinCharField(max_length=300, verbose_name="question"),
        ),
        migrations.AlterField(
            model_name="surveyversion",
            name="title",
            field=portal.fields.LatinCharField(max_length=200, verbose_name="title"),
        ),
        migrations.RunPython(to_latin, migrations.RunPython.noop),
    ]
