from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    """Competences, the needs survey, curricula, programmes, cohorts, attendance and certificates."""

    name = "trainings"
    verbose_name = _("Trainings")

    def ready(self):
        checks.register(certificate_font_check)


def certificate_font_check(app_configs, **kwargs):
    """The certificate PDF needs the DejaVu fonts that `make setup` installs (npm): say so at start, not at
    the first download."""
    from .certificates import FONT_FILES

    missing = [str(path) for path in FONT_FILES.values() if not path.is_file()]
    if missing:
        return [
            checks.Error(
                f"The certificate fonts are missing: {', '.join(missing)}.",
                hint="Run `make setup` (npm ci installs the dejavu-fonts-ttf package).",
                id="trainings.E001",
            )
        ]
    return []
