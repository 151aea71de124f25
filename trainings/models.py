"""Trainings: competences and the needs survey, curricula, programmes, cohorts, attendance, certificates."""

import secrets
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from simple_history.models import HistoricalRecords

from areas.models import Area, ProgrammeRegion, local_name
from offices.models import Appointment, Coordinator
from offices.validators import validate_phone
from portal.fields import LatinCharField, LatinTextField
from portal.folded_search import folded_search
from portal.text import decimal_text, in_active_script, search_fold, validate_no_control_characters

ZERO_HOURS = Decimal("0")
# The longest session: one training day. A longer one is a typing mistake ("25" for "2,5") or two sessions.
SESSION_MAX_HOURS = Decimal("12")
# Certificate codes: no 0/O, 1/I/L, so a code read off paper is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 8 × 10**17: not guessable, still short enough to type


class Level(models.TextChoices):
    BASIC = "basic", _("basic")
    INTERMEDIATE = "intermediate", _("intermediate")
    ADVANCED = "advanced", _("advanced")

    @classmethod
    def for_share(cls, share):
        """The level of a self-rating given as a share of its scale (0 = lowest, 1 = highest).

        The rule: below one third basic, below two thirds intermediate, from two thirds advanced.
        """
        if share < Decimal(1) / 3:
            return cls.BASIC
        if share < Decimal(2) / 3:
            return cls.INTERMEDIATE
        return cls.ADVANCED


class CompetenceArea(models.Model):
    """A field coordinators are trained in: youth policy, project management, public policy, …"""

    name = LatinCharField(_("name"), max_length=120, unique=True)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    description = LatinTextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Smaller numbers come first."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def local_name(self):
        """The name as the active language shows it: Cyrillic on Cyrillic pages, the English name in English."""
        return local_name(self.name, "", self.name_en)


class SurveyVersion(models.Model):
    """One edition of the needs survey; its questions never change once answered: make a new version."""

    title = LatinCharField(_("title"), max_length=200)
    published_on = models.DateField(_("published on"), unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("needs survey version")
        verbose_name_plural = _("needs survey versions")
        ordering = ["-published_on"]

    def __str__(self):
        return f"{self.title} ({date_format(self.published_on, 'SHORT_DATE_FORMAT')})"


class SurveyQuestion(models.Model):
    version = models.ForeignKey(
        SurveyVersion, verbose_name=_("survey version"), related_name="questions", on_delete=models.PROTECT
    )
    area = models.ForeignKey(
        CompetenceArea, verbose_name=_("competence area"), related_name="questions", on_delete=models.PROTECT
    )
    text = LatinCharField(_("question"), max_length=300)
    scale_min = models.PositiveSmallIntegerField(_("lowest rating"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest rating"), default=5)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["version", "position", "pk"]
        constraints = [
            # A scale needs at least two points.
            models.CheckConstraint(
                condition=Q(scale_max__gt=F("scale_min")),
                name="surveyquestion_scale_max_above_min",
                violation_error_message=_("The highest rating must be above the lowest."),
            ),
        ]

    def __str__(self):
        return self.text


class SurveyResponse(models.Model):
    """A participant's dated answers to one survey version."""

    participant = models.ForeignKey(
        "Participant", verbose_name=_("participant"), related_name="survey_responses", on_delete=models.PROTECT
    )
    version = models.ForeignKey(
        SurveyVersion, verbose_name=_("survey version"), related_name="responses", on_delete=models.PROTECT
    )
    answered_on = models.DateField(_("answered on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_on", "-pk"]
        indexes = [models.Index(fields=["participant", "answered_on"])]
        constraints = [
            # One response per person, version and day: answering again that day replaces the answers
            # (a double click must not count a person twice).
            models.UniqueConstraint(
                fields=["participant", "version", "answered_on"],
                name="surveyresponse_one_per_day",
                violation_error_message=_(
                    "This person already answered this survey version on this day: change that response."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.participant} – {date_format(self.answered_on, 'SHORT_DATE_FORMAT')}"

    def area_levels(self):
        """{competence area: suggested level} from the mean share of the scale of its answers."""
        shares = {}
        for answer in self.answers.all():
            shares.setdefault(answer.question.area, []).append(answer.share)
        return {area: Level.for_share(sum(values) / len(values)) for area, values in shares.items()}

    def suggested_level(self):
        """The level for the mean share of all answers, or None with no answers (see Level.for_share)."""
        shares = [answer.share for answer in self.answers.all()]
        return Level.for_share(sum(shares) / len(shares)) if shares else None


def validate_rating(rating, scale_min, scale_max):
    if rating is not None and not scale_min <= rating <= scale_max:
        raise ValidationError(
            _("Give a rating from %(min)s to %(max)s."),
            code="rating_out_of_scale",
            params={"min": scale_min, "max": scale_max},
        )


class SurveyAnswer(models.Model):
    """A self-rating. It keeps its question's scale, so the database itself refuses a rating outside it.
    Its history keeps the answers a same-day save replaced."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("survey response"), related_name="answers", on_delete=models.CASCADE
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), related_name="answers", on_delete=models.PROTECT
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    scale_min = models.PositiveSmallIntegerField(editable=False)
    scale_max = models.PositiveSmallIntegerField(editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveyanswer_one_per_question"),
            # A rating lies on its question's scale.
            models.CheckConstraint(
                condition=Q(rating__gte=F("scale_min"), rating__lte=F("scale_max")),
                name="surveyanswer_rating_on_scale",
                violation_error_message=_("The rating lies outside the question's scale."),
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.rating}"

    def save(self, *args, **kwargs):
        self.keep_scale()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        self.keep_scale()
        super().clean_fields(exclude)

    def keep_scale(self):
        if self.question_id:
            self.scale_min, self.scale_max = self.question.scale_min, self.question.scale_max

    def clean(self):
        if self.question_id:
            if self.response_id and self.question.version_id != self.response.version_id:
                raise ValidationError({"question": ValidationError(_("This question is not in this survey version."))})
            try:
                validate_rating(self.rating, self.question.scale_min, self.question.scale_max)
            except ValidationError as error:
                raise ValidationError({"rating": error}) from None

    @property
    def share(self):
        return Decimal(self.rating - self.scale_min) / Decimal(self.scale_max - self.scale_min)


class CurriculumModule(models.Model):
    area = models.ForeignKey(
        CompetenceArea, verbose_name=_("competence area"), related_name="modules", on_delete=models.PROTECT
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    title = LatinCharField(_("title"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    description = LatinTextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("curriculum module")
        verbose_name_plural = _("curriculum modules")
        ordering = ["area__position", "level", "title"]
        constraints = [
            models.UniqueConstraint(fields=["area", "level", "title"], name="curriculummodule_unique_title"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="curriculummodule_hours_positive"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_level_display()})"


class ProgrammeQuerySet(models.QuerySet):
    def with_results(self):
        """Aggregate counts only, no names: what a public page may show. Participants are the people who
        took up a place (invitations not taken up are left out, as in the staff's results report);
        completions are those that count (`counted_completion`)."""
        completed = counted_completion("cohorts__enrolments__")
        took_part = ~Q(cohorts__enrolments__status=EnrolmentStatus.INVITED)
        return self.annotate(
            cohort_count=Count("cohorts", distinct=True),
            participant_count=Count("cohorts__enrolments__participant", filter=took_part, distinct=True),
            coordinator_count=Count("cohorts__enrolments__participant__coordinator", filter=took_part, distinct=True),
            completed_count=Count("cohorts__enrolments", filter=completed, distinct=True),
            # The regions where someone completed, not every region that had a cohort.
            region_count=Count("cohorts__region", filter=completed, distinct=True)
            + Count("cohorts__area", filter=completed, distinct=True),
        )


class Programme(models.Model):
    """A training programme, often a funded project with partners, that runs cohorts."""

    name = LatinCharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    partners = LatinCharField(_("partners"), max_length=300, blank=True)
    funder = LatinCharField(_("funder"), max_length=200, blank=True)
    description = LatinTextField(_("description"), blank=True)
    completion_percent = models.PositiveSmallIntegerField(
        _("hours needed for completion (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of a cohort's hours a participant must attend to complete it."),
    )

    history = HistoricalRecords()
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="programme_ends_after_start",
                violation_error_message=_("A programme cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(completion_percent__gte=1, completion_percent__lte=100),
                name="programme_completion_percent_range",
                violation_error_message=_("Give a share from 1 to 100 %."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk and self.cohorts.filter(closed_on__isnull=False).exists():
            stored = Programme.objects.filter(pk=self.pk).values_list("completion_percent", flat=True).first()
            if stored is not None and stored != self.completion_percent:
                raise ValidationError(
                    {
                        "completion_percent": ValidationError(
                            _("Cohorts of this programme were closed by this rule: it stays %(percent)s %%."),
                            code="closed_cohorts",
                            params={"percent": stored},
                        )
                    }
                )


def place_name(region_name, area_name, area_name_cyrillic="", area_name_en=""):
    """Where a cohort trains, as the active language names it, the same on the public page, in the reports
    and on the certificate: its programme region (typed in Latin, shown in the active script) or its area
    (`local_name`: "Srbija", "Србија", "Serbia"); "" for neither."""
    if region_name:
        return in_active_script(region_name)
    if area_name:
        return local_name(area_name, area_name_cyrillic, area_name_en)
    return ""


class Cohort(models.Model):
    """A group trained together: one programme, one level, one region."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), related_name="cohorts", on_delete=models.PROTECT
    )
    name = LatinCharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), related_name="cohorts", on_delete=models.PROTECT, null=True, blank=True
    )
    region = models.ForeignKey(
        ProgrammeRegion,
        verbose_name=_("programme region"),
        related_name="cohorts",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, help_text=_("Set by closing the cohort: completions are then final.")
    )

    history = HistoricalRecords()

    # Not a field. The admin's cohort page sets it to False when its session rows are editable: each
    # row is then checked against the dates as typed (Session.clean), so one save may move a cohort
    # and its sessions together. Everywhere else the stored sessions are checked.
    check_stored_sessions = True

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="cohort_ends_after_start",
                violation_error_message=_("A cohort cannot end before it starts."),
            ),
            # Its region is an area or a programme region, not both.
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(region__isnull=True),
                name="cohort_one_kind_of_region",
                violation_error_message=_("Choose an area or a programme region, not both."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohort_capacity_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def place_name(self):
        """Where the cohort trains, as the active language names it (`place_name`)."""
        area = self.area or Area()
        return place_name(self.region.name if self.region else "", area.name, area.name_cyrillic, area.name_en)

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = ValidationError(_("A cohort cannot end before it starts."))
        if self.area_id and self.region_id:
            errors["region"] = ValidationError(_("Choose an area or a programme region, not both."))
        if self.pk:
            errors.update(self.clean_what_hangs_off(dates_valid="ends_on" not in errors))
        if errors:
            raise ValidationError(errors)

    def clean_what_hangs_off(self, *, dates_valid):
        """An edited cohort must still hold its sessions (within its dates) and its enrolments (the
        places taken, as `validate_cohort_open_for` counts them: invitations hold a place too)."""
        errors = {}
        if dates_valid and self.check_stored_sessions and self.starts_on and self.ends_on:
            outside = list(
                self.sessions.exclude(held_on__range=(self.starts_on, self.ends_on))
                .select_related("module")
                .order_by("held_on", "pk")
            )
            if outside:
                errors[NON_FIELD_ERRORS] = ValidationError(
                    ngettext_lazy(
                        "%(count)s session falls outside these dates: %(sessions)s. Move it first, "
                        "or choose dates that include it.",
                        "%(count)s sessions fall outside these dates: %(sessions)s. Move them first, "
                        "or choose dates that include them.",
                        "count",
                    ),
                    code="sessions_outside",
                    params={
                        "count": len(outside),
                        "sessions": ", ".join(in_active_script(session) for session in outside),
                    },
                )
        if self.capacity:
            taken = self.enrolments.taking_places().count()
            if taken > self.capacity:
                errors["capacity"] = ValidationError(
                    ngettext_lazy(
                        "%(count)s place is taken (invited, enrolled or completed): the capacity cannot be lower.",
                        "%(count)s places are taken (invited, enrolled or completed): the capacity cannot be lower.",
                        "count",
                    ),
                    code="below_taken",
                    params={"count": taken},
                )
        return errors


class Session(models.Model):
    """A training day of a cohort: a module, or an expert consultation on a topic."""

    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), related_name="sessions", on_delete=models.PROTECT)
    module = models.ForeignKey(
        CurriculumModule, verbose_name=_("module"), related_name="sessions", on_delete=models.PROTECT
    )
    title = LatinCharField(_("topic"), max_length=200, blank=True, help_text=_("Leave empty to use the module's."))
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.5")),
            MaxValueValidator(
                SESSION_MAX_HOURS,
                message=_(
                    "A session lasts at most %(limit_value)s hours, one training day: split a longer one into sessions."
                ),
            ),
        ],
    )
    place = LatinCharField(_("place"), max_length=200, blank=True)
    trainers = LatinCharField(_("trainers or invited experts"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["held_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="session_hours_positive")]
        indexes = [models.Index(fields=["cohort", "held_on"])]

    def __str__(self):
        return f"{self.topic} ({date_format(self.held_on, 'SHORT_DATE_FORMAT')})"

    @property
    def topic(self):
        return self.title or (self.module.title if self.module_id else "")

    def clean(self):
        errors = {}
        # The cohort as given: on the admin's cohort pages a session row holds the cohort being typed,
        # not yet saved on the add page (no cohort_id), with the dates as typed.
        cohort = self.cohort if self.cohort_id or Session.cohort.is_cached(self) else None
        dated = cohort is not None and cohort.starts_on and cohort.ends_on
        if dated and self.held_on and not cohort.starts_on <= self.held_on <= cohort.ends_on:
            errors["held_on"] = ValidationError(
                _("The session must fall within its cohort's dates, %(start)s to %(end)s."),
                code="outside_cohort",
                params={
                    "start": date_format(cohort.starts_on, "SHORT_DATE_FORMAT"),
                    "end": date_format(cohort.ends_on, "SHORT_DATE_FORMAT"),
                },
            )
        if self.pk and self.cohort_id and self.hours is not None:
            errors.update(self.clean_attendance())
        if not errors:
            errors.update(self.clean_closed(cohort))
        if errors:
            raise ValidationError(errors)

    def loaded_checks(self):
        """What clean() reads from the database, loaded once for all of a cohort's sessions: the
        `SessionChecks` the admin's session rows put on the cohort they share (`session_checks`), when
        it covers this session; else None (clean() queries for this session alone)."""
        if not Session.cohort.is_cached(self):
            return None
        checks = getattr(self.cohort, "session_checks", None)
        if checks is None or (self.pk and self.pk not in checks.stored):
            return None
        return checks

    def clean_closed(self, cohort):
        """A closed cohort's sessions are what its completions were counted on: none is added, moved,
        shortened or lengthened, and none leaves it."""
        checks = self.loaded_checks()
        if not self.pk:
            stored = None
        elif checks is not None:
            stored = checks.stored[self.pk]
        else:
            stored = Session.objects.filter(pk=self.pk).values("cohort_id", "held_on", "hours").first()
        if stored and (stored["cohort_id"], stored["held_on"], stored["hours"]) == (
            self.cohort_id,
            self.held_on,
            self.hours,
        ):
            return {}  # only the topic, place or trainers change: a record of what happened
        cohorts = {stored["cohort_id"]} if stored else set()
        if cohort is not None and cohort.pk:
            cohorts.add(cohort.pk)
        if checks is not None and cohorts <= {checks.cohort_id}:
            closed = checks.closed
        else:
            closed = Cohort.objects.filter(pk__in=cohorts, closed_on__isnull=False).order_by("closed_on").first()
        if closed is None:
            return {}
        return {
            NON_FIELD_ERRORS: ValidationError(
                _("The cohort %(cohort)s was closed on %(date)s: its sessions' dates and hours no longer change."),
                code="cohort_closed",
                params={"cohort": in_active_script(closed), "date": date_format(closed.closed_on, "SHORT_DATE_FORMAT")},
            )
        }

    def clean_attendance(self):
        """The attendance already recorded must still fit: never more hours than the session's, and
        only people enrolled in its cohort (so a session with attendance keeps its cohort)."""
        checks = self.loaded_checks()
        if checks is not None:
            recorded = checks.attendance.get(self.pk, [])
            counts = {
                "above": sum(1 for hours, _cohort_id in recorded if hours > self.hours),
                "elsewhere": sum(1 for _hours, cohort_id in recorded if cohort_id != self.cohort_id),
                "recorded": len(recorded),
            }
        else:
            counts = self.attendances.aggregate(
                above=Count("pk", filter=Q(hours__gt=self.hours)),
                elsewhere=Count("pk", filter=~Q(enrolment__cohort_id=self.cohort_id)),
                recorded=Count("pk"),
            )
        errors = {}
        if self.held_on and self.held_on > timezone.localdate() and counts["recorded"]:
            errors["held_on"] = ValidationError(
                ngettext_lazy(
                    "%(count)s person's attendance is recorded for this session: it took place, so it cannot "
                    "move to a day still to come.",
                    "%(count)s people's attendance is recorded for this session: it took place, so it cannot "
                    "move to a day still to come.",
                    "count",
                ),
                code="attended_in_future",
                params={"count": counts["recorded"]},
            )
        if counts["above"]:
            errors["hours"] = ValidationError(
                ngettext_lazy(
                    "%(count)s attendance record of this session has more than %(hours)s h present: "
                    "lower it on the attendance sheet first.",
                    "%(count)s attendance records of this session have more than %(hours)s h present: "
                    "lower them on the attendance sheet first.",
                    "count",
                ),
                code="below_attendance",
                params={"count": counts["above"], "hours": decimal_text(self.hours)},
            )
        if counts["elsewhere"]:
            errors["cohort"] = ValidationError(
                ngettext_lazy(
                    "This session has %(count)s attendance record: a session with attendance stays in its cohort.",
                    "This session has %(count)s attendance records: a session with attendance stays in its cohort.",
                    "count",
                ),
                code="attendance_elsewhere",
                params={"count": counts["elsewhere"]},
            )
        return errors


class SessionChecks:
    """What `Session.clean` reads from the database for the sessions of one cohort, loaded at once (three
    queries) for a page that checks them all (the admin's cohort page), instead of two queries a session:
    the sessions as stored, their attendance (hours, enrolment's cohort), and the cohort if it is closed."""

    def __init__(self, cohort):
        self.cohort_id = cohort.pk
        sessions = Session.objects.filter(cohort_id=cohort.pk).values("pk", "cohort_id", "held_on", "hours")
        self.stored = {row["pk"]: row for row in sessions}
        self.attendance = {}
        recorded = Attendance.objects.filter(session_id__in=list(self.stored)).values_list(
            "session_id", "hours", "enrolment__cohort_id"
        )
        for session_id, hours, cohort_id in recorded:
            self.attendance.setdefault(session_id, []).append((hours, cohort_id))
        self.closed = Cohort.objects.filter(pk=cohort.pk, closed_on__isnull=False).first()


def person_detail_annotations(to_participant=""):
    """Annotations for `Participant.detail`, on a query of participants or of rows reaching one through
    `to_participant` (such as "participant__"): the municipality of the office of the coordinator's
    current appointment, else their latest. Subqueries, so a list costs no extra query."""
    latest = Appointment.objects.filter(coordinator=OuterRef(f"{to_participant}coordinator")).order_by(
        F("ended_on").desc(nulls_first=True), "-started_on", "-pk"
    )
    return {
        f"office_{name}": Subquery(latest.values(f"office__area__{name}")[:1])
        for name in ("name", "name_cyrillic", "name_en")
    }


def person_detail(participant, annotated):
    """What tells people of one name apart on a sheet or in a list: their office's municipality (from
    `annotated`, a row with `person_detail_annotations`), else the organisation, else the e-mail."""
    coordinator = participant.coordinator if participant.coordinator_id else None
    place = local_name(
        annotated.office_name or "", annotated.office_name_cyrillic or "", annotated.office_name_en or ""
    )
    return place or participant.organisation or participant.email or (coordinator.email if coordinator else "")


def held_span(to_cohort):
    """Annotations `held_from` and `held_until`: the first and last session of the cohort reached through
    `to_cohort` ("cohort", "enrolment__cohort"), None without sessions. What a cohort really ran, where its
    `starts_on`/`ends_on` are the plan (a cohort may close months before its planned end). Subqueries, so
    a list costs no extra query."""
    sessions = Session.objects.filter(cohort=OuterRef(to_cohort)).order_by().values("cohort")
    return {
        "held_from": Subquery(sessions.annotate(day=Min("held_on")).values("day")[:1]),
        "held_until": Subquery(sessions.annotate(day=Max("held_on")).values("day")[:1]),
    }


class ParticipantQuerySet(models.QuerySet):
    def search(self, query):
        return folded_search(self, ["search_text", "coordinator__search_text"], query)

    def with_detail(self):
        """Participants ready for `person_detail(participant, participant)`, with their coordinator."""
        return self.select_related("coordinator").annotate(**person_detail_annotations())


class Participant(models.Model):
    """A person a programme trains: the one place a training history hangs from.

    Usually a coordinator (then `coordinator` is set and the name comes from there), but also a youth
    council member or a partner's youth worker with no coordinator record. Why a record of its own
    rather than enrolling coordinators directly: people change roles; a council member trained in 2013
    who becomes a coordinator in 2020 is linked to their new coordinator record by setting
    `coordinator`, and keeps one history. Contact data is private, like a coordinator's.
    """

    coordinator = models.OneToOneField(
        Coordinator,
        verbose_name=_("coordinator"),
        related_name="participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    first_name = LatinCharField(_("first name"), max_length=80, blank=True)
    last_name = LatinCharField(_("last name"), max_length=80, blank=True)
    organisation = LatinCharField(
        _("organisation"), max_length=200, blank=True, help_text=_("A youth council, an association, …")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # As a coordinator's phone (offices.validators): a phone stored before the rule is refused on its next edit.
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_no_control_characters, validate_phone]
    )
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    history = HistoricalRecords()
    objects = ParticipantQuerySet.as_manager()

    DERIVED_FIELDS = ("search_text",)  # what bulk updates must write too

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            # Someone who is not a coordinator is known by their own name.
            models.CheckConstraint(
                condition=Q(coordinator__isnull=False) | (~Q(first_name="") & ~Q(last_name="")),
                name="participant_named",
                violation_error_message=_("Give the participant's name, or choose their coordinator record."),
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        if kwargs.get("update_fields") is not None:  # written with whatever it is derived from
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def set_derived_fields(self):
        """Keep derived fields in step (save() and the imports' bulk writes call it)."""
        self.search_text = search_fold(f"{self.first_name} {self.last_name} {self.organisation} {self.email}")

    @property
    def full_name(self):
        if self.coordinator_id:
            return self.coordinator.full_name
        return f"{self.first_name} {self.last_name}"


class EnrolmentStatus(models.TextChoices):
    INVITED = "invited", _("invited")
    ENROLLED = "enrolled", _("enrolled")
    COMPLETED = "completed", _("completed")
    DROPPED_OUT = "dropped_out", _("dropped out")

    @classmethod
    def taking_places(cls):
        """Statuses that hold one of a cohort's places."""
        return [cls.INVITED, cls.ENROLLED, cls.COMPLETED]

    @classmethod
    def set_by_hand(cls):
        """Statuses staff may give an enrolment (admin form, import); "completed" only `cohort_close` gives."""
        return [cls.INVITED, cls.ENROLLED, cls.DROPPED_OUT]


class EnrolmentQuerySet(models.QuerySet):
    def taking_places(self):
        return self.filter(status__in=EnrolmentStatus.taking_places())

    def with_hours(self):
        """Annotate `hours_attended` (0 when none recorded)."""
        return self.annotate(hours_attended=Coalesce(Sum("attendances__hours"), Value(ZERO_HOURS)))

    def with_cohort_hours(self):
        """Annotate `cohort_hours`: the sum of the hours of the enrolment's cohort's sessions."""
        total = (
            Session.objects.filter(cohort=OuterRef("cohort"))
            .order_by()
            .values("cohort")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        return self.annotate(cohort_hours=Coalesce(Subquery(total), Value(ZERO_HOURS)))

    def for_participant(self, participant):
        """A participant's enrolments, newest first, with the programme, cohort, `hours_attended`,
        `cohort_hours` and the span of its cohort's sessions (`held_from`, `held_until`: see `held_span`)."""
        return (
            self.filter(participant=participant)
            .select_related("cohort__programme", "cohort__area", "cohort__region")
            .with_hours()
            .with_cohort_hours()
            .annotate(**held_span("cohort"))
            .order_by("-cohort__starts_on", "-pk")
        )


class Enrolment(models.Model):
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), related_name="enrolments", on_delete=models.PROTECT)
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), related_name="enrolments", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )

    history = HistoricalRecords()
    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "participant"],
                name="enrolment_one_per_cohort",
                violation_error_message=_("This participant is already enrolled in this cohort."),
            ),
        ]

    def __str__(self):
        return f"{self.participant} – {self.cohort}"


def validate_status_by_hand(status, *, before=None):
    """An enrolment's status as staff set it (admin form, import, `enrolment_create`): never "completed",
    which follows the programme's rule when the cohort is closed. `before`: the stored status, which may
    be kept as it is."""
    if status == EnrolmentStatus.COMPLETED and before != EnrolmentStatus.COMPLETED:
        raise ValidationError(
            _(
                "“%(completed)s” cannot be set by hand: Completion follows the programme's rule when the "
                "cohort is closed. Choose invited, enrolled or dropped out."
            )
            % {"completed": EnrolmentStatus.COMPLETED.label},
            code="completed_by_hand",
        )


def validate_cohort_open_for(cohort, status, exclude=None, taken=None):
    """A new enrolment (or one changed to `status`) needs an open cohort with a free place.

    `exclude`: the enrolment being changed, which holds its place already. `taken`: the places taken,
    when the caller counted them already (an import, for its whole file)."""
    if cohort.closed_on is not None:
        if getattr(exclude, "pk", None):  # an enrolment changed, rather than a new one
            raise ValidationError(
                _(
                    "The cohort %(cohort)s was closed on %(date)s: its completions were decided when it was "
                    "closed, so its enrolments no longer change."
                ),
                code="closed",
                params={"cohort": in_active_script(cohort), "date": date_format(cohort.closed_on, "SHORT_DATE_FORMAT")},
            )
        raise ValidationError(
            _("The cohort %(cohort)s is closed.") % {"cohort": in_active_script(cohort)}, code="closed"
        )
    if status in EnrolmentStatus.taking_places():
        if taken is None:
            taken = cohort.enrolments.taking_places().exclude(pk=getattr(exclude, "pk", None)).count()
        if taken >= cohort.capacity:
            raise ValidationError(
                ngettext(
                    "The cohort %(cohort)s is full: its %(capacity)s place is taken.",
                    "The cohort %(cohort)s is full: all %(capacity)s places are taken.",
                    cohort.capacity,
                )
                % {"cohort": in_active_script(cohort), "capacity": cohort.capacity},
                code="full",
            )


class Attendance(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("session"), related_name="attendances", on_delete=models.PROTECT
    )
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), related_name="attendances", on_delete=models.PROTECT
    )
    hours = models.DecimalField(_("hours present"), max_digits=4, decimal_places=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_one_per_session"),
            models.CheckConstraint(
                condition=Q(hours__gte=0),
                name="attendance_hours_not_negative",
                violation_error_message=_("Hours present cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.enrolment.participant} – {self.session}: {decimal_text(self.hours)}"

    def clean(self):
        if self.session_id and self.enrolment_id:
            validate_attendance(self.session, self.enrolment, self.hours)


def validate_attendance(session, enrolment, hours):
    """The one rule for an attendance: a session already held, of a cohort still open, someone enrolled in
    it, at most the session's hours. (A closed cohort's completions and certificates were decided from its
    attendance as it stood: changing it later would leave them out of step.)"""
    if session.cohort.closed_on is not None:
        raise ValidationError(
            _("The cohort %(cohort)s was closed on %(date)s: its attendance can no longer be changed."),
            code="cohort_closed",
            params={
                "cohort": in_active_script(session.cohort),
                "date": date_format(session.cohort.closed_on, "SHORT_DATE_FORMAT"),
            },
        )
    if session.held_on > timezone.localdate():
        raise ValidationError(
            _("The session %(session)s has not taken place yet: its attendance can be recorded from that day on."),
            code="not_held_yet",
            params={"session": in_active_script(session)},
        )
    if enrolment.cohort_id != session.cohort_id:
        raise ValidationError(
            _("%(person)s is not enrolled in the cohort of the session %(session)s."),
            code="not_enrolled",
            params={"person": in_active_script(enrolment.participant), "session": in_active_script(session)},
        )
    if hours is not None and not ZERO_HOURS <= hours <= session.hours:
        raise ValidationError(
            _("%(person)s: give from 0 to %(hours)s h for the session %(session)s."),
            code="hours_out_of_range",
            params={
                "person": in_active_script(enrolment.participant),
                "hours": decimal_text(session.hours),
                "session": in_active_script(session),
            },
        )


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("valid")
    REVOKED = "revoked", _("revoked")
    REPLACED = "replaced", _("replaced")


def new_certificate_code():
    """Always with a digit: letters alone could read as a word, and be written in Cyrillic on /sr/ pages."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if any(character.isdigit() for character in code):
            return code


class CertificateQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(status=CertificateStatus.VALID)

    def for_verification(self):
        """With holder, cohort, programme, replacement and the span of the cohort's sessions (`held_from`,
        `held_until`): one query."""
        return self.select_related(
            "enrolment__participant__coordinator",
            "enrolment__cohort__programme",
            "enrolment__cohort__area",
            "enrolment__cohort__region",
            "replaced_by",
        ).annotate(**held_span("enrolment__cohort"))


class Certificate(models.Model):
    """Proof of completion, checked by its code. Never edited: re-issue or revoke (see services)."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), related_name="certificates", on_delete=models.PROTECT
    )
    code = models.CharField(_("code"), max_length=20, unique=True, default=new_certificate_code, editable=False)
    issued_on = models.DateField(_("issued on"))
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        related_name="replaces",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    note = LatinCharField(_("note"), max_length=300, blank=True, help_text=_("Why it was revoked or re-issued."))

    history = HistoricalRecords()
    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            # An enrolment has at most one valid certificate; older ones are replaced or revoked.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(status="valid"),
                name="certificate_one_valid_per_enrolment",
                violation_error_message=_("This enrolment already has a valid certificate."),
            ),
            # Only a replaced certificate names a replacement (set just after the new one is saved).
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(status="replaced"),
                name="certificate_replaced_names_replacement",
            ),
            models.CheckConstraint(
                condition=Q(status="revoked", revoked_on__isnull=False)
                | (~Q(status="revoked") & Q(revoked_on__isnull=True)),
                name="certificate_revoked_has_date",
            ),
        ]

    def __str__(self):
        return self.code

    def get_absolute_url(self):
        """The public check page (the admin's "View on site")."""
        return reverse("trainings:certificate_verify", args=[self.code])


def counted_completion(to_enrolment=""):
    """Q of the completions that count in results (the public pages and the staff's report): an enrolment
    completed, unless every certificate it had was revoked (none valid, none replaced by a valid one): a
    revoked certificate takes the completion back. `to_enrolment`: the path to the enrolment ("enrolments__")."""
    certificates_all_revoked = (
        Enrolment.objects.filter(certificates__isnull=False)
        .exclude(certificates__status=CertificateStatus.VALID)
        .values("pk")
    )
    return Q(**{f"{to_enrolment}status": EnrolmentStatus.COMPLETED}) & ~Q(
        **{f"{to_enrolment}pk__in": certificates_all_revoked}
    )
