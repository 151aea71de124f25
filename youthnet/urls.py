from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import SignInView

admin.site.site_header = _("KZM portal: administration")
admin.site.site_title = _("KZM portal")

# Each page's URL names its language: Serbian Latin unprefixed, /sr/… Cyrillic, /en/… English.
urlpatterns = i18n_patterns(
    path("", include("portal.urls")),
    path("offices/", include("offices.urls")),
    path("", include("trainings.urls")),
    path("accounts/login/", SignInView.as_view(), name="login"),  # before Django's: staff land in the admin
    path("accounts/", include("django.contrib.auth.urls")),
    path("me/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler500 = "portal.views.server_error"
