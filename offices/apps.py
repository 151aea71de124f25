from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Youth offices")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from areas.models import Area, ProgrammeRegion
        from portal.page_cache import invalidate_pages

        from .models import Appointment, Coordinator, Membership, Office, OfficeStatusChange

        # The public pages show these; a change to any of them makes every cached page stale.
        for model in (Area, ProgrammeRegion, Office, OfficeStatusChange, Coordinator, Appointment, Membership):
            post_save.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
            post_delete.connect(invalidate_pages, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")
        m2m_changed.connect(invalidate_pages, sender=ProgrammeRegion.areas.through, dispatch_uid="pages-m2m")
