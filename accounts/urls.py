from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("trainings/", views.history, name="history"),
    path("survey/", views.survey, name="survey"),
    path("offices/<slug:slug>/change/", views.office_change, name="office_change"),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
]
