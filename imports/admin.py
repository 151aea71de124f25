"""The admin's import pages (upload → preview → confirm once), exports, and the list of batches with undo."""

import hashlib
import os
import re
import time
from collections import defaultdict
from pathlib import Path
from uuid import uuid4

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import OperationalError
from django.db.models import FETCH_PEERS, Count, Min
from django.db.models.deletion import ProtectedError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_site import labelling_admin
from portal.history import TranslatedHistory, UnchangedNotSaved
from portal.text import in_active_script

from .columns import AreaColumn, DateColumn
from .importers import ImportFailed
from .models import ImportBatch, ImportRecord
from .reading import TEXT_EXTENSIONS, SpreadsheetError, read_table
from .services import AlreadyImported, UndoRefused, batch_undo, declaration_of, import_confirm
from .writing import CSV, XLSX, export_filename, file_response, write_csv, write_xlsx


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy(
            "An Excel (.xlsx) or CSV (.csv) file, or text in UTF-16 (.txt: Excel's “Unicode text”)."
        ),
    )
    clear_empty = forms.BooleanField(
        label=gettext_lazy("Empty cells clear values"),
        required=False,
        help_text=gettext_lazy(
            "Leave unticked to keep the stored value wherever a cell of an existing record is empty."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if Path(upload.name).suffix.lower() not in (".xlsx", *TEXT_EXTENSIONS):
            raise forms.ValidationError(_("Upload an Excel (.xlsx) or CSV (.csv) file."))
        return upload


class StoredUpload:
    """An uploaded spreadsheet kept on disk between its preview and its confirmation."""

    salt = "imports.upload"
    max_age = 3600  # seconds between preview and confirmation; older files are deleted

    def __init__(self, name, details):
        self.name = name
        self.details = details  # the original file name, size, checksum, and the upload form's choices

    @classmethod
    def save(cls, upload, **choices):
        directory = Path(settings.IMPORT_UPLOAD_DIR)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        cls.delete_expired(directory)
        name = f"{uuid4().hex}{Path(upload.name).suffix.lower()}"
        digest = hashlib.sha256()
        # Spreadsheets hold personal data: readable by the portal's own user only.
        descriptor = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in upload.chunks():
                digest.update(chunk)
                handle.write(chunk)
        upload.seek(0)
        details = {"file": upload.name, "size": upload.size, "sha256": digest.hexdigest(), **choices}
        return cls(name, details)

    @classmethod
    def delete_expired(cls, directory):
        """Uploads whose preview was never confirmed are deleted once their token has expired."""
        limit = time.time() - cls.max_age
        for stored in directory.iterdir():
            if stored.is_file() and stored.stat().st_mtime < limit:
                stored.unlink(missing_ok=True)

    @classmethod
    def from_token(cls, token):
        data = signing.loads(token, salt=cls.salt, max_age=cls.max_age)
        name = data.get("name", "") if isinstance(data, dict) else ""
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise signing.BadSignature(name)
        return cls(name, data.get("details", {}))

    @property
    def token(self):
        return signing.dumps({"name": self.name, "details": self.details}, salt=self.salt)

    @property
    def claim(self):
        """What the batch claims: one upload, one batch."""
        return Path(self.name).stem

    @property
    def path(self):
        return Path(settings.IMPORT_UPLOAD_DIR) / self.name

    def exists(self):
        return self.path.is_file()

    def open(self):
        # read_table tells the format by the name's extension; the caller closes the file.
        return File(open(self.path, "rb"), name=self.name)

    def delete(self):
        self.path.unlink(missing_ok=True)


class SpreadsheetAdminMixin:
    """Import (preview, then confirm) and export (.xlsx, .csv) for a changelist, from one declaration."""

    import_class = None  # an imports.importers.Import subclass
    change_list_template = "imports/change_list.html"
    actions = ["export_xlsx", "export_csv"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            *super().get_urls(),
        ]

    def import_permissions(self):
        """To add and change every model the import writes (its `write_order`: an enrolment import may add
        a participant record), not only this admin's."""
        models = [self.model, *(model for model in self.import_class.write_order if model is not self.model)]
        return [f"{model._meta.app_label}.{action}_{model._meta.model_name}" for model in models
                for action in ("add", "change")]  # fmt: skip

    def may_import(self, request):
        return all(request.user.has_perm(permission) for permission in self.import_permissions())

    def changelist_view(self, request, extra_context=None):
        # The list links to the import only for those who may use it.
        return super().changelist_view(request, {**(extra_context or {}), "may_import": self.may_import(request)})

    def import_view(self, request):
        if not self.may_import(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(things)s") % {"things": self.opts.verbose_name_plural},
            "columns": self.import_class.columns,
            "import_help": self.import_class.help_text,
            # How dates and municipalities are typed, said only where the import has such columns.
            "has_dates": any(isinstance(column, DateColumn) for column in self.import_class.columns),
            "has_areas": any(isinstance(column, AreaColumn) for column in self.import_class.columns),
        }
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request, context)
        form = UploadForm(request.POST or None, request.FILES or None)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            importer = self.import_class(clear_empty=form.cleaned_data["clear_empty"])
            try:
                table = read_table(upload, importer.is_header)
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                preview = importer.preview(table)
                context["preview"] = preview
                if preview.ok:
                    stored = StoredUpload.save(upload, clear_empty=importer.clear_empty, plan=preview.plan())
                    context["token"] = stored.token
        return TemplateResponse(request, "imports/import.html", context)

    def _confirm(self, request, context):
        try:
            stored = StoredUpload.from_token(request.POST["token"])
        except signing.BadSignature:
            messages.error(request, _("This import has expired; upload the file again."))
            return redirect(request.path)
        done = ImportBatch.objects.filter(token=stored.claim).first()
        if done is not None:
            return self._already_imported(request, done)
        if not stored.exists():
            messages.error(request, _("This import has expired; upload the file again."))
            return redirect(request.path)
        details = stored.details
        importer = self.import_class(clear_empty=bool(details.get("clear_empty")))
        try:
            with stored.open() as handle:
                table = read_table(handle, importer.is_header)
            batch = import_confirm(
                importer=importer,
                table=table,
                token=stored.claim,
                user=request.user,
                file_name=details.get("file", stored.name),
                file_size=details.get("size", 0),
                file_sha256=details.get("sha256", ""),
                acknowledged=bool(request.POST.get("acknowledged")),
                plan=details.get("plan"),
            )
        except AlreadyImported:
            return self._already_imported(request, ImportBatch.objects.filter(token=stored.claim).first())
        except OperationalError:
            # SQLite: another request holds the write lock, confirming this same preview.
            messages.error(request, _("This file is already being imported by another request: it is written once."))
            return redirect(request.path)
        except (SpreadsheetError, ImportFailed) as error:
            preview = getattr(error, "preview", None)
            context.update(form=UploadForm(), preview=preview)
            if preview is not None and preview.ok and preview.acknowledge_rows:
                context["token"] = request.POST["token"]
                messages.error(request, _("Tick the box to confirm you checked the rows marked for checking."))
            else:
                messages.error(
                    request, _("Nothing was written: the data changed since the preview or the file is not valid.")
                )
            return TemplateResponse(request, "imports/import.html", context)
        stored.delete()
        messages.success(
            request,
            ngettext(
                "Imported %(rows)s row: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
                "Imported %(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
                batch.rows,
            )
            % {
                "rows": batch.rows,
                "created": batch.created_count,
                "updated": batch.updated_count,
                "unchanged": batch.unchanged_count,
            },
        )
        return redirect(reverse("admin:imports_importbatch_change", args=[batch.pk]))

    def _already_imported(self, request, batch):
        messages.warning(request, _("This file was already imported (batch %(id)s): nothing was written twice.")
                         % {"id": batch.pk if batch else "?"})  # fmt: skip
        if batch is None:
            return redirect(request.path)
        return redirect(reverse("admin:imports_importbatch_change", args=[batch.pk]))

    def _export(self, queryset, extension):
        declaration = self.import_class()
        headers, rows = declaration.export_headers(), list(declaration.export_rows(queryset))
        if extension == "xlsx":
            content, content_type = write_xlsx(headers, rows, title=str(self.opts.verbose_name_plural)), XLSX
        else:
            content, content_type = write_csv(headers, rows), CSV
        filename = export_filename(self.opts.verbose_name_plural, extension=extension)
        return file_response(content, content_type=content_type, filename=filename)

    @admin.action(description=gettext_lazy("Export the selected to Excel (.xlsx)"))
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    @admin.action(description=gettext_lazy("Export the selected to CSV"))
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")


class HistoryAdmin(UnchangedNotSaved, TranslatedHistory, SimpleHistoryAdmin):
    """simple-history's admin, its history page naming an import's rows as "Import #2", linked to the batch
    (and a registered kind's rows, `change_reason_link`, as that app shows them).

    The rows keep the reason `import:<id>` (undo finds them by it); only the page shows it readable,
    through the library's `render_history_view` hook; a row without a reason shows nothing, and
    shortened values say in the page's language how many characters they leave out
    (portal.history.TranslatedHistory). A save that changes
    nothing writes nothing (portal.history.UnchangedNotSaved)."""

    def render_history_view(self, request, template, context, **kwargs):
        # The history list has a page of rows; one version's page (also rendered here) has none.
        for record in context["page_obj"].object_list if "page_obj" in context else ():
            record.history_change_reason = change_reason_display(record.history_change_reason)
        return super().render_history_view(request, template, context, **kwargs)


# How the history page shows a reason "<kind>:<id>": {kind: function of the id → HTML}. Imports register
# "import" and "undo" below; another app its own kind (offices: "proposal").
CHANGE_REASON_LINKS = {}
CHANGE_REASON = re.compile(r"([a-z_]+):(\d+)")


def change_reason_link(kind):
    """Register the function that shows the history change reason "<kind>:<id>"."""

    def register(render):
        CHANGE_REASON_LINKS[kind] = render
        return render

    return register


def change_reason_display(reason):
    """A history row's change reason as staff read it: a registered kind's as its function shows it (an
    import's or an undo's: a link to its batch); any other reason (older sentences) as it is."""
    match = CHANGE_REASON.fullmatch(reason or "")
    render = CHANGE_REASON_LINKS.get(match[1]) if match else None
    return render(int(match[2])) if render else (reason or "")


def batch_link(pk, text):
    url = reverse("admin:imports_importbatch_change", args=[pk])
    return format_html('<a href="{}">{}</a>', url, text % {"id": pk})


@change_reason_link("import")
def import_reason_link(pk):
    return batch_link(pk, _("Import #%(id)s"))


@change_reason_link("undo")
def undo_reason_link(pk):
    return batch_link(pk, _("Undo of import #%(id)s"))


def record_counts_by_kind(batch):
    """{ImportRecord.Action: [(model's plural name, count)]}, the kinds in the order the batch wrote them: a
    batch of offices adds the offices and their first status steps, which staff read apart, not as one sum."""
    kinds = {action: [] for action in ImportRecord.Action}
    counted = (
        batch.records.values_list("action", "content_type")
        .annotate(n=Count("pk"), first=Min("position"))
        .order_by("first")
    )
    for action, content_type_id, count, _first in counted:
        content_type = ContentType.objects.get_for_id(content_type_id)  # cached: no query a kind
        model = content_type.model_class()
        kinds[action].append((model._meta.verbose_name_plural if model else content_type.model, count))
    return kinds


def kinds_total(counts):
    """How many records in all of `counts`, one action's list of record_counts_by_kind."""
    return sum(count for _kind, count in counts)


def kinds_text(counts):
    """ "youth offices (3), office status changes (3)", or "0" for none."""
    return ", ".join(f"{kind} ({count})" for kind, count in counts) or "0"


class Deleted:
    """What record_link needs of an ImportRecord, for a record known by its id only."""

    def __init__(self, pk):
        self.label, self.object_id = "", pk


def batches_that_created(records):
    """The imports (not undone) that created these records, oldest first: one query per model."""
    by_model = defaultdict(list)
    for record in records:
        by_model[type(record)].append(record.pk)
    found = ImportRecord.objects.none()
    for model, pks in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        found = found | ImportRecord.objects.filter(
            content_type=content_type, object_id__in=pks, action=ImportRecord.Action.CREATED
        )
    return list(
        ImportBatch.objects.filter(pk__in=found.values("batch"), undone_at__isnull=True).order_by("created_at", "pk")
    )


def import_name(key):
    """What staff call the import a batch's `importer` key names: its records ("Youth offices")."""
    try:
        import_class = import_string(key)
    except ImportError:
        return key
    return capfirst(import_class.title or import_class.write_order[0]._meta.verbose_name_plural)


def short_datetime(moment):
    return date_format(localtime(moment), "SHORT_DATETIME_FORMAT")


class ImporterFilter(admin.SimpleListFilter):
    title = gettext_lazy("import")
    parameter_name = "importer"

    def lookups(self, request, model_admin):
        keys = ImportBatch.objects.order_by("importer").values_list("importer", flat=True).distinct()
        return [(key, import_name(key)) for key in keys]

    def queryset(self, request, queryset):
        return queryset.filter(importer=self.value()) if self.value() else queryset


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    # Short headers and dates, so the list fits a laptop's 1280 px with its filters and the admin's navigation
    # sidebar open (the batch's page says each in full, and names the file): the import's name links to it.
    list_display = ["import_name", "imported_by", "imported_at", "rows_read", "row_counts", "undone"]
    list_display_links = ["import_name"]
    list_filter = [ImporterFilter, "created_at", "undone_at"]
    list_select_related = ["user"]
    show_full_result_count = False
    change_form_template = "imports/batch_change_form.html"
    readonly_fields = ["import_name", "user", "created_at", "file_name", "file_size", "file_sha256", "sheet", "rows",
                       "rows_created", "rows_updated", "rows_unchanged", "empty_cells_clear", "undone_at",
                       "undone_by", "touched"]  # fmt: skip
    fields = readonly_fields
    TOUCHED_SHOWN = 100  # a batch may hold thousands: the page lists the first ones

    @admin.display(description=gettext_lazy("import"), ordering="importer")
    def import_name(self, batch):
        return import_name(batch.importer)

    # The counts are of the file's rows; a row may add or change more than one record (a participant
    # and their enrolment), which "records it touched" lists and counts.
    @admin.display(description=gettext_lazy("rows that added records"), ordering="created_count")
    def rows_created(self, batch):
        return batch.created_count

    @admin.display(description=gettext_lazy("rows that changed records"), ordering="updated_count")
    def rows_updated(self, batch):
        return batch.updated_count

    @admin.display(description=gettext_lazy("rows that changed nothing"), ordering="unchanged_count")
    def rows_unchanged(self, batch):
        return batch.unchanged_count

    @admin.display(description=pgettext_lazy("import batch list", "user"), ordering="user")
    def imported_by(self, batch):
        return batch.user

    @admin.display(description=pgettext_lazy("import batch list", "imported"), ordering="created_at")
    def imported_at(self, batch):
        return short_datetime(batch.created_at)

    @admin.display(description=pgettext_lazy("import batch list", "rows"), ordering="rows")
    def rows_read(self, batch):
        return batch.rows

    # The rows that added, changed and changed nothing in one column ("3 / 1 / 0"), its header saying which is
    # which: three columns did not fit 1280 px with the admin's navigation sidebar open.
    @admin.display(description=pgettext_lazy("import batch list: rows that", "added / changed / unchanged"))
    def row_counts(self, batch):
        return f"{batch.created_count} / {batch.updated_count} / {batch.unchanged_count}"

    @admin.display(description=pgettext_lazy("import batch list", "undone"), ordering="undone_at")
    def undone(self, batch):
        return short_datetime(batch.undone_at) if batch.undone_at else "–"

    @admin.display(description=gettext_lazy("records it touched"))
    def touched(self, batch):
        records = list(batch.records.select_related("content_type").order_by("position")[: self.TOUCHED_SHOWN])
        found = self.records_found(records)
        items = format_html_join(
            "",
            "<li>{}: {} {} ({})</li>",
            (
                (_("row %(row)s") % {"row": record.row}, record.content_type.name,
                 self.record_link(record, found.get((record.content_type_id, record.object_id))),
                 record.get_action_display())
                for record in records
            ),
        )  # fmt: skip
        kinds = record_counts_by_kind(batch)
        total = sum(kinds_total(counts) for counts in kinds.values())
        more = _("and %(count)s more") % {"count": total - self.TOUCHED_SHOWN} if total > self.TOUCHED_SHOWN else ""
        summary = _("Added: %(created)s. Changed: %(updated)s.") % {
            "created": kinds_text(kinds[ImportRecord.Action.CREATED]),
            "updated": kinds_text(kinds[ImportRecord.Action.UPDATED]),
        }
        return format_html("<p>{}</p><ul>{}</ul>{}", summary, items, more)

    def records_found(self, records):
        """The records that still exist, by (content type, id): a query a model (`labelled_in_bulk`), so their
        names cost the same whatever their number."""
        ids = defaultdict(set)
        for record in records:
            ids[record.content_type].add(record.object_id)
        found = {}
        for content_type, pks in ids.items():
            model = content_type.model_class()
            if model is None:
                continue
            for pk, instance in self.labelled_in_bulk(model, pks).items():
                found[content_type.pk, pk] = instance
        return found

    def labelled_in_bulk(self, model, pks):
        """{pk: record} of the records of `model` that still exist, in one query, ready to be named: each
        with what its admin's `label_queryset` reads, and its peers' relations fetched together (FETCH_PEERS)."""
        queryset = model._default_manager.fetch_mode(FETCH_PEERS)
        labeller = labelling_admin(self.admin_site, model)
        if labeller is not None and hasattr(labeller, "label_queryset"):
            queryset = labeller.label_queryset(queryset)
        return queryset.in_bulk(pks)

    def record_link(self, record, instance):
        """The record by its name today, linked to its admin page; a deleted one by its name at import time."""
        if instance is None:
            name = in_active_script(record.label) or record.object_id
            return format_html("{} ({})", name, pgettext("imported record", "deleted"))
        if not self.admin_site.is_registered(type(instance)):
            return in_active_script(instance)
        labeller = labelling_admin(self.admin_site, type(instance))
        opts = instance._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        return format_html(
            '<a href="{}">{}</a>', url, in_active_script(labeller.record_label(instance) if labeller else instance)
        )

    def changed_records(self, changed):
        """The records (model, pk) an undo was refused for, each by its kind and name, linked to its page."""
        found = {}
        for model in {model for model, _pk in changed}:
            pks = [pk for kind, pk in changed if kind is model]
            found.update({(model, pk): instance for pk, instance in self.labelled_in_bulk(model, pks).items()})
        return [
            format_html("{} {}", model._meta.verbose_name, self.record_link(Deleted(pk), found.get((model, pk))))
            for model, pk in changed
        ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and super().has_view_permission(request, obj)

    def get_urls(self):
        return [
            path("<int:pk>/undo/", self.admin_site.admin_view(self.undo_view), name="imports_importbatch_undo"),
            *super().get_urls(),
        ]

    def undo_view(self, request, pk):
        batch = get_object_or_404(ImportBatch, pk=pk)
        if not (request.user.is_staff and request.user.has_perm("imports.view_importbatch")):
            raise PermissionDenied
        records = {  # the batch's models: one query, whatever its number of records
            ContentType.objects.get_for_id(pk).model_class()
            for pk in batch.records.order_by().values_list("content_type", flat=True).distinct()
        }
        needed = [f"{model._meta.app_label}.{action}_{model._meta.model_name}"
                  for model in records for action in ("change", "delete")]  # fmt: skip
        service_undo_note = ""
        if batch.records.filter(action=ImportRecord.Action.STATUS).exists():
            # Its declaration undoes what it changed through services (an office's status steps).
            declaration = declaration_of(batch)
            needed += declaration.service_undo_permissions
            service_undo_note = declaration.service_undo_note
        if not all(request.user.has_perm(permission) for permission in needed):
            raise PermissionDenied
        kinds = record_counts_by_kind(batch)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "batch": batch,
                   "title": _("Undo this import"), "service_undo_note": service_undo_note,
                   "created": kinds_total(kinds[ImportRecord.Action.CREATED]),
                   "updated": kinds_total(kinds[ImportRecord.Action.UPDATED])}  # fmt: skip
        if request.method == "POST":
            try:
                batch_undo(batch=batch, user=request.user)
            except UndoRefused as refusal:
                messages.error(request, str(refusal))
                context["changed"] = self.changed_records(refusal.changed[:200])
                return TemplateResponse(request, "imports/undo.html", context)
            except ProtectedError as refusal:
                blocking = sorted(refusal.protected_objects, key=lambda record: (type(record).__name__, record.pk))
                messages.error(request, _("Nothing was undone: records made since depend on what this import created."))
                context["dependent"] = [
                    format_html("{} {}", record._meta.verbose_name, in_active_script(record))
                    for record in blocking[:50]
                ]
                context["dependent_batches"] = batches_that_created(blocking)
                return TemplateResponse(request, "imports/undo.html", context)
            messages.success(request, _("The import was undone."))
            return redirect(reverse("admin:imports_importbatch_change", args=[batch.pk]))
        return TemplateResponse(request, "imports/undo.html", context)
