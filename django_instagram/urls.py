"""URLs of the OAuth views, the webhook and Meta's callbacks. Include them under a prefix such as ``instagram/``."""

from django.urls import path

from . import compliance, views, webhooks

app_name = "django_instagram"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("callback/", views.callback, name="callback"),
    path("accounts/<int:pk>/disconnect/", views.disconnect, name="disconnect"),
    path("webhook/", webhooks.webhook, name="webhook"),
    path("deauthorize/", compliance.deauthorize, name="deauthorize"),
    path("data-deletion/", compliance.data_deletion, name="data_deletion"),
    path("data-deletion/<str:confirmation_code>/", compliance.data_deletion_status, name="data_deletion_status"),
]
