from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One confirmed import: who, when, which file, what it did. Undone as one (imports.services)."""

    # The preview's upload: unique, so a preview is confirmed at most once, however the requests race.
    token = models.CharField(max_length=64, unique=True, editable=False)
    importer = models.CharField(_("import"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveIntegerField(_("size (bytes)"))
    file_sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    empty_cells_clear = models.BooleanField(_("empty cells cleared values"), default=False)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return _("Import %(id)s: %(file)s") % {"id": self.pk, "file": self.file_name}

    @property
    def history_reason(self):
        """The change reason of every history row the batch wrote: how undo finds them."""
        return f"import:{self.pk}"

    @property
    def undo_reason(self):
        return f"undo:{self.pk}"


class ImportRecord(models.Model):
    """A record a batch created or updated."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        # A change made through a service that keeps its own history (an office's status step): undone
        # by that history's service (the step withdrawn), with what the step changed (appointments ended).
        STATUS = "status", _("status changed")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    row = models.PositiveIntegerField(_("row"))  # the spreadsheet row it came from
    position = models.PositiveIntegerField()  # the order of writing; undo goes backwards
    # What the record was called when the batch wrote it: the batch's page names a record deleted since.
    label = models.CharField(_("record"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        ordering = ["batch", "position"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id} ({self.action})"
