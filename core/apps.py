from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import (
            receivers,  # noqa: F401  (log-in / log-out audit rows)
            schema,  # noqa: F401  (OpenAPI extensions for our auth class and fields)
        )
