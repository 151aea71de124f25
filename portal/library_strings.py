"""The strings of django-simple-history and django-axes, so that our catalogue translates them.

Neither library ships Serbian, and `makemessages` does not read site-packages: listing their
msgids here puts them into locale/sr_Latn (and so locale/sr) with the rest of the portal's strings.
Django looks up a msgid in our catalogue first, whatever module asked for it.

The lists are their msgids as `makemessages` extracts them from django-simple-history 3.13 and
django-axes 8.3 (`tests/portal/test_library_strings.py` checks that each one still occurs in the
installed library). Django's own admin strings ("Home", "History", "Yes"…) are left to Django's
catalogue, except the few in DJANGO where the portal needs other words (listed there, with why).
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

SIMPLE_HISTORY = [
    # simple_history/admin.py
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
    gettext_noop("View %s"),
    gettext_noop("Revert %s"),
    # simple_history/models.py
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    # simple_history/templates/simple_history/*.html
    gettext_noop("Choose a date from the list below to revert to a previous version of this object."),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
]
# simple_history/templates/simple_history/object_history_list.html ({% blocktranslate count %})
ENTRIES = ngettext_lazy("entry", "entries", "count")

AXES = [
    # axes/admin.py
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    # (its "Cleaned up {count} expired access attempts." is formatted before the look-up: untranslatable)
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    # axes/conf.py
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop("Account locked: too many login attempts. Contact an admin to unlock your account."),
    # axes/models.py
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
]

DJANGO = [
    # django/contrib/auth/models.py: Django's Serbian says "grupe", the word the programme uses for
    # its cohorts (trainings); the admin index would list two "Grupe".
    gettext_noop("group"),
    gettext_noop("groups"),
]

# django/utils/dates.py MONTHS_ALT, the `E` date format: Serbian writes a date with the month in the
# genitive ("20. aprila 2018."), which Django's sr and sr_Latn catalogues leave in the nominative.
# youthnet/formats/sr/formats.py uses `E` in every format that names a month's day.
MONTHS_ALT = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]

# Django's admin and password-validation strings whose Serbian reads wrong: they put a model's name
# or a field's name in the nominative where Serbian needs another case ("Objekat grupa … uspešno
# dodat", "Lozinka je previše slična korisničko ime", "Pretraga pokušaji prijave"). Our wording sets the
# name after a colon or in quotes, where the nominative reads right. (A change list's count, "0 pokušaji
# prijave", is the number and the plural name side by side in Django's template, with no msgid: our
# templates/admin/pagination.html gives it one.) A number before a name has the same fault ("Uspešno
# obrisano: 5 sesije"): the name goes first there too, the number after it. Each is a msgid of Django's own
# catalogue (tests/portal/test_library_strings.py checks it).
DJANGO_ADMIN = [
    # django/contrib/admin/options.py
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    # django/contrib/admin/actions.py (its %(items)s is the singular name for 1, else the plural)
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    # django/contrib/admin/templates/admin/actions.html
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    # django/contrib/admin/templates/admin/search_form.html, pagination.html (headings read aloud)
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s"),
    # django/contrib/admin/templates/admin/color_theme_toggle.html: Django's Serbian says "auto", which
    # reads as "car"; ours says "automatic" (the other two themes' words are Django's, "svetla", "tamna").
    gettext_noop("Toggle theme (current theme: auto)"),
]
DJANGO_AUTH = [
    # django/contrib/auth/password_validation.py
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    # django/contrib/auth/forms.py (PasswordResetForm's label: Django's Serbian says "I-mejl")
    gettext_noop("Email"),
]
# Django's own strings with a term the portal says otherwise: Django's Serbian writes "i-mejl adresa" and
# "fajl", the portal "adresa e-pošte" and "datoteka" everywhere else (forms, messages, the e-mails themselves).
DJANGO_CORE = [
    # django/core/validators.py (EmailValidator, so every EmailField)
    gettext_noop("Enter a valid email address."),
    # django/forms/fields.py (FileField: the spreadsheet upload): Django's Serbian says "fajl", the
    # portal "datoteka"
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Please either submit a file or check the clear checkbox, not both."),
]
