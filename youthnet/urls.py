from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from accounts.views import SignInView
from portal.views import default_language_prefix

admin.site.site_header = _("KZM portal: administration")
admin.site.site_title = _("KZM portal")

# Each page's URL names its language: Serbian Latin unprefixed, /sr/… Cyrillic, /en/… English.
urlpatterns = [
    # Serbian Latin's own tag as a prefix, in any case (/sr-latn/…, /sr-Latn/…): the same page, unprefixed.
    re_path(  # letter by letter: Django cannot reverse a pattern with (?i:)
        r"^[sS][rR]-[lL][aA][tT][nN](?:/(?P<rest>.*))?\Z", default_language_prefix, name="default_language_prefix"
    ),
]
urlpatterns += i18n_patterns(
    path("", include("portal.urls")),
    path("offices/", include("offices.urls")),
    path("", include("trainings.urls")),
    path("accounts/login/", SignInView.as_view(), name="login"),  # before Django's: staff land in the admin
    # The site's password change, in its layout; the admin keeps its own at /admin/password_change/ (Django's
    # registration/password_change_*.html, which these templates would otherwise shadow there). The reset
    # flow's pages are templates/registration/password_reset_*.html: only the site uses them.
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("me/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

handler400 = "portal.views.bad_request"
handler500 = "portal.views.server_error"
