from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    name = "django_instagram.sandbox"
    label = "django_instagram_sandbox"
    verbose_name = _("Instagram sandbox")
    default_auto_field = "django.db.models.BigAutoField"
