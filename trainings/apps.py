from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    """Curricula, programmes, cohorts and certificates: filled in by its own issue."""

    name = "trainings"
    verbose_name = _("Trainings")
