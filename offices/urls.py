from django.urls import path

from portal.page_cache import cache_public_page

from . import views

app_name = "offices"

urlpatterns = [
    path("", cache_public_page(views.OfficeListView.as_view(), query=(*views.CACHED_FILTERS, "page")), name="list"),
    path("map/", views.office_map, name="map"),
    path("map.geojson", views.office_geojson, name="geojson"),
    path("openings/", views.office_openings, name="openings"),
    path("<slug:slug>/", cache_public_page(views.OfficeDetailView.as_view()), name="detail"),
]
