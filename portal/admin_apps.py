"""The admin's app config, naming our admin site (kept apart from portal.apps: one config a module)."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
