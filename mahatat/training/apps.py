from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "mahatat.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from . import rules  # noqa: F401 - registers the training permissions
        from .services import certificates  # noqa: F401 - registers the certificates' ledger payload builders
