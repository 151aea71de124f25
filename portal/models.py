from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose number goes up with every change to the data (portal.page_cache.data_changed).

    It is bumped inside the transaction that changes the data, so it commits or rolls back with it,
    and every process (each worker, a management command, an import) reads the same number.
    """

    number = models.PositiveBigIntegerField(_("number"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data version")
        # One row: the version of all the data.
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="portal_dataversion_single_row")]

    def __str__(self):
        return str(self.number)
