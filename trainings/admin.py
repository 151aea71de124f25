import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from imports.admin import HistoryAdmin, SpreadsheetAdminMixin
from portal import decimals
from portal.admin_site import name_column
from portal.folded_search import FoldedSearchMixin
from portal.text import decimal_text, in_active_script

from . import reports
from .forms import AttendanceSheetForm
from .importers import AttendanceImport, EnrolmentImport
from .models import (
    Attendance,
    Certificate,
    Cohort,
    CompetenceArea,
    CurriculumModule,
    Enrolment,
    EnrolmentStatus,
    Level,
    Participant,
    Programme,
    Session,
    SessionChecks,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyVersion,
    person_detail,
    person_detail_annotations,
    validate_cohort_open_for,
    validate_status_by_hand,
)
from .selectors import attendance_sheet
from .services import (
    attendance_sheet_save,
    certificate_reissue,
    certificate_revoke,
    cohort_close,
    cohort_closing_plan,
    for_closing,
    validate_certificate_reissue,
    validate_certificate_revoke,
)

# Hours as staff type them: "2,5" or "2.5" in any language, shown "2,5" in Serbian and "2.5" in English. A
# browser's number input would send "2,5" as it likes (Chromium drops the comma: 25), so a text input with
# the decimal keypad, as the attendance sheet's cells are.
LOCALIZED_DECIMALS = {
    models.DecimalField: {
        "form_class": decimals.DecimalField,
        "localize": True,
        "widget": forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
    }
}


@admin.register(CompetenceArea)
class CompetenceAreaAdmin(HistoryAdmin):
    list_display = ["name", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_en"]


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ["position", "area", "text", "scale_min", "scale_max"]


@admin.register(SurveyVersion)
class SurveyVersionAdmin(HistoryAdmin):
    list_display = ["title", "published_on"]
    search_fields = ["title"]
    inlines = [SurveyQuestionInline]


class SurveyAnswerInline(admin.TabularInline):
    model = SurveyAnswer
    extra = 0
    fields = ["question", "rating"]
    autocomplete_fields = ["question"]


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(HistoryAdmin):
    list_display = ["text", "area", "version", "scale_min", "scale_max"]
    list_select_related = ["area", "version"]
    list_filter = ["version", "area"]
    search_fields = ["text"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(FoldedSearchMixin, HistoryAdmin):
    list_display = [name_column(SurveyResponse, "participant"), "version", "answered_on"]
    list_select_related = ["participant__coordinator", "version"]
    list_filter = ["version"]
    autocomplete_fields = ["participant"]
    folded_search_fields = ["participant__search_text", "participant__coordinator__search_text"]
    date_hierarchy = "answered_on"
    inlines = [SurveyAnswerInline]
    show_full_result_count = False

    def get_urls(self):
        return [
            path(
                "summary/",
                self.admin_site.admin_view(self.summary_view),
                name="trainings_surveyresponse_summary",
            ),
            *super().get_urls(),
        ]

    def summary_view(self, request):
        """The needs-survey summary of one version (?version=<id>, the newest by default), or a .xlsx."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        versions = list(SurveyVersion.objects.order_by("-published_on"))
        chosen = request.GET.get("version")
        version = next((v for v in versions if str(v.pk) == chosen), None) if chosen else None
        if chosen and version is None:
            raise Http404
        version = version or (versions[0] if versions else None)
        areas, regions, counts, next_levels = reports.survey_summary(version) if version else ([], [], {}, {})
        headers, rows = reports.survey_summary_table(areas, regions, counts, next_levels)
        if version and request.GET.get("format") == "xlsx":
            return reports.xlsx_response(headers, rows, title=_("Needs survey summary"), subject=version.title)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Needs survey summary"),
            "versions": versions,
            "version": version,
            "headers": headers,
            "rows": rows,
            "next_levels": [(area.local_name, Level(level).label) for area, level in next_levels.items()],
        }
        return TemplateResponse(request, "admin/trainings/survey_summary.html", context)


def hours_column(model):
    """A changelist's `hours` column as a person writes hours ("4", "2,5"), where Django's own would show
    "4,0": `decimal_text`, as on every page."""

    @admin.display(description=model._meta.get_field("hours").verbose_name, ordering="hours")
    def hours(obj):
        return decimal_text(obj.hours)

    return hours


@admin.register(CurriculumModule)
class CurriculumModuleAdmin(HistoryAdmin):
    formfield_overrides = LOCALIZED_DECIMALS
    list_display = ["title", "area", "level", hours_column(CurriculumModule)]
    list_select_related = ["area"]
    list_filter = ["level", "area"]
    search_fields = ["title"]


@admin.register(Programme)
class ProgrammeAdmin(HistoryAdmin):
    list_display = [name_column(Programme, "name"), "starts_on", "ends_on", name_column(Programme, "partners"),
                    name_column(Programme, "funder"), "completion_percent"]  # fmt: skip
    search_fields = ["name", "partners", "funder"]
    date_hierarchy = "starts_on"

    def get_urls(self):
        return [
            path(
                "results/",
                self.admin_site.admin_view(self.results_view),
                name="trainings_programme_results",
            ),
            *super().get_urls(),
        ]

    def results_view(self, request):
        """A programme's results (?programme=<id>, the newest by default), as a page or a .xlsx (?format=xlsx)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        programmes = list(Programme.objects.order_by("-starts_on", "name"))
        chosen = request.GET.get("programme")
        programme = next((p for p in programmes if str(p.pk) == chosen), None) if chosen else None
        if chosen and programme is None:
            raise Http404
        programme = programme or (programmes[0] if programmes else None)
        sections = reports.programme_results(programme) if programme else []
        if programme and request.GET.get("format") == "xlsx":
            headers, rows = reports.programme_results_table(sections)
            return reports.xlsx_response(headers, rows, title=_("Programme results"), subject=programme.name)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Programme results"),
            "programmes": programmes,
            "programme": programme,
            "sections": sections,
        }
        return TemplateResponse(request, "admin/trainings/programme_results.html", context)


class SessionFormSet(BaseInlineFormSet):
    """A cohort's session rows, each checked (Session.clean) against what it reads from the database
    loaded once for the whole cohort (`SessionChecks`, held by the cohort all rows share), not twice a row."""

    def full_clean(self):
        cohort = self.instance
        if cohort.pk is None:
            return super().full_clean()
        cohort.session_checks = SessionChecks(cohort)
        try:
            super().full_clean()
        finally:  # they hold the rows as they were before this save
            del cohort.session_checks


class ClosedSessionFieldsMixin:
    """The session fields of a page (the cohort's rows, a session's own page) when the cohort is closed: its
    sessions' dates and hours no longer change (Session.clean_closed), so they are shown, not offered as
    inputs; the hours as a person writes them ("4", where Django's read-only field would show "4,0").
    The admin using it lists its `fields` (so the read-only ones keep their places) and says with
    `cohort_of(obj)` which cohort its page's object is or belongs to."""

    frozen_fields = ["held_on", "hours_shown"]
    hours_shown = staticmethod(hours_column(Session))

    def frozen(self, obj):
        return obj is not None and self.cohort_of(obj).closed_on is not None

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.frozen(obj):
            return fields
        return ["hours_shown" if name == "hours" else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        if self.frozen(obj):
            return [*super().get_readonly_fields(request, obj), *self.frozen_fields]
        return super().get_readonly_fields(request, obj)


class SessionInline(ClosedSessionFieldsMixin, admin.TabularInline):
    formfield_overrides = LOCALIZED_DECIMALS
    formset = SessionFormSet
    model = Session
    extra = 0
    fields = ["held_on", "module", "title", "hours", "place", "trainers"]
    autocomplete_fields = ["module"]

    def cohort_of(self, cohort):
        return cohort

    # A closed cohort's sessions are what its completions were counted on (Session.clean_closed).
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self.frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.frozen(obj)


def cohort_closing_message(*, cohort, closing):
    """The result of a close in words, for staff: certificates issued, and any invitations left open."""
    parts = [
        ngettext(
            "%(cohort)s closed: %(count)s certificate issued.",
            "%(cohort)s closed: %(count)s certificates issued.",
            len(closing.certificates),
        )
        % {"cohort": cohort, "count": len(closing.certificates)}
    ]
    if closing.still_invited:
        parts.append(
            ngettext(
                "%(count)s invitation was never answered; it stays invited.",
                "%(count)s invitations were never answered; they stay invited.",
                closing.still_invited,
            )
            % {"count": closing.still_invited}
        )
    return " ".join(parts)


def not_held_yet_message(sessions):
    return ngettext(
        "Nothing was recorded for the session %(sessions)s: it has not taken place yet, and its attendance can "
        "be recorded from its day on.",
        "Nothing was recorded for the sessions %(sessions)s: they have not taken place yet, and their attendance "
        "can be recorded from their day on.",
        len(sessions),
    ) % {"sessions": ", ".join(str(session) for session in sessions)}


def sheet_saved_message(saved):
    added = ngettext("%(count)s record added", "%(count)s records added", saved.created) % {"count": saved.created}
    changed = ngettext("%(count)s record changed", "%(count)s records changed", saved.updated) % {
        "count": saved.updated
    }
    if not saved.deleted:
        return _("Attendance saved: %(added)s, %(changed)s.") % {"added": added, "changed": changed}
    removed = ngettext(
        "%(count)s record removed (its cell was cleared)", "%(count)s records removed (their cells were cleared)",
        saved.deleted,
    ) % {"count": saved.deleted}  # fmt: skip
    return _("Attendance saved: %(added)s, %(changed)s, %(removed)s.") % {
        "added": added,
        "changed": changed,
        "removed": removed,
    }


class CohortAdminForm(forms.ModelForm):
    # Set by CohortAdmin.get_form: whether the page's session rows are editable (see Cohort.check_stored_sessions).
    sessions_in_rows = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.check_stored_sessions = not self.sessions_in_rows

    def clean(self):
        if self.instance.pk and "capacity" in self.changed_data:
            # enrolment_create counts the places under this row's lock: hold it (the admin's save is one
            # transaction) while Cohort.clean counts them, so a place taken meanwhile is counted.
            list(Cohort.objects.select_for_update().filter(pk=self.instance.pk).values_list("pk", flat=True))
        return super().clean()


@admin.register(Cohort)
class CohortAdmin(HistoryAdmin):
    # The sheet's link right after the name: at a laptop's width the last columns are off-screen.
    list_display = [name_column(Cohort, "name"), "sheet_link", name_column(Cohort, "programme"), "level", "place_name", "starts_on", "ends_on", "capacity",
                    "closed_on"]  # fmt: skip
    list_select_related = ["programme", "area", "region"]
    list_filter = ["level", "programme", "region"]
    search_fields = ["name", "programme__name"]
    autocomplete_fields = ["programme", "area", "region"]
    readonly_fields = ["closed_on"]
    form = CohortAdminForm
    inlines = [SessionInline]
    actions = ["close_cohorts"]

    class Media:
        css = {"all": ["trainings/admin.css"]}  # the session rows fit a laptop

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        rows = (
            obj is not None
            and not obj.closed_on  # its rows show the stored dates, read-only
            and SessionInline(self.model, self.admin_site).has_change_permission(request, obj)
        )
        return type(form.__name__, (form,), {"sessions_in_rows": rows})

    def get_urls(self):
        return [
            path(
                "<path:object_id>/attendance/",
                self.admin_site.admin_view(self.attendance_view),
                name="trainings_cohort_attendance",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("region"))
    def place_name(self, cohort):
        return cohort.place_name

    @admin.display(description=gettext_lazy("attendance sheet"))
    def sheet_link(self, cohort):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:trainings_cohort_attendance", args=[cohort.pk]), _("Attendance")
        )

    def attendance_view(self, request, object_id):
        """One page per cohort: sessions as columns, participants as rows, saved all at once."""
        if not request.user.has_perm("trainings.change_attendance") or not request.user.has_perm(
            "trainings.add_attendance"
        ):
            raise PermissionDenied
        if not object_id.isdigit():
            raise Http404
        cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=object_id)
        sessions, enrolments, hours = attendance_sheet(cohort)
        # A closed cohort's sheet is read-only; so are the cells of sessions not held yet (validate_attendance).
        today = timezone.localdate()
        locked = {session.pk for session in sessions if cohort.closed_on is not None or session.held_on > today}
        form = AttendanceSheetForm(
            # Bound on any POST: a sheet whose every cell was cleared posts no cell at all.
            request.POST if request.method == "POST" else None,
            sessions=sessions,
            enrolments=enrolments,
            hours=hours,
            locked=locked,
        )
        future_sessions = [session for session in sessions if session.held_on > today]
        if request.method == "POST" and form.is_valid():
            # Cells sent for a session still to come are locked, so they are not taken: say so, and claim no
            # save when nothing else changed. (A closed cohort's sheet is refused whole by the service.)
            ahead = form.sessions_sent(future_sessions) if cohort.closed_on is None else []
            if ahead:
                messages.warning(request, not_held_yet_message(ahead))
            try:
                saved = attendance_sheet_save(
                    cohort=cohort,
                    hours=form.hours(),
                    user=request.user,
                    may_delete=request.user.has_perm("trainings.delete_attendance"),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                if not ahead or saved.created or saved.updated or saved.deleted:
                    messages.success(request, sheet_saved_message(saved))
                return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": cohort,
            "cohort": cohort,
            "title": _("Attendance sheet: %(cohort)s") % {"cohort": in_active_script(cohort)},
            "sessions": sessions,
            "future_sessions": future_sessions,
            "form": form,
        }
        return TemplateResponse(request, "admin/trainings/attendance_sheet.html", context)

    @admin.action(description=gettext_lazy("Close the selected cohorts (completions and certificates)"))
    def close_cohorts(self, request, queryset):
        """First a page saying, per cohort, what closing will do (or why it cannot be closed yet); then,
        confirmed, `cohort_close` for each (which checks everything again under the cohort's lock)."""
        if request.POST.get("post") == "yes":
            # cohort_close loads each cohort again, under its lock, with what closing reads.
            for cohort in queryset.order_by("pk"):
                try:
                    closing = cohort_close(cohort=cohort)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    level = messages.WARNING if closing.still_invited else messages.SUCCESS
                    messages.add_message(request, level, cohort_closing_message(cohort=cohort, closing=closing))
            return None
        cohorts = list(for_closing(queryset).order_by("pk"))
        plans = []
        for cohort in cohorts:
            try:
                plans.append((cohort, cohort_closing_plan(cohort=cohort), []))
            except ValidationError as error:
                plans.append((cohort, None, error.messages))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Close cohorts: are you sure?"),
            "plans": plans,
            "closable": sum(1 for _cohort, plan, _errors in plans if plan is not None),
            "action": "close_cohorts",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": [cohort.pk for cohort in cohorts],
        }
        return TemplateResponse(request, "admin/trainings/cohort_close_confirmation.html", context)


class ClosedCohortFrozenMixin:
    """A closed cohort is frozen: what its completions were counted on (its sessions, enrolments and
    attendance) is not deleted. `has_delete_permission` hides the delete button of such a record; its delete
    page, and the bulk delete of a selection holding any of them, say why with a message naming the cohorts
    and delete nothing (Django's own refusal would only say that the account lacks a permission, with a 403)."""

    cohort_path = "cohort"  # from the record to its cohort

    def cohort_of(self, obj):
        return functools.reduce(getattr, self.cohort_path.split("__"), obj)

    def frozen_message(self, cohorts):
        names = [str(cohort) for cohort in cohorts]
        return ngettext(
            "Nothing was deleted: the cohort %(cohorts)s is closed, and a closed cohort's sessions, enrolments and "
            "attendance stay as its completions were counted on.",
            "Nothing was deleted: the cohorts %(cohorts)s are closed, and a closed cohort's sessions, enrolments "
            "and attendance stay as its completions were counted on.",
            len(names),
        ) % {"cohorts": ", ".join(names)}

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.cohort_of(obj).closed_on is not None:
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        # Only for those who may delete otherwise: anyone else gets Django's own answer.
        if obj is not None and self.cohort_of(obj).closed_on is not None and super().has_delete_permission(request):
            self.message_user(request, self.frozen_message([self.cohort_of(obj)]), messages.ERROR)
            opts = self.opts
            return redirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                    current_app=self.admin_site.name,
                )
            )
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=django_delete_selected.short_description)
    def delete_selected(self, request, queryset):
        closed = Cohort.objects.filter(pk__in=queryset.values(self.cohort_path), closed_on__isnull=False)
        cohorts = list(closed.order_by("name", "pk"))
        if cohorts:
            self.message_user(request, self.frozen_message(cohorts), messages.ERROR)
            return None
        # Django's confirmation asks has_delete_permission of each record, which reads its cohort: with
        # them, whatever the changelist's columns select, so the page costs the same for one or a hundred.
        return django_delete_selected(self, request, queryset.select_related(self.cohort_path))


@admin.register(Session)
class SessionAdmin(ClosedSessionFieldsMixin, ClosedCohortFrozenMixin, HistoryAdmin):
    actions = ["delete_selected"]
    formfield_overrides = LOCALIZED_DECIMALS
    fields = ["cohort", "module", "title", "held_on", "hours", "place", "trainers"]
    list_display = ["topic", name_column(Session, "cohort"), "held_on", hours_column(Session), "place", "trainers"]
    list_select_related = ["cohort", "module"]
    list_filter = ["cohort__programme", "module__area"]
    search_fields = ["title", "module__title", "place", "trainers", "cohort__name"]
    autocomplete_fields = ["cohort", "module"]
    date_hierarchy = "held_on"

    @admin.display(description=gettext_lazy("topic"))
    def topic(self, session):
        return in_active_script(session.topic)

    # On a closed cohort, a session's topic, place and trainers may still be corrected; nothing else.
    frozen_fields = ["cohort", *ClosedSessionFieldsMixin.frozen_fields]


def named_with_detail(participant, annotated):
    """A person's name with what tells them from another of the same name, in the active script: "Nemanja
    Jovanović (Zrenjanin)", "Немања Јовановић (Зрењанин)"."""
    detail = person_detail(participant, annotated)
    return in_active_script(f"{participant} ({detail})" if detail else str(participant))


@admin.register(Participant)
class ParticipantAdmin(FoldedSearchMixin, HistoryAdmin):
    list_display = ["name", "detail", name_column(Participant, "organisation"), name_column(Participant, "coordinator")]
    list_select_related = ["coordinator"]
    autocomplete_fields = ["coordinator"]
    folded_search_fields = ["search_text", "coordinator__search_text"]
    show_full_result_count = False

    def get_queryset(self, request):
        return self.label_queryset(super().get_queryset(request))

    def label_queryset(self, queryset):
        return queryset.with_detail()

    @admin.display(description=Participant._meta.verbose_name)
    def name(self, participant):
        return in_active_script(participant)

    @admin.display(description=gettext_lazy("municipality, organisation or e-mail"))
    def detail(self, participant):
        return in_active_script(person_detail(participant, participant))

    def record_label(self, participant):  # autocompletes and import batches (portal.admin_site)
        return named_with_detail(participant, participant)


class EnrolmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["cohort", "participant", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # The list offers what staff may set; "completed" stays valid for the field (so a posted one
            # gets the clear message of clean_status), and shows for an enrolment that completed.
            stored = self.instance.status if self.instance.pk else None
            allowed = [*EnrolmentStatus.set_by_hand(), *([stored] if stored == EnrolmentStatus.COMPLETED else [])]
            self.fields["status"].widget.choices = [(v, label) for v, label in EnrolmentStatus.choices if v in allowed]
            self.fields["status"].help_text = _(
                "Completion follows the programme's rule when the cohort is closed: “completed” is set only "
                "by closing it."
            )

    def clean_status(self):
        status = self.cleaned_data["status"]
        validate_status_by_hand(status, before=self.instance.status if self.instance.pk else None)
        return status

    def clean(self):
        cleaned = super().clean()
        cohort, status = cleaned.get("cohort"), cleaned.get("status")
        changed = self.instance.pk is None or {"cohort", "status"} & set(self.changed_data)
        if cohort and status and changed:
            validate_cohort_open_for(cohort, status, exclude=self.instance if self.instance.pk else None)
        return cleaned


@admin.register(Enrolment)
class EnrolmentAdmin(ClosedCohortFrozenMixin, SpreadsheetAdminMixin, FoldedSearchMixin, HistoryAdmin):
    actions = ["delete_selected", *SpreadsheetAdminMixin.actions]
    import_class = EnrolmentImport
    form = EnrolmentAdminForm
    list_display = ["person", name_column(Enrolment, "cohort"), "status"]
    list_select_related = ["participant__coordinator", "cohort"]
    list_filter = ["status", "cohort__programme", "cohort__level"]
    autocomplete_fields = ["participant", "cohort"]
    folded_search_fields = ["participant__search_text", "participant__coordinator__search_text"]
    show_full_result_count = False

    def get_queryset(self, request):
        return self.label_queryset(super().get_queryset(request))

    def label_queryset(self, queryset):
        return queryset.select_related("participant__coordinator", "cohort").annotate(
            **person_detail_annotations("participant__")
        )

    @admin.display(description=gettext_lazy("participant"), ordering="participant")
    def person(self, enrolment):
        return named_with_detail(enrolment.participant, enrolment)

    def record_label(self, enrolment):  # autocompletes and import batches (portal.admin_site)
        return f"{named_with_detail(enrolment.participant, enrolment)} – {in_active_script(enrolment.cohort)}"

    def get_readonly_fields(self, request, obj=None):
        # A closed cohort's completions were decided when it closed: its enrolments are shown, not edited.
        if obj is not None and obj.cohort.closed_on:
            return [*super().get_readonly_fields(request, obj), "cohort", "participant", "status"]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        # The form checked for a free place; checked again under the cohort's row lock (the admin's
        # view runs in a transaction), so two staff cannot both take the last place.
        cohort = Cohort.objects.select_for_update().get(pk=obj.cohort_id)
        if not change or {"cohort", "status"} & set(form.changed_data):
            validate_cohort_open_for(cohort, obj.status, exclude=obj if change else None)
        super().save_model(request, obj, form, change)


@admin.register(Attendance)
class AttendanceAdmin(ClosedCohortFrozenMixin, SpreadsheetAdminMixin, FoldedSearchMixin, HistoryAdmin):
    actions = ["delete_selected", *SpreadsheetAdminMixin.actions]
    cohort_path = "enrolment__cohort"
    formfield_overrides = LOCALIZED_DECIMALS
    import_class = AttendanceImport
    list_display = ["person", "cohort", name_column(Attendance, "session"), hours_column(Attendance)]
    list_select_related = ["enrolment__participant__coordinator", "enrolment__cohort", "session__module"]
    list_filter = ["session__cohort__programme"]
    autocomplete_fields = ["enrolment", "session"]
    folded_search_fields = ["enrolment__participant__search_text", "enrolment__participant__coordinator__search_text"]
    show_full_result_count = False

    def get_queryset(self, request):
        return self.label_queryset(super().get_queryset(request))

    def label_queryset(self, queryset):
        return queryset.select_related(
            "enrolment__participant__coordinator", "enrolment__cohort", "session__module"
        ).annotate(**person_detail_annotations("enrolment__participant__"))

    def record_label(self, attendance):  # import batches (portal.admin_site)
        hours = decimal_text(attendance.hours)
        person = named_with_detail(attendance.enrolment.participant, attendance)
        return f"{person} – {in_active_script(attendance.session)}: {hours}"

    @admin.display(description=gettext_lazy("participant"), ordering="enrolment__participant")
    def person(self, attendance):
        return named_with_detail(attendance.enrolment.participant, attendance)

    @admin.display(description=gettext_lazy("cohort"), ordering="enrolment__cohort")
    def cohort(self, attendance):
        return in_active_script(attendance.enrolment.cohort)


class CertificateReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=Certificate._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Kept with the certificate, in its history."),
        error_messages={"required": gettext_lazy("Give the reason: it is kept with the certificate.")},
    )


@admin.register(Certificate)
class CertificateAdmin(FoldedSearchMixin, HistoryAdmin):
    """Certificates are never edited: issued by closing a cohort, then re-issued or revoked by action."""

    list_display = ["code", name_column(Certificate, "enrolment"), "issued_on", "status", "replaced_by"]
    list_select_related = ["enrolment__participant__coordinator", "enrolment__cohort", "replaced_by"]
    list_filter = ["status", "enrolment__cohort__programme"]
    folded_search_fields = ["enrolment__participant__search_text", "enrolment__participant__coordinator__search_text"]
    readonly_fields = ["code", "enrolment", "issued_on", "status", "replaced_by", "revoked_on"]
    fields = ["code", "enrolment", "issued_on", "status", "replaced_by", "revoked_on", "note"]
    actions = ["reissue", "revoke"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        by_code = queryset.filter(code=search_term.strip().upper())
        if search_term and by_code.exists():
            return by_code, False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _confirm(self, request, queryset, *, action, title, check, service, done):
        """A confirmation page with a required reason; the certificates the action cannot take are named
        there and, after it, in a message with why (the service checks each again under its lock)."""
        certificates = list(
            queryset.select_related("enrolment__participant__coordinator", "replaced_by").order_by("pk")
        )
        taken, skipped = [], []
        for certificate in certificates:
            try:
                check(certificate)
            except ValidationError as error:
                skipped.append((certificate, " ".join(error.messages)))
            else:
                taken.append(certificate)
        form = CertificateReasonForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_valid():
            for certificate in taken:
                try:
                    result = service(certificate=certificate, reason=form.cleaned_data["reason"])
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, done % {"code": certificate.code, "new": result.code})
            if skipped:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)s certificate was left as it was: %(why)s",
                        "%(count)s certificates were left as they were: %(why)s",
                        len(skipped),
                    )
                    % {"count": len(skipped), "why": " ".join(why for _certificate, why in skipped)},
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "taken": taken,
            "skipped": skipped,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": [certificate.pk for certificate in certificates],
        }
        return TemplateResponse(request, "admin/trainings/certificate_confirmation.html", context)

    @admin.action(description=gettext_lazy("Re-issue the selected certificates (new codes)"))
    def reissue(self, request, queryset):
        return self._confirm(
            request,
            queryset,
            action="reissue",
            title=_("Re-issue certificates: are you sure?"),
            check=validate_certificate_reissue,
            service=certificate_reissue,
            done=_("%(code)s re-issued: the new certificate is %(new)s."),
        )

    @admin.action(description=gettext_lazy("Revoke the selected certificates"))
    def revoke(self, request, queryset):
        return self._confirm(
            request,
            queryset,
            action="revoke",
            title=_("Revoke certificates: are you sure?"),
            check=validate_certificate_revoke,
            service=certificate_revoke,
            done=_("%(code)s revoked."),
        )
