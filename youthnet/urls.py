from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "KZM portal"
admin.site.site_title = "KZM portal"

urlpatterns = [
    path("", include("portal.urls")),
    path("offices/", include("offices.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
