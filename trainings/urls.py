from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("trainings/", views.programme_list, name="list"),
    path("certificates/", views.certificate_find, name="certificate_find"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/pdf/", views.certificate_download, name="certificate_pdf"),
]
