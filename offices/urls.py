from django.urls import path

from . import views

app_name = "offices"

urlpatterns = [
    path("", views.OfficeListView.as_view(), name="list"),
    path("map/", views.office_map, name="map"),
    path("map.geojson", views.office_geojson, name="geojson"),
    path("openings/", views.office_openings, name="openings"),
    path("<slug:slug>/", views.OfficeDetailView.as_view(), name="detail"),
]
