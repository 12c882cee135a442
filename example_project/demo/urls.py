from django.urls import path

from . import explorer, views

urlpatterns = [
    path("", views.home, name="home"),
    path("media/<int:account_id>/<str:media_id>/", views.media, name="media"),
    path("explorer/", explorer.explorer, name="explorer"),
]
