import os
import time
from pathlib import Path
from uuid import uuid4

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from areas.models import Area, AreaKind, within_q
from portal.folded_search import FoldedSearchMixin
from portal.text import validate_no_control_characters

from .importers import CoordinatorImporter, ImportFailed, OfficeImporter, RowResult
from .models import (
    Appointment,
    Coordinator,
    Membership,
    Office,
    OfficeChangeProposal,
    OfficeStatus,
    OfficeStatusChange,
    ProposalStatus,
)
from .services import (
    InvitationRefused,
    coordinator_anonymise,
    coordinator_invite,
    office_change_proposal_accept,
    office_change_proposal_reject,
    office_change_status,
    office_history_start,
    office_status_change_correct,
    office_status_change_correct_validate,
    office_status_change_validate,
    office_status_change_withdraw,
    office_status_change_withdraw_validate,
)
from .spreadsheets import SpreadsheetError, read_table, write_csv, write_xlsx


class AreaAncestorFilter(admin.SimpleListFilter):
    """Filter by a region/entity or district/canton anywhere above the record's area."""

    kinds = ()
    area_field = "area"

    def lookups(self, request, model_admin):
        return [(area.code, area.name) for area in Area.objects.of_kind(*self.kinds).order_by("path")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        area = Area.objects.filter(code=self.value()).first()
        if area is None:
            return queryset.none()
        return queryset.filter(within_q(area, self.area_field))


class RegionFilter(AreaAncestorFilter):
    title = gettext_lazy("region or entity")
    parameter_name = "region"
    kinds = AreaKind.regional()


class DistrictFilter(AreaAncestorFilter):
    title = gettext_lazy("district or canton")
    parameter_name = "district"
    kinds = AreaKind.subregional()


class YearOpenedFilter(admin.SimpleListFilter):
    title = gettext_lazy("year opened")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in Office.objects.opening_years()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(opened_on__year=int(self.value()))
        return queryset


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"), help_text=gettext_lazy("An Excel (.xlsx) or CSV (.csv) file.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("Upload an Excel (.xlsx) or CSV (.csv) file."))
        return upload


class StoredUpload:
    """An uploaded spreadsheet kept on disk between its preview and its confirmation."""

    salt = "offices.import"
    max_age = 3600  # seconds between preview and confirmation; older files are deleted

    def __init__(self, name):
        self.name = name

    @classmethod
    def save(cls, upload):
        directory = Path(settings.IMPORT_UPLOAD_DIR)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        cls.delete_expired(directory)
        name = f"{uuid4().hex}{Path(upload.name).suffix.lower()}"
        # Spreadsheets hold personal data: readable by the portal's own user only.
        descriptor = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        upload.seek(0)
        return cls(name)

    @classmethod
    def delete_expired(cls, directory):
        """Uploads whose preview was never confirmed are deleted once their token has expired."""
        limit = time.time() - cls.max_age
        for stored in directory.iterdir():
            if stored.is_file() and stored.stat().st_mtime < limit:
                stored.unlink(missing_ok=True)

    @classmethod
    def from_token(cls, token):
        name = signing.loads(token, salt=cls.salt, max_age=cls.max_age)
        if "/" in name or "\\" in name or not (Path(settings.IMPORT_UPLOAD_DIR) / name).is_file():
            raise signing.BadSignature(name)
        return cls(name)

    @property
    def token(self):
        return signing.dumps(self.name, salt=self.salt)

    @property
    def path(self):
        return Path(settings.IMPORT_UPLOAD_DIR) / self.name

    def open(self):
        return open(self.path, "rb")

    def delete(self):
        self.path.unlink(missing_ok=True)


class SpreadsheetAdminMixin:
    """Import (preview, then confirm) and export (.xlsx, .csv) for a changelist."""

    importer_class = None
    change_list_template = "admin/offices/change_list_with_import.html"
    actions = ["export_xlsx", "export_csv"]

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not all(request.user.has_perm(permission) for permission in self.import_permissions()):
            raise PermissionDenied
        importer = self.importer_class()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(things)s") % {"things": self.opts.verbose_name_plural},
            "columns": importer.columns,
        }
        if request.method == "POST" and "token" in request.POST:
            return self._confirm_import(request, importer, context)
        form = UploadForm(request.POST or None, request.FILES or None)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                headers, rows = read_table(upload)
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                preview = importer.preview(headers, rows)
                context["preview"] = preview
                if preview.ok:
                    context["token"] = StoredUpload.save(upload).token
        return TemplateResponse(request, "admin/offices/import.html", context)

    def _confirm_import(self, request, importer, context):
        try:
            stored = StoredUpload.from_token(request.POST["token"])
        except signing.BadSignature:
            messages.error(request, _("This import has expired; upload the file again."))
            return redirect(request.path)
        try:
            with stored.open() as handle:
                headers, rows = read_table(handle)
            preview = importer.apply(headers, rows)
        except (SpreadsheetError, ImportFailed) as error:
            context["form"] = UploadForm()
            context["preview"] = getattr(error, "preview", None)
            messages.error(
                request, _("Nothing was written: the data changed since the preview or the file is not valid.")
            )
            return TemplateResponse(request, "admin/offices/import.html", context)
        finally:
            stored.delete()
        created = sum(1 for row in preview.rows if row.action == RowResult.CREATE)
        messages.success(
            request,
            _("Imported %(rows)s rows: %(created)s created, %(updated)s updated.")
            % {"rows": len(preview.rows), "created": created, "updated": len(preview.rows) - created},
        )
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def import_permissions(self):
        return [
            f"{self.opts.app_label}.add_{self.opts.model_name}",
            f"{self.opts.app_label}.change_{self.opts.model_name}",
        ]

    def export_rows(self, queryset):
        raise NotImplementedError

    def _export(self, queryset, extension):
        headers, rows = self.export_rows(queryset)
        stamp = timezone.localdate().isoformat()
        filename = f"{self.opts.model_name}s-{stamp}.{extension}"
        if extension == "xlsx":
            content = write_xlsx(headers, rows, title=str(self.opts.verbose_name_plural))
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content, content_type = write_csv(headers, rows), "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description=gettext_lazy("Export the selected to Excel (.xlsx)"))
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")

    @admin.action(description=gettext_lazy("Export the selected to CSV"))
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["office", "coordinator"]


class OfficeAppointmentInline(AppointmentInline):
    fields = ["coordinator", "role", "started_on", "ended_on"]


class CoordinatorAppointmentInline(AppointmentInline):
    fields = ["office", "role", "started_on", "ended_on"]


class OfficeStatusChangeInline(admin.TabularInline):
    """The office's history, read only: it grows through the status change on the office's form.

    Each row links to its own page, where a mistyped date or note is corrected (or the latest step withdrawn).
    """

    model = OfficeStatusChange
    extra = 0
    show_change_link = True
    fields = readonly_fields = ["on", "event", "note", "recorded_by", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OfficeAdminForm(forms.ModelForm):
    """The office's form; on an existing office, its status changes only as a dated step of its history."""

    new_status = forms.ChoiceField(
        label=gettext_lazy("New status"),
        choices=[("", "---------"), *OfficeStatus.choices],
        required=False,
        help_text=gettext_lazy(
            "Recorded in the office's history. Making the office inactive or closing it ends its running "
            "appointments on that date."
        ),
    )
    status_changed_on = forms.DateField(
        label=gettext_lazy("Date of the change"), required=False, widget=AdminDateWidget
    )
    status_note = forms.CharField(
        label=gettext_lazy("Note on the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_control_characters],
    )

    class Meta:
        model = Office
        fields = ["area", "name", "slug"]  # the admin's fieldsets give the rest

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("new_status")
        if status and self.instance.pk:
            fields = {"status": "new_status", "on": "status_changed_on"}
            try:
                office_status_change_validate(
                    office=Office.objects.get(pk=self.instance.pk), status=status, on=cleaned.get("status_changed_on")
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for key, errors in error.error_dict.items():
                        self.add_error(fields.get(key), errors)
                else:
                    self.add_error(None, error)
        return cleaned


@admin.register(Office)
class OfficeAdmin(SpreadsheetAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    importer_class = OfficeImporter
    list_display = ["name", "area", "status", "opened_on", "closed_on"]
    list_filter = ["status", RegionFilter, DistrictFilter, YearOpenedFilter]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    show_full_result_count = False
    form = OfficeAdminForm
    inlines = [OfficeStatusChangeInline, OfficeAppointmentInline]
    lifecycle_fields = ["status", "initiated_on", "opened_on", "closed_on"]
    fieldsets = [
        (None, {"fields": ["area", "name", "slug", "status"]}),
        (gettext_lazy("Lifecycle"), {"fields": ["initiated_on", "opened_on", "closed_on"]}),
        (
            gettext_lazy("Public details"),
            {
                "fields": [
                    "address",
                    "postal_code",
                    "latitude",
                    "longitude",
                    "email",
                    "phone",
                    "website",
                    "facebook",
                    "instagram",
                    "working_hours",
                    "description",
                ]
            },
        ),
    ]

    # The status changes on the office's own form (a dated step with a note, through the one service),
    # not in a changelist action: a change belongs to one office, and staff make it while looking at it.
    def get_readonly_fields(self, request, obj=None):
        return self.lifecycle_fields if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else [OfficeAppointmentInline]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        change = ["new_status", "status_changed_on", "status_note"]
        return [
            (
                name,
                {**options, "fields": [*options["fields"], *change]} if name == gettext_lazy("Lifecycle") else options,
            )
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            office_history_start(office=obj, user=request.user)
        elif status := form.cleaned_data.get("new_status"):
            try:
                office_change_status(
                    office=obj,
                    status=status,
                    on=form.cleaned_data["status_changed_on"],
                    note=form.cleaned_data.get("status_note", ""),
                    user=request.user,
                )
            except ValidationError as error:  # the data changed between the form's check and now
                messages.error(request, " ".join(error.messages))

    def export_rows(self, queryset):
        columns = self.importer_class().columns
        headers = [column.header for column in columns]
        rows = [
            [
                office.area.code,
                office.name,
                office.status,
                office.initiated_on,
                office.opened_on,
                office.closed_on,
                office.address,
                office.postal_code,
                office.latitude,
                office.longitude,
                office.email,
                office.phone,
                office.website,
                office.working_hours,
                office.description,
            ]
            for office in queryset.select_related("area")
        ]
        return headers, rows


class OfficeStatusChangeForm(forms.ModelForm):
    """A correction of one step of an office's history: its date and note only, through the service's check."""

    class Meta:
        model = OfficeStatusChange
        fields = ["on", "note"]

    def clean(self):
        cleaned = super().clean()
        if "on" in cleaned and self.instance.pk:
            try:
                office_status_change_correct_validate(change=self.instance, on=cleaned["on"])
            except ValidationError as error:
                for key, errors in error.message_dict.items():
                    self.add_error(key if key in self.fields else None, errors)
        return cleaned


@admin.register(OfficeStatusChange)
class OfficeStatusChangeAdmin(SimpleHistoryAdmin):
    """Reached from an office's page. "Delete" withdraws the latest step, recorded by mistake, through the service."""

    form = OfficeStatusChangeForm
    fields = ["office", "event", "on", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["office", "event", "recorded_by", "recorded_at"]
    list_display = ["office", "event", "on", "recorded_by"]
    list_select_related = ["office", "recorded_by"]
    show_full_result_count = False

    def get_model_perms(self, request):
        return {}  # not on the admin's index: a history is read and corrected on its office's page

    def has_add_permission(self, request):
        return False  # a history grows only through a status change on the office's form

    def has_delete_permission(self, request, obj=None):
        if obj is None or not super().has_delete_permission(request, obj):
            return False
        latest = OfficeStatusChange.objects.filter(office_id=obj.office_id).order_by("-on", "-pk").first()
        return latest.pk == obj.pk

    def save_model(self, request, obj, form, change):
        try:
            office_status_change_correct(
                change=obj, on=form.cleaned_data["on"], note=form.cleaned_data["note"], user=request.user
            )
        except ValidationError as error:  # the data changed between the form's check and now
            messages.error(request, " ".join(error.messages))

    def delete_view(self, request, object_id, extra_context=None):
        change = self.get_object(request, object_id)
        if change is None:
            return super().delete_view(request, object_id, extra_context)
        office_page = redirect(reverse("admin:offices_office_change", args=[change.office_id]))
        try:
            office_status_change_withdraw_validate(change=change)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return office_page
        response = super().delete_view(request, object_id, extra_context)
        return office_page if request.method == "POST" and response.status_code == 302 else response

    def delete_model(self, request, obj):
        office_status_change_withdraw(change=obj, user=request.user)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)  # its message, and "save and continue"
        if "_continue" in request.POST:
            return response
        return redirect(reverse("admin:offices_office_change", args=[obj.office_id]))


@admin.register(Coordinator)
class CoordinatorAdmin(SpreadsheetAdminMixin, FoldedSearchMixin, SimpleHistoryAdmin):
    importer_class = CoordinatorImporter

    def import_permissions(self):
        return [*super().import_permissions(), "offices.add_appointment"]

    list_display = ["last_name", "first_name", "email", "youth_work_since", "user"]
    list_select_related = ["user"]
    list_filter = ["publish_email", "publish_phone"]
    autocomplete_fields = ["user"]
    show_full_result_count = False
    inlines = [CoordinatorAppointmentInline]
    actions = [*SpreadsheetAdminMixin.actions, "invite", "anonymise"]

    @admin.action(description=gettext_lazy("Invite to sign in"), permissions=["change"])
    def invite(self, request, queryset):
        """E-mail each selected coordinator a one-time link to set a password, in this page's language."""
        site_url = request.build_absolute_uri("/").rstrip("/")
        invited, refused = [], []
        for person in queryset.select_related("user").order_by("last_name", "first_name", "pk"):
            try:
                coordinator_invite(coordinator=person, site_url=site_url)
            except InvitationRefused as reason:
                refused.append(str(reason))
            else:
                invited.append(person.full_name)
        if invited:
            message = ngettext(
                "Invited %(count)s coordinator: %(names)s.", "Invited %(count)s coordinators: %(names)s.", len(invited)
            )
            messages.success(request, message % {"count": len(invited), "names": ", ".join(invited)})
        if refused:
            messages.error(request, _("Not invited: %(reasons)s") % {"reasons": " ".join(refused)})

    @admin.action(description=gettext_lazy("Anonymise the selected (data-protection request)"), permissions=["change"])
    def anonymise(self, request, queryset):
        """Erase the personal data of the selected people after a confirmation page; appointments stay."""
        if request.POST.get("confirmed") == "yes":
            people = list(queryset.filter(anonymised_at__isnull=True))
            for person in people:
                coordinator_anonymise(coordinator=person, user=request.user)
            message = ngettext(
                "Anonymised %(count)s coordinator: the personal data is erased, the appointments kept.",
                "Anonymised %(count)s coordinators: their personal data is erased, their appointments kept.",
                len(people),
            )
            messages.success(request, message % {"count": len(people)})
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Anonymise coordinators"),
            "people": queryset.order_by("last_name", "first_name"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/offices/coordinator_anonymise.html", context)

    def export_rows(self, queryset):
        """A row per appointment, and one for a coordinator with none, in the import's columns."""
        headers = [column.header for column in self.importer_class.columns]
        appointments = Prefetch(
            "appointments", Appointment.objects.select_related("office__area").order_by("started_on")
        )
        rows = []
        for person in queryset.prefetch_related(appointments).order_by("last_name", "first_name", "pk"):
            details = [
                person.first_name, person.last_name, person.email, person.phone, person.birth_year,
                person.youth_work_since, person.publish_email, person.publish_phone,
            ]  # fmt: skip
            periods = [[a.office.area.code, a.started_on, a.ended_on] for a in person.appointments.all()]
            rows.extend(details + period for period in periods or [["", None, None]])
        return headers, rows


@admin.register(Membership)
class MembershipAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["area", "joined_on", "left_on"]
    list_select_related = ["area"]
    list_filter = [RegionFilter, DistrictFilter]
    autocomplete_fields = ["area"]
    folded_search_fields = ["area__search_text"]


@admin.register(Appointment)
class AppointmentAdmin(FoldedSearchMixin, SimpleHistoryAdmin):
    list_display = ["coordinator", "office", "role", "started_on", "ended_on"]
    list_select_related = ["coordinator", "office"]
    autocomplete_fields = ["coordinator", "office"]
    folded_search_fields = ["coordinator__search_text", "office__search_text"]


@admin.register(OfficeChangeProposal)
class OfficeChangeProposalAdmin(SimpleHistoryAdmin):
    """Staff review coordinators' proposals: the change page shows before → after and accepts or rejects."""

    list_display = ["office", "proposed_by", "proposed_at", "status", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["office", "proposed_by", "reviewed_by"]
    search_fields = ["office__name", "proposed_by__username"]
    date_hierarchy = "proposed_at"
    show_full_result_count = False
    fields = ["office", "proposed_by", "proposed_at", "changes", "status", "reviewed_by", "reviewed_at", "note"]
    change_form_template = "admin/offices/officechangeproposal/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        readonly = ["office", "proposed_by", "proposed_at", "changes", "status", "reviewed_by", "reviewed_at"]
        return readonly if obj is None or obj.status == ProposalStatus.PENDING else [*readonly, "note"]

    def has_add_permission(self, request):
        return False  # coordinators propose from their own page

    def has_delete_permission(self, request, obj=None):
        return False  # the history of the directory's changes is kept

    @admin.display(description=gettext_lazy("changes"))
    def changes(self, obj):
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    label,
                    before,
                    format_html("<strong>{}</strong> ({})", now, _("changed since the proposal"))
                    if now != before
                    else now,
                    after,
                )
                for _name, label, before, now, after in obj.diff()
            ),
        )
        header = format_html(
            '<tr><th></th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr>',
            _("when proposed"),
            _("now on the public page"),
            _("proposed"),
        )
        return format_html("<table><thead>{}</thead><tbody>{}</tbody></table>", header, rows)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        decision = next((name for name in ("_accept", "_reject") if name in request.POST), None)
        if request.method != "POST" or object_id is None or decision is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        proposal = self.get_object(request, object_id)
        if proposal is None:
            return super().changeform_view(request, object_id, form_url, extra_context)  # says it does not exist
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        review = office_change_proposal_accept if decision == "_accept" else office_change_proposal_reject
        try:
            review(proposal=proposal, user=request.user, note=request.POST.get("note", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        if decision == "_accept":
            messages.success(
                request,
                _("Accepted: the public page of %(office)s shows the new details.") % {"office": proposal.office},
            )
        else:
            messages.success(request, _("Rejected the proposal for %(office)s.") % {"office": proposal.office})
        return redirect("admin:offices_officechangeproposal_changelist")
