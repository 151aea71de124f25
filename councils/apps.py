from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    """Youth councils, initiatives and monitoring: filled in by its own issue."""

    name = "councils"
    verbose_name = _("Youth councils")
