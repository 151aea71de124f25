"""Names, addresses and notes are Latin text fields: Cyrillic typed or imported before is written in Latin
(with a history row), as the fields now store it."""

from django.db import migrations

import portal.fields
import portal.text

LATIN_TEXT = {
    "offices.Office": ["name", "address", "working_hours", "description"],
    "offices.OfficeStatusChange": ["note"],
    "offices.Membership": ["note"],
    "offices.Coordinator": ["first_name", "last_name", "experience"],
    "offices.OfficeChangeProposal": ["note"],
}


def to_latin(apps, schema_editor):
    portal.fields.records_to_latin(apps, LATIN_TEXT)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0011_search_text_no_btree_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="coordinator",
            name="experience",
            field=portal.fields.LatinTextField(
                blank=True,
                help_text="Earlier roles, programmes, skills.",
                validators=[portal.text.validate_no_control_characters],
                verbose_name="experience",
            ),
        ),
        migrations.AlterField(
            model_name="coordinator",
            name="first_name",
            field=portal.fields.LatinCharField(
                max_length=80, validators=[portal.text.validate_no_control_characters], verbose_name="first name"
            ),
        ),
        migrations.AlterField(
            model_name="coordinator",
            name="last_name",
            field=portal.fields.LatinCharField(
                max_length=80, validators=[portal.text.validate_no_control_characters], verbose_name="last name"
            ),
        ),
        migrations.AlterField(
            model_name="historicalcoordinator",
            name="experience",
            field=portal.fields.LatinTextField(
                blank=True,
                help_text="Earlier roles, programmes, skills.",
                validators=[portal.text.validate_no_control_characters],
                verbose_name="experience",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcoordinator",
            name="first_name",
            field=portal.fields.LatinCharField(
                max_length=80, validators=[portal.text.validate_no_control_characters], verbose_name="first name"
            ),
        ),
        migrations.AlterField(
            model_name="historicalcoordinator",
            name="last_name",
            field=portal.fields.LatinCharField(
                max_length=80, validators=[portal.text.validate_no_control_characters], verbose_name="last name"
            ),
        ),
        migrations.AlterField(
            model_name="historicalmembership",
            name="note",
            field=portal.fields.LatinCharField(blank=True, max_length=300, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="historicaloffice",
            name="address",
            field=portal.fields.LatinCharField(
                blank=True,
                max_length=200,
                validators=[portal.text.validate_no_control_characters],
                verbose_name="address",
            ),
        ),
        migrations.AlterField(
            model_name="historicaloffice",
            name="description",
            field=portal.fields.LatinTextField(
                blank=True, validators=[portal.text.validate_no_control_characters], verbose_name="description"
            ),
        ),
        migrations.AlterField(
            model_name="historicaloffice",
            name="name",
            field=portal.fields.LatinCharField(
                max_length=200, validators=[portal.text.validate_no_control_characters], verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="historicaloffice",
            name="working_hours",
            field=portal.fields.LatinCharField(
                blank=True,
                max_length=200,
                validators=[portal.text.validate_no_control_characters],
                verbose_name="working hours",
            ),
        ),
        migrations.AlterField(
            model_name="historicalofficechangeproposal",
            name="note",
            field=portal.fields.LatinCharField(
                blank=True, max_length=500, validators=[portal.text.validate_no_control_characters], verbose_name="note"
            ),
        ),
        migrations.AlterField(
            model_name="historicalofficestatuschange",
            name="note",
            field=portal.fields.LatinTextField(
                blank=True, validators=[portal.text.validate_no_control_characters], verbose_name="note"
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="note",
            field=portal.fields.LatinCharField(blank=True, max_length=300, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="office",
            name="address",
            field=portal.fields.LatinCharField(
                blank=True,
                max_length=200,
                validators=[portal.text.validate_no_control_characters],
                verbose_name="address",
            ),
        ),
        migrations.AlterField(
            model_name="office",
            name="description",
            field=portal.fields.LatinTextField(
                blank=True, validators=[portal.text.validate_no_control_characters], verbose_name="description"
            ),
        ),
        migrations.AlterField(
            model_name="office",
            name="name",
            field=portal.fields.LatinCharField(
                max_length=200, validators=[portal.text.validate_no_control_characters], verbose_name="name"
            ),
        ),
        migrations.AlterField(
            model_name="office",
            name="working_hours",
            field=portal.fields.LatinCharField(
                blank=True,
                max_length=200,
                validators=[portal.text.validate_no_control_characters],
                verbose_name="working hours",
            ),
        ),
        migrations.AlterField(
            model_name="officechangeproposal",
            name="note",
            field=portal.fields.LatinCharField(
                blank=True, max_length=500, validators=[portal.text.validate_no_control_characters], verbose_name="note"
            ),
        ),
        migrations.AlterField(
            model_name="officestatuschange",
            name="note",
            field=portal.fields.LatinTextField(
                blank=True, validators=[portal.text.validate_no_control_characters], verbose_name="note"
            ),
        ),
        migrations.RunPython(to_latin, migrations.RunPython.noop),
    ]
