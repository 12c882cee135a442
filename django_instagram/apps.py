from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DjangoInstagramConfig(AppConfig):
    name = "django_instagram"
    verbose_name = _("Instagram")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
