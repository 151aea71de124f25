from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("KZM portal: administration")
admin.site.site_title = _("KZM portal")

urlpatterns = [
    path("", include("portal.urls")),
    path("offices/", include("offices.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
