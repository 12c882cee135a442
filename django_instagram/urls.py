"""URLs of the OAuth views; include them under a prefix such as ``instagram/``."""

from django.urls import path

from . import views

app_name = "django_instagram"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("callback/", views.callback, name="callback"),
    path("accounts/<int:pk>/disconnect/", views.disconnect, name="disconnect"),
]
