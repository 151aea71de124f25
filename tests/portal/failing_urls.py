"""The site's URLs with one page that fails (/failing/ in each language), for the 500 page's tests."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from youthnet.urls import handler400, handler500, urlpatterns  # noqa: F401 (the handlers are read from here)


def failing(request):
    raise RuntimeError("a bug")


urlpatterns = [*i18n_patterns(path("failing/", failing), prefix_default_language=False), *urlpatterns]
