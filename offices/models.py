import hashlib
import json
from itertools import pairwise

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractYear, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import Area, AreaKind, within_q
from portal.fields import LatinCharField, LatinTextField
from portal.folded_search import folded_search
from portal.text import in_active_script, search_fold, slugify, validate_no_control_characters

from .validators import (
    raise_collected,
    tel_uri,
    validate_not_in_future,
    validate_phone,
    validate_point_in_area_country,
    validate_postal_code,
)


def normalize_email(address):
    """An e-mail address with its domain in lower case ("Kzm.Sabac@sabac.rs"), as Django keeps users':
    a domain has no case, and a published address should not show "Sabac.RS" as typed."""
    return BaseUserManager.normalize_email(address.strip()) if address else address


# Every text field a person types into refuses invisible control characters (admin and import alike).
TEXT = [validate_no_control_characters]


class OfficeStatus(models.TextChoices):
    INITIATED = "initiated", _("initiated")
    OPEN = "open", _("open")
    INACTIVE = "inactive", _("inactive")
    CLOSED = "closed", _("closed")

    @classmethod
    def opened(cls):
        """Statuses of an office that has opened at some point."""
        return [cls.OPEN, cls.INACTIVE, cls.CLOSED]

    @classmethod
    def ended(cls):
        return [cls.INACTIVE, cls.CLOSED]


class OfficeEvent(models.TextChoices):
    """A dated step of an office's lifecycle; the labels are the sentences of the office page."""

    INITIATED = "initiated", pgettext_lazy("office event", "the opening of the office was initiated")
    OPENED = "opened", pgettext_lazy("office event", "the office opened")
    INACTIVE = "inactive", pgettext_lazy("office event", "the office became inactive")
    REOPENED = "reopened", pgettext_lazy("office event", "the office reopened")
    CLOSED = "closed", pgettext_lazy("office event", "the office closed")

    @property
    def status(self):
        """The office's status from this event on."""
        return {
            "initiated": OfficeStatus.INITIATED,
            "opened": OfficeStatus.OPEN,
            "reopened": OfficeStatus.OPEN,
            "inactive": OfficeStatus.INACTIVE,
            "closed": OfficeStatus.CLOSED,
        }[self.value]


def working_periods(steps):
    """The periods in which an office worked, from its history's (event, date) steps in order.

    A list of (start, end) pairs; `end` is the day it stopped working (that day still counts), None
    while it works. An inactive gap between two periods is not part of its working life.
    """
    periods, start = [], None
    for event, on in steps:
        if event in (OfficeEvent.OPENED, OfficeEvent.REOPENED) and start is None:
            start = on
        elif event in (OfficeEvent.INACTIVE, OfficeEvent.CLOSED) and start is not None:
            periods.append((start, on))
            start = None
    if start is not None:
        periods.append((start, None))
    return periods


def period_within(periods, started_on, ended_on):
    """Whether the period from `started_on` to `ended_on` (None: open-ended) lies within one of `periods`."""
    return any(
        start <= started_on and (end is None or (ended_on is not None and ended_on <= end)) for start, end in periods
    )


def pin_point(latitude, longitude, area_latitude, area_longitude):
    """Where an office's pin goes: its own coordinates, else the seat of its area."""
    if latitude is not None and longitude is not None:
        return latitude, longitude
    return area_latitude, area_longitude


def area_saved(sender, instance, created, raw=False, **kwargs):
    """The receiver of an area's post_save (OfficesConfig.ready): the offices in a renamed or moved area,
    or in the areas below it, are found by its new names. A save that changed neither its names and code
    nor its parent (coordinates, validity: most of a load_areas) rewrites nothing."""
    if not created and not raw and instance.names_or_parent_changed:
        Office.objects.filter(Q(area=instance) | Q(area__parent=instance)).refresh_search_text()


class OfficeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=OfficeStatus.OPEN)

    def in_area(self, area):
        return self.filter(within_q(area, "area"))

    def search(self, query):
        """Offices with every word in their name, their area's or the area's parent's (in any script):
        one column holds them all (Office.set_derived_fields). "KZM" is every office: no filter."""
        return folded_search(self, ["search_text"], query, ignore_words=["KZM"])

    def opening_years(self):
        """The years in which some office opened, newest first."""
        return (
            self.filter(opened_on__isnull=False)
            .annotate(year=ExtractYear("opened_on"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )

    def for_listing(self):
        return self.select_related("area", "area__parent")

    def refresh_search_text(self):
        """Rewrite these offices' search text from their area's names now (no history: a derived field)."""
        offices = list(self.select_related("area__parent"))
        for office in offices:
            office.set_derived_fields()
        self.model.objects.bulk_update(offices, ["search_text"], batch_size=500)


class Office(models.Model):
    """A youth office (Kancelarija za mlade, KZM) of one local self-government."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("local self-government"),
        related_name="offices",
        on_delete=models.PROTECT,
        limit_choices_to={"kind__in": AreaKind.office_hosts()},
    )
    name = LatinCharField(_("name"), max_length=200, validators=TEXT)
    slug = models.SlugField(_("address on the site"), max_length=220, unique=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=OfficeStatus.choices, default=OfficeStatus.INITIATED)
    initiated_on = models.DateField(_("initiated on"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(
        _("closed or inactive since"),
        null=True,
        blank=True,
        help_text=_("The day the office stopped working, for an inactive or closed office."),
    )
    address = LatinCharField(_("address"), max_length=200, blank=True, validators=TEXT)
    postal_code = models.CharField(
        _("postal code"), max_length=10, blank=True, validators=[*TEXT, validate_postal_code]
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True, validators=[*TEXT, validate_phone])
    website = models.URLField(_("website"), blank=True)
    facebook = models.URLField(_("Facebook page"), blank=True)
    instagram = models.URLField(_("Instagram profile"), blank=True)
    working_hours = LatinCharField(_("working hours"), max_length=200, blank=True, validators=TEXT)
    description = LatinTextField(_("description"), blank=True, validators=TEXT)
    search_text = models.TextField(editable=False)  # searched through a trigram index on PostgreSQL (0010)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = OfficeQuerySet.as_manager()

    DERIVED_FIELDS = ("search_text", "updated_at")  # what bulk updates must write too

    class Meta:
        verbose_name = _("youth office")
        verbose_name_plural = _("youth offices")
        ordering = ["area__name", "name"]
        constraints = [
            # A local self-government has one working youth office at a time.
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(status=OfficeStatus.OPEN),
                name="office_one_open_per_area",
                violation_error_message=_("This local self-government already has an open youth office."),
            ),
            # An office is open only from a known opening date.
            models.CheckConstraint(
                condition=~Q(status__in=OfficeStatus.opened()) | Q(opened_on__isnull=False),
                name="office_opened_has_opening_date",
                violation_error_message=_("An open, inactive or closed office needs its opening date."),
            ),
            # An office that has not opened yet has neither an opening nor a closing date.
            models.CheckConstraint(
                condition=~Q(status="initiated") | Q(opened_on__isnull=True, closed_on__isnull=True),
                name="office_initiated_has_no_opening",
                violation_error_message=_(
                    "An initiated office has not opened yet: leave its opening and closing dates empty."
                ),
            ),
            # It cannot stop working before it opened.
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="office_closed_after_opened",
                violation_error_message=_("The closing date cannot be before the opening date."),
            ),
            # An office is initiated before it opens.
            models.CheckConstraint(
                condition=Q(initiated_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(initiated_on__lte=models.F("opened_on")),
                name="office_initiated_before_opened",
                violation_error_message=_("The initiation date cannot be after the opening date."),
            ),
            # An inactive or closed office says since when.
            models.CheckConstraint(
                condition=~Q(status__in=OfficeStatus.ended()) | Q(closed_on__isnull=False),
                name="office_ended_has_closing_date",
                violation_error_message=_("Give the date from which the office is inactive or closed."),
            ),
            # A working office has no closing date.
            models.CheckConstraint(
                condition=~Q(status=OfficeStatus.OPEN) | Q(closed_on__isnull=True),
                name="office_open_has_no_closing_date",
                violation_error_message=_("An open office has no closing date."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opened_on"]),
            models.Index(fields=["opened_on"]),
            models.Index(fields=["name", "id"]),  # the directory's order
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "area", "area_id"} & set(update_fields):
            kwargs["update_fields"] = update_fields = {*update_fields, "search_text"}  # derived from them
        if update_fields is None or "search_text" in update_fields:
            self.set_derived_fields()  # reads the area and its parent unless loaded: a save of a status only does not
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("offices:detail", kwargs={"slug": self.slug})

    @property
    def phone_link(self):
        return tel_uri(self.phone)

    def set_derived_fields(self):
        """Keep derived fields in step (save() and the imports' bulk writes call it).

        The search text holds the office's name and where it is (its area's names and code, and the area's
        parent's), so a search reads one column; a renamed or moved area rewrites it (refresh_search_text).
        """
        area = self.area
        parent = area.parent.search_text if area.parent_id else ""
        self.search_text = " ".join(part for part in (search_fold(self.name), area.search_text, parent) if part)

    def unique_slug(self, taken=None):
        """The area's name as a slug, numbered ("sabac-2") past the slugs in use: those of the other offices,
        or the set `taken` when the caller knows them already (an import, its whole file: no query)."""
        base = slugify(self.area.name if self.area_id else self.name)[:200] or "kzm"
        if taken is None:
            taken = set(Office.objects.exclude(pk=self.pk).filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    def clean(self):
        # The rules on status and dates that the database holds are its constraints, reported by
        # validate_constraints(); clean() checks only what a constraint cannot.
        self.email = normalize_email(self.email)
        errors = {}
        for name, label in (("initiated_on", _("The initiation date")), ("opened_on", _("The opening date")),
                            ("closed_on", _("The closing date"))):  # fmt: skip
            try:
                validate_not_in_future(getattr(self, name), label)
            except ValidationError as error:
                errors[name] = error
        if self.area_id:
            if not self.area.is_office_host:
                errors["area"] = ValidationError(
                    _("A youth office belongs to a city, a municipality or a city municipality.")
                )
            try:
                validate_point_in_area_country(self.area, self.latitude, self.longitude)
            except ValidationError as error:
                errors["latitude"] = error
        if (self.latitude is None) != (self.longitude is None):
            errors.setdefault("longitude", ValidationError(_("Give both latitude and longitude, or neither.")))
        if errors:
            raise ValidationError(errors)

    @property
    def point(self):
        return pin_point(self.latitude, self.longitude, self.area.latitude, self.area.longitude)

    @property
    def has_stopped(self):
        """Inactive or closed: it offers no contact, though its history stays public."""
        return self.status in OfficeStatus.ended()

    def working_periods(self):
        """The office's working life: its open periods, read from its history (one query, or a prefetch:
        `status_changes`, or `Prefetch("status_changes", to_attr="loaded_status_changes")` as the admin's
        appointment rows have it, so a caller can drop it with `del` before the history changes).

        Clipped by `opened_on`/`closed_on`, the state the pages show: a row written outside the
        services never widens the working life. An office with no history has one period, from its fields.
        """
        changes = getattr(self, "loaded_status_changes", None)
        if changes is None:
            changes = self.status_changes.all() if self.pk else []
        changes = sorted(changes, key=lambda change: (change.on, change.pk))
        periods = working_periods((change.event, change.on) for change in changes)
        if not changes and self.opened_on is not None:
            periods = [(self.opened_on, None)]
        if self.opened_on is None:
            return []
        last = self.closed_on if self.status in OfficeStatus.ended() else None
        clipped = []
        for start, end in periods:
            start = max(start, self.opened_on)
            if last is not None:
                if start > last:
                    continue
                end = last if end is None else min(end, last)
            if end is None or start <= end:
                clipped.append((start, end))
        return clipped


class OfficeStatusChange(models.Model):
    """One dated step of an office's lifecycle, kept forever: the office's history.

    `Office.status`, `opened_on` and `closed_on` are the current state, kept in step with these
    rows by `offices.services.office_change_status`; never write one without the other.
    """

    office = models.ForeignKey(
        Office, verbose_name=_("youth office"), related_name="status_changes", on_delete=models.PROTECT
    )
    event = models.CharField(_("change"), max_length=12, choices=OfficeEvent.choices)
    on = models.DateField(_("date"))
    note = LatinTextField(_("note"), blank=True, validators=TEXT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoricalRecords()  # corrections of a date or a note, and a withdrawn change, stay visible

    class Meta:
        verbose_name = _("office status change")
        verbose_name_plural = _("office status changes")
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["office", "on"])]

    def __str__(self):
        return f"{self.office} – {self.get_event_display()} ({date_format(self.on, 'SHORT_DATE_FORMAT')})"


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(joined_on__lte=on), Q(left_on__isnull=True) | Q(left_on__gte=on))

    def overlapping(self, joined_on, left_on):
        """Memberships that share at least one day with the period (a running one runs on for ever)."""
        found = self.filter(Q(left_on__isnull=True) | Q(left_on__gte=joined_on))
        return found if left_on is None else found.filter(joined_on__lte=left_on)


class Membership(models.Model):
    """A local self-government's membership of the national association, apart from its office."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("local self-government"),
        related_name="memberships",
        on_delete=models.PROTECT,
        limit_choices_to={"kind__in": AreaKind.office_hosts()},
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = LatinCharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("association membership")
        verbose_name_plural = _("association memberships")
        ordering = ["area__name", "-joined_on"]
        constraints = [
            # A membership cannot end before it starts.
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
            # One running membership per local self-government.
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(left_on__isnull=True),
                name="membership_one_running_per_area",
                violation_error_message=_("This local self-government is already a member."),
            ),
        ]

    def __str__(self):
        return f"{self.area} ({self.joined_on:%Y})"

    def clean(self):
        # The end after the start and one running membership are constraints, reported by validate_constraints().
        self.check_rules()

    def check_rules(self, others=None):
        """clean()'s rules; `others`: the area's other memberships as the caller has them loaded (an import
        checks its rows against each other and the stored ones without a query a row), else read here."""
        try:
            validate_not_in_future(self.joined_on, _("The joining date"))
        except ValidationError as error:
            raise ValidationError({"joined_on": error}) from None
        if not self.area_id or self.joined_on is None:
            return
        if others is None:
            others = (Membership.objects.filter(area_id=self.area_id).exclude(pk=self.pk)
                      .overlapping(self.joined_on, self.left_on).order_by("joined_on"))  # fmt: skip
        other = self.first_overlapping(others)
        if other is not None:
            raise ValidationError({"joined_on": self.overlap_error(other)})

    def overlaps(self, joined_on, left_on):
        """The same rule as MembershipQuerySet.overlapping(), for memberships already loaded."""
        return (self.left_on is None or self.left_on >= joined_on) and (left_on is None or self.joined_on <= left_on)

    def first_overlapping(self, others):
        """The first of `others` (the area's other memberships) that shares a day with this one, or None. Two
        running memberships are the constraint's to report; a period that ends before it starts, the other's."""
        if self.left_on is not None and self.left_on < self.joined_on:
            return None
        return next(
            (other for other in others
             if other is not self and (other.pk is None or other.pk != self.pk)
             and not (self.left_on is None and other.left_on is None)
             and other.overlaps(self.joined_on, self.left_on)),
            None,
        )  # fmt: skip

    def overlap_error(self, other):
        return ValidationError(
            _("%(area)s already has a membership from %(start)s to %(end)s: one local self-government's "
              "memberships cannot overlap."),
            code="membership_overlap",
            params={
                "area": self.area.local_name,
                "start": date_format(other.joined_on, "SHORT_DATE_FORMAT"),
                "end": date_format(other.left_on, "SHORT_DATE_FORMAT") if other.left_on else gettext("today"),
            },
        )  # fmt: skip


class CoordinatorQuerySet(models.QuerySet):
    def search(self, query):
        return folded_search(self, ["search_text"], query)


class Coordinator(models.Model):
    """A person who runs (or ran) a youth office. Contact data is private unless published."""

    first_name = LatinCharField(_("first name"), max_length=80, validators=TEXT)
    last_name = LatinCharField(_("last name"), max_length=80, validators=TEXT)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        related_name="coordinator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[*TEXT, validate_phone])
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    youth_work_since = models.PositiveSmallIntegerField(
        _("in youth work since"), null=True, blank=True, help_text=_("The year they started working with young people.")
    )
    experience = LatinTextField(
        _("experience"), blank=True, help_text=_("Earlier roles, programmes, skills."), validators=TEXT
    )
    publish_email = models.BooleanField(_("publish e-mail"), default=False)
    publish_phone = models.BooleanField(_("publish phone"), default=False)
    anonymised_at = models.DateTimeField(
        _("anonymised"), null=True, blank=True, editable=False, help_text=_("Personal data erased on request.")
    )
    search_text = models.CharField(max_length=300, editable=False, db_index=True)

    history = HistoricalRecords()
    objects = CoordinatorQuerySet.as_manager()

    DERIVED_FIELDS = ("search_text",)  # what bulk updates must write too

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        ordering = ["last_name", "first_name"]
        constraints = [
            # A published contact must exist.
            models.CheckConstraint(
                condition=Q(publish_email=False) | ~Q(email=""),
                name="coordinator_published_email_exists",
                violation_error_message=_("There is no e-mail address to publish."),
            ),
            models.CheckConstraint(
                condition=Q(publish_phone=False) | ~Q(phone=""),
                name="coordinator_published_phone_exists",
                violation_error_message=_("There is no phone number to publish."),
            ),
            # One person, one record: imports recognise a coordinator by the e-mail address.
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="coordinator_unique_email",
                violation_error_message=_("Another coordinator has this e-mail address."),
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
        self.search_text = search_fold(f"{self.first_name} {self.last_name} {self.email}")

    @property
    def full_name(self):
        if self.anonymised_at:
            return gettext("Anonymised coordinator #%(id)s") % {"id": self.pk}
        return f"{self.first_name} {self.last_name}"

    @property
    def public_email(self):
        return self.email if self.publish_email else ""

    @property
    def public_phone(self):
        return self.phone if self.publish_phone else ""

    @property
    def public_phone_link(self):
        return tel_uri(self.public_phone)

    def clean(self):
        self.email = normalize_email(self.email)
        errors = {}
        this_year = timezone.localdate().year
        if self.birth_year is not None and not 1930 <= self.birth_year <= this_year - 14:
            errors["birth_year"] = ValidationError(
                _("Give a year of birth between 1930 and %(year)s.") % {"year": this_year - 14}
            )
        if self.youth_work_since is not None and not 1950 <= self.youth_work_since <= this_year:
            errors["youth_work_since"] = ValidationError(
                _("Give a year between 1950 and %(year)s.") % {"year": this_year}
            )
        if errors:
            raise ValidationError(errors)


class AppointmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """THE rule for "current": started on or before the day and not ended before it (the end day counts)."""
        on = on or timezone.localdate()
        return self.filter(Q(started_on__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gte=on))

    def overlapping(self, started_on, ended_on):
        """Appointments that share at least one day with the period (an open end runs on for ever)."""
        found = self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=started_on))
        return found if ended_on is None else found.filter(started_on__lte=ended_on)


class AppointmentRole(models.TextChoices):
    COORDINATOR = "coordinator", pgettext_lazy("appointment role", "coordinator")
    DEPUTY = "deputy", pgettext_lazy("appointment role", "deputy coordinator")


class Appointment(models.Model):
    """Who coordinated which office, from when to when, as coordinator or deputy.

    An office has one coordinator at a time: the public page names one person to contact, and the
    figures count offices with a coordinator. Offices do have a second person while the coordinator
    is on leave or when a municipality funds two posts: that person is a deputy, so a second
    appointment is explicit, never an overlap typed by mistake. Deputies do not limit each other.
    An appointment lies within its office's working life, and one person's appointments at one
    office do not overlap.
    """

    coordinator = models.ForeignKey(
        Coordinator, verbose_name=_("coordinator"), related_name="appointments", on_delete=models.PROTECT
    )
    office = models.ForeignKey(
        Office, verbose_name=_("youth office"), related_name="appointments", on_delete=models.PROTECT
    )
    role = models.CharField(
        _("role"), max_length=12, choices=AppointmentRole.choices, default=AppointmentRole.COORDINATOR
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-started_on"]
        constraints = [
            # An appointment cannot end before it starts.
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="appointment_ended_after_started",
                violation_error_message=_("An appointment cannot end before it starts."),
            ),
            # One coordinator at a time: the overlap of dated periods is checked by clean(), this much by the database.
            models.UniqueConstraint(
                fields=["office"],
                condition=Q(ended_on__isnull=True, role=AppointmentRole.COORDINATOR),
                name="appointment_one_open_ended_coordinator_per_office",
                violation_error_message=_(
                    "This office already has a coordinator with no end date: end that appointment first, "
                    "or appoint this person as deputy."
                ),
            ),
            # One person's appointments at one office do not overlap (the open-ended case, by the database).
            models.UniqueConstraint(
                fields=["office", "coordinator"],
                condition=Q(ended_on__isnull=True),
                name="appointment_one_open_ended_per_person_and_office",
                violation_error_message=_("This person already has an appointment with no end date at this office."),
            ),
        ]
        indexes = [models.Index(fields=["office", "started_on"])]

    def __str__(self):
        return f"{self.coordinator} – {self.office}"

    def is_current(self, on=None):
        """The same rule as AppointmentQuerySet.current(), for appointments already loaded."""
        on = on or timezone.localdate()
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)

    @property
    def is_deputy(self):
        return self.role == AppointmentRole.DEPUTY

    def clean(self):
        # The end after the start and the open-ended cases are constraints, reported by validate_constraints().
        raise_collected(
            [
                ("started_on", lambda: validate_not_in_future(self.started_on, _("The start of the appointment"))),
                ("started_on", self._check_within_office_life),
                ("started_on", self._check_overlaps),
            ]
        )

    def _check_within_office_life(self):
        """The appointment lies within one period in which the office worked (its history, not just two dates)."""
        if not self.office_id or self.started_on is None:
            return
        office = self.office
        periods = office.working_periods()
        if not periods:
            raise ValidationError(
                _("%(office)s has not opened yet: a coordinator is appointed from the opening on."),
                code="office_not_opened",
                params={"office": in_active_script(office.name)},
            )
        if self.ended_on is not None and self.ended_on < self.started_on:
            return  # the constraint on the period says it
        if self.started_on < periods[0][0]:
            raise ValidationError(
                _("The appointment cannot start before the office opened (%(date)s)."),
                code="before_opening",
                params={"date": date_format(periods[0][0], "SHORT_DATE_FORMAT")},
            )
        if period_within(periods, self.started_on, self.ended_on):
            return
        for (_start, stopped), (reopened, _end) in pairwise(periods):
            if stopped < self.started_on < reopened:
                raise ValidationError(
                    _(
                        "The office did not work from %(stopped)s until it reopened on %(reopened)s: "
                        "an appointment cannot start in that period."
                    ),
                    code="inactive_gap",
                    params={
                        "stopped": date_format(stopped, "SHORT_DATE_FORMAT"),
                        "reopened": date_format(reopened, "SHORT_DATE_FORMAT"),
                    },
                )
        # It starts in a working period (or after the last one ended) and runs past that period's end.
        stopped = next((end for start, end in reversed(periods) if start <= self.started_on), periods[-1][1])
        raise ValidationError(
            _("The office stopped working on %(date)s: the appointment ends on that day at the latest."),
            code="after_closing",
            params={"date": date_format(stopped, "SHORT_DATE_FORMAT")},
        )

    def overlaps(self, started_on, ended_on):
        """The same rule as AppointmentQuerySet.overlapping(), for appointments already loaded."""
        return (self.ended_on is None or self.ended_on >= started_on) and (
            ended_on is None or self.started_on <= ended_on
        )

    def _same_person(self, other):
        if self.coordinator_id or other.coordinator_id:
            return self.coordinator_id == other.coordinator_id
        try:  # two appointments of a person an import is about to create
            return self.coordinator is other.coordinator
        except Coordinator.DoesNotExist:
            return False

    def check_rules(self, others):
        """clean()'s rules against the office's other appointments as the caller has them loaded
        (an import checks thousands of rows against each other without a query per row)."""
        validate_not_in_future(self.started_on, _("The start of the appointment"))
        self._check_within_office_life()
        self._check_overlaps(others)

    def _check_overlaps(self, others=None):
        if not self.office_id or self.started_on is None:
            return
        if self.ended_on is not None and self.ended_on < self.started_on:
            return  # the constraint on the period says it
        if others is None:
            others = self._office_appointments_prefetched()
        if others is None:
            others = (
                Appointment.objects.filter(office_id=self.office_id)
                .exclude(pk=self.pk)
                .overlapping(self.started_on, self.ended_on)
                .select_related("coordinator")
                .order_by("started_on")
            )
        else:
            others = sorted(
                (other for other in others if other is not self and (other.pk is None or other.pk != self.pk)
                 and other.overlaps(self.started_on, self.ended_on)),
                key=lambda other: other.started_on,
            )  # fmt: skip
        for other in others:
            both_open = self.ended_on is None and other.ended_on is None
            if self._same_person(other):
                if not both_open:
                    raise ValidationError(
                        _("%(name)s already has an appointment at this office (%(start)s – %(end)s)."),
                        code="overlap_person",
                        params=other.period_params(),
                    )
            elif self.role == other.role == AppointmentRole.COORDINATOR and not both_open:
                raise ValidationError(
                    _(
                        "%(name)s coordinates this office from %(start)s to %(end)s: an office has one "
                        "coordinator at a time. Change the dates, or appoint this person as deputy."
                    ),
                    code="overlap_coordinator",
                    params=other.period_params(),
                )

    def _office_appointments_prefetched(self):
        """The office's appointments as its admin page loads them once for all its rows
        (`Prefetch("appointments", to_attr="loaded_appointments")`), else None."""
        if not Appointment.office.is_cached(self):
            return None
        return getattr(self.office, "loaded_appointments", None)

    def period_params(self):
        """The appointment in a message: its person (in the active script) and its period."""
        return {
            "name": in_active_script(self.coordinator.full_name),
            "start": date_format(self.started_on, "SHORT_DATE_FORMAT"),
            "end": date_format(self.ended_on, "SHORT_DATE_FORMAT") if self.ended_on else gettext("today"),
        }


# The public details of an office its coordinator may propose changes to (the rest is staff's).
PROPOSABLE_FIELDS = (
    "address",
    "postal_code",
    "working_hours",
    "email",
    "phone",
    "website",
    "facebook",
    "instagram",
    "description",
)


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class OfficeChangeProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ProposalStatus.PENDING)


class OfficeChangeProposal(models.Model):
    """A coordinator's proposed change to their office's public details, applied only when staff accept it.

    `original` keeps the values the coordinator saw, so a review shows what changed in the meantime.
    Proposals are kept after review: they are the history of who changed what in the directory.
    """

    office = models.ForeignKey(
        Office, verbose_name=_("youth office"), related_name="change_proposals", on_delete=models.PROTECT
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), related_name="+", on_delete=models.PROTECT
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    values = models.JSONField(_("proposed values"), default=dict)
    original = models.JSONField(_("values when proposed"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = LatinCharField(_("note"), max_length=500, blank=True, validators=TEXT)

    history = HistoricalRecords()
    objects = OfficeChangeProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("office change proposal")
        verbose_name_plural = _("office change proposals")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # A reviewed proposal says who reviewed it and when; a pending one does not.
            models.CheckConstraint(
                condition=Q(status="pending", reviewed_at__isnull=True)
                | (~Q(status="pending") & Q(reviewed_at__isnull=False, reviewed_by__isnull=False)),
                name="officechangeproposal_reviewed_has_reviewer",
            ),
        ]
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self):
        return gettext("Change of %(office)s") % {"office": self.office}

    @property
    def history_reason(self):
        """The change reason of the office's history row its acceptance writes (shown as a link to it)."""
        return f"proposal:{self.pk}"

    def office_digest(self, office=None):
        """A digest of the office's values now (or `office`'s) of the proposed fields: the review page posts
        back what it showed, so an accept does not publish over a change made since the reviewer looked."""
        office = office or self.office
        values = [[name, getattr(office, name)] for name in PROPOSABLE_FIELDS if name in self.values]
        return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()

    def diff(self):
        """[(field, verbose name, value when proposed, value now, proposed value)] for the changed fields.

        "now" differs from "when proposed" if the office changed after the proposal was made."""
        rows = []
        for name in PROPOSABLE_FIELDS:
            if name not in self.values:
                continue
            field = Office._meta.get_field(name)
            rows.append(
                (name, field.verbose_name, self.original.get(name, ""), getattr(self.office, name), self.values[name])
            )
        return rows
