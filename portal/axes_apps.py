"""django-axes's app config with a translated name: the admin's index lists its models under the app's
verbose name, which axes leaves untranslated ("AXES"). Installed in its place (INSTALLED_APPS), as
Django documents for naming a third-party app."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalAxesConfig(AppConfig):
    verbose_name = _("Sign-in protection")
