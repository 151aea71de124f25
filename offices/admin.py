from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from areas.admin import DistrictFilter, RegionFilter
from imports.admin import HistoryAdmin, SpreadsheetAdminMixin, change_reason_link
from portal.admin_site import name_column
from portal.folded_search import FoldedSearchMixin
from portal.history import unchanged
from portal.text import in_active_script, validate_no_control_characters

from .importers import CoordinatorImport, MembershipImport, OfficeImport
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


class YearOpenedFilter(admin.SimpleListFilter):
    title = gettext_lazy("year opened")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in Office.objects.opening_years()]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(opened_on__year=int(self.value()))
        return queryset


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["office", "coordinator"]


class OfficeAppointmentFormSet(BaseInlineFormSet):
    """The office's appointments, each row checked (Appointment.clean) against the office's history and
    its stored appointments loaded once for the whole formset, not once a row."""

    def full_clean(self):
        office = self.instance
        if office.pk is None:
            return super().full_clean()
        prefetch_related_objects(
            [office],
            Prefetch("status_changes", to_attr="loaded_status_changes"),
            Prefetch(
                "appointments",
                queryset=Appointment.objects.select_related("coordinator"),
                to_attr="loaded_appointments",
            ),
        )
        try:
            super().full_clean()
        finally:  # the office's save that follows (a status change) reads them afresh
            del office.loaded_status_changes, office.loaded_appointments


class OfficeAppointmentInline(AppointmentInline):
    formset = OfficeAppointmentFormSet
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
class OfficeAdmin(SpreadsheetAdminMixin, FoldedSearchMixin, HistoryAdmin):
    import_class = OfficeImport
    list_display = [name_column(Office, "name"), name_column(Office, "area"), "status", "opened_on", "closed_on"]
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
class OfficeStatusChangeAdmin(HistoryAdmin):
    """Reached from an office's page. "Delete" withdraws the latest step, recorded by mistake, through the service."""

    form = OfficeStatusChangeForm
    fields = ["office", "event", "on", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["office", "event", "recorded_by", "recorded_at"]
    list_display = [name_column(OfficeStatusChange, "office"), "event", "on", "recorded_by"]
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
        if unchanged(form, obj):
            return  # the correction would write a history row with no change (portal.history.UnchangedNotSaved)
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
class CoordinatorAdmin(SpreadsheetAdminMixin, FoldedSearchMixin, HistoryAdmin):
    import_class = CoordinatorImport

    list_display = [name_column(Coordinator, "last_name"), name_column(Coordinator, "first_name"), "email",
                    "youth_work_since", "user"]  # fmt: skip
    list_select_related = ["user"]
    list_filter = ["publish_email", "publish_phone"]
    autocomplete_fields = ["user"]
    show_full_result_count = False
    inlines = [CoordinatorAppointmentInline]
    actions = [*SpreadsheetAdminMixin.actions, "invite", "anonymise"]

    @admin.action(description=gettext_lazy("Invite to sign in"), permissions=["change"])
    def invite(self, request, queryset):
        """E-mail each selected coordinator a one-time link to set a password (in the site's language).

        Someone who already signs in (an account with a password) gets a link to set a new one, and
        someone whose earlier invitation is still unused (no password yet) gets it again: the message
        names both, so staff know they re-sent rather than invited."""
        site_url = request.build_absolute_uri("/").rstrip("/")
        invited, reset, again, refused = [], [], [], []
        for person in queryset.select_related("user").order_by("last_name", "first_name", "pk"):
            had_password = person.user is not None and person.user.has_usable_password()
            pending = person.user is not None and not had_password
            try:
                coordinator_invite(coordinator=person, site_url=site_url)
            except InvitationRefused as reason:
                refused.append(str(reason))
            else:
                name = person.full_name
                invited.append(name)
                if had_password:
                    reset.append(name)
                elif pending:
                    again.append(name)
        if invited:
            message = ngettext(
                "Invited %(count)s coordinator: %(names)s.", "Invited %(count)s coordinators: %(names)s.", len(invited)
            ) % {"count": len(invited), "names": ", ".join(invited)}
            if reset:
                message += " " + ngettext(
                    "Of them, %(count)s already had an account and got a link to set a new password: %(names)s.",
                    "Of them, %(count)s already had an account and got a link to set a new password: %(names)s.",
                    len(reset),
                ) % {"count": len(reset), "names": ", ".join(reset)}
            if again:
                message += " " + ngettext(
                    "Of them, %(count)s had no password yet and got the invitation again: %(names)s.",
                    "Of them, %(count)s had no password yet and got the invitation again: %(names)s.",
                    len(again),
                ) % {"count": len(again), "names": ", ".join(again)}
            messages.success(request, message)
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


class CurrentMembersFilter(admin.SimpleListFilter):
    title = gettext_lazy("membership")
    parameter_name = "members"

    def lookups(self, request, model_admin):
        return [("current", gettext_lazy("current members")), ("former", gettext_lazy("former members"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "former":
            return queryset.exclude(pk__in=Membership.objects.current().values("pk"))
        return queryset


@admin.register(Membership)
class MembershipAdmin(SpreadsheetAdminMixin, FoldedSearchMixin, HistoryAdmin):
    import_class = MembershipImport
    list_display = [name_column(Membership, "area"), "joined_on", "left_on"]
    list_select_related = ["area"]
    list_filter = [CurrentMembersFilter, RegionFilter, DistrictFilter]
    autocomplete_fields = ["area"]
    folded_search_fields = ["area__search_text"]


@admin.register(Appointment)
class AppointmentAdmin(FoldedSearchMixin, HistoryAdmin):
    list_display = [name_column(Appointment, "coordinator"), name_column(Appointment, "office"), "role", "started_on",
                    "ended_on"]  # fmt: skip
    list_select_related = ["coordinator", "office"]
    autocomplete_fields = ["coordinator", "office"]
    folded_search_fields = ["coordinator__search_text", "office__search_text"]


@change_reason_link("proposal")
def proposal_reason(pk):
    """An office history row written by accepting a proposal ("proposal:<id>"): a link to the proposal."""
    url = reverse("admin:offices_officechangeproposal_change", args=[pk])
    return format_html('<a href="{}">{}</a>', url, _("Change proposal #%(id)s") % {"id": pk})


@admin.register(OfficeChangeProposal)
class OfficeChangeProposalAdmin(HistoryAdmin):
    """Staff review coordinators' proposals: the change page shows before → after and accepts or rejects."""

    list_display = [name_column(OfficeChangeProposal, "office"), "proposer", "proposed_at", "status", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["office", "proposed_by__coordinator", "reviewed_by"]
    search_fields = ["office__name", "proposed_by__username", "proposed_by__coordinator__last_name"]
    date_hierarchy = "proposed_at"
    show_full_result_count = False
    fields = ["office", "proposer", "proposed_at", "changes", "status", "reviewed_by", "reviewed_at", "note"]
    change_form_template = "admin/offices/officechangeproposal/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        readonly = ["office", "proposer", "proposed_at", "changes", "status", "reviewed_by", "reviewed_at"]
        return readonly if obj is None or obj.status == ProposalStatus.PENDING else [*readonly, "note"]

    @admin.display(description=gettext_lazy("proposed by"), ordering="proposed_by")
    def proposer(self, obj):
        """The coordinator's name, which staff know them by; the account's name if it has no coordinator."""
        user = obj.proposed_by
        coordinator = getattr(user, "coordinator", None)
        if coordinator is not None or user.get_full_name():
            return in_active_script(coordinator.full_name if coordinator is not None else user.get_full_name())
        return user.get_username()

    def has_add_permission(self, request):
        return False  # coordinators propose from their own page

    def has_delete_permission(self, request, obj=None):
        return False  # the history of the directory's changes is kept

    @admin.display(description=gettext_lazy("changes"))
    def changes(self, obj):
        if obj.status != ProposalStatus.PENDING:
            return self.decided_changes(obj)
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

    def decided_changes(self, obj):
        """A decided proposal's values as they were decided on: the office today (which an accept changed) is
        not compared with them."""
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
            ((label, before, after) for _name, label, before, _now, after in obj.diff()),
        )
        header = format_html(
            '<tr><th></th><th scope="col">{}</th><th scope="col">{}</th></tr>',
            _("when proposed"),
            pgettext("proposal review column", "accepted") if obj.status == ProposalStatus.ACCEPTED else _("proposed"),
        )
        return format_html("<table><thead>{}</thead><tbody>{}</tbody></table>", header, rows)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status == ProposalStatus.PENDING:
            context["office_seen"] = obj.office_digest()
        # The buttons offered are the decisions this user may take.
        context["may_review"] = obj is not None and self.has_change_permission(request, obj)
        context["may_accept"] = obj is not None and self.may_accept(request, obj)
        if obj is not None:
            context["title"] = (
                _("Review office change proposal") if obj.status == ProposalStatus.PENDING
                else _("Office change proposal (%(status)s)") % {"status": obj.get_status_display()}
            )  # fmt: skip
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def may_accept(self, request, proposal):
        """Accepting changes the office: it takes the right to change offices too (rejecting does not)."""
        return self.has_change_permission(request, proposal) and request.user.has_perm("offices.change_office")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        decision = next((name for name in ("_accept", "_reject") if name in request.POST), None)
        if request.method != "POST" or object_id is None or decision is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        proposal = self.get_object(request, object_id)
        if proposal is None:
            return super().changeform_view(request, object_id, form_url, extra_context)  # says it does not exist
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        if decision == "_accept" and not self.may_accept(request, proposal):
            raise PermissionDenied
        note = request.POST.get("note", "")
        try:
            if decision == "_accept":
                # What the page showed of the office: a change made since refuses the accept.
                seen = request.POST.get("office_seen", "")
                office_change_proposal_accept(proposal=proposal, user=request.user, note=note, seen=seen)
            else:
                office_change_proposal_reject(proposal=proposal, user=request.user, note=note)
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
