from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Youth offices")

    def ready(self):
        from .models import area_saved

        post_save.connect(area_saved, sender="areas.Area", dispatch_uid="office-search-text")
