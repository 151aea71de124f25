from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.page_cache import model_changed

        # Every model of this project's apps, today's and tomorrow's: no receiver per model.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(model_changed, dispatch_uid="data-version")
