from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractYear, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import Area, AreaKind, within_q
from portal.folded_search import folded_search
from portal.text import fold, slugify

from .validators import raise_collected, validate_not_in_future, validate_period, validate_point_in_area_country


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


def pin_point(latitude, longitude, area_latitude, area_longitude):
    """Where an office's pin goes: its own coordinates, else the seat of its area."""
    if latitude is not None and longitude is not None:
        return latitude, longitude
    return area_latitude, area_longitude


class OfficeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=OfficeStatus.OPEN)

    def in_area(self, area):
        return self.filter(within_q(area, "area"))

    def search(self, query):
        return folded_search(self, ["search_text", "area__search_text", "area__parent__search_text"], query)

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


class Office(models.Model):
    """A youth office (Kancelarija za mlade, KZM) of one local self-government."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("local self-government"),
        related_name="offices",
        on_delete=models.PROTECT,
        limit_choices_to={"kind__in": AreaKind.office_hosts()},
    )
    name = models.CharField(_("name"), max_length=200)
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
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    facebook = models.URLField(_("Facebook page"), blank=True)
    instagram = models.URLField(_("Instagram profile"), blank=True)
    working_hours = models.CharField(_("working hours"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    search_text = models.CharField(max_length=500, editable=False, db_index=True)
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
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("offices:detail", kwargs={"slug": self.slug})

    def set_derived_fields(self):
        """Keep derived fields in step (save() and the imports' bulk writes call it)."""
        # The area's names are searched through the area itself, so a renamed area needs no update here.
        self.search_text = fold(self.name)

    def unique_slug(self):
        base = slugify(self.area.name if self.area_id else self.name)[:200] or "kzm"
        slug, number = base, 2
        while Office.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, number = f"{base}-{number}", number + 1
        return slug

    def clean(self):
        errors = {}
        for name, label in (("initiated_on", _("The initiation date")), ("opened_on", _("The opening date")),
                            ("closed_on", _("The closing date"))):  # fmt: skip
            try:
                validate_not_in_future(getattr(self, name), label)
            except ValidationError as error:
                errors[name] = error
        try:
            validate_period(self.opened_on, self.closed_on, _("The closing date cannot be before the opening date."))
        except ValidationError as error:
            errors.setdefault("closed_on", error)
        if self.status in OfficeStatus.opened() and self.opened_on is None:
            errors.setdefault(
                "opened_on", ValidationError(_("An open, inactive or closed office needs its opening date."))
            )
        if self.status in OfficeStatus.ended() and self.closed_on is None:
            errors.setdefault(
                "closed_on", ValidationError(_("Give the date from which the office is inactive or closed."))
            )
        if self.status == OfficeStatus.INITIATED and (self.opened_on or self.closed_on):
            errors.setdefault(
                "opened_on" if self.opened_on else "closed_on",
                ValidationError(
                    _("An initiated office has not opened yet: leave its opening and closing dates empty.")
                ),
            )
        if self.status == OfficeStatus.OPEN and self.closed_on is not None:
            errors.setdefault("closed_on", ValidationError(_("An open office has no closing date.")))
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


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(joined_on__lte=on), Q(left_on__isnull=True) | Q(left_on__gte=on))


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
    note = models.CharField(_("note"), max_length=300, blank=True)

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
        raise_collected(
            [
                (
                    "left_on",
                    lambda: validate_period(
                        self.joined_on, self.left_on, _("A membership cannot end before it starts.")
                    ),
                ),
                ("joined_on", lambda: validate_not_in_future(self.joined_on, _("The joining date"))),
            ]
        )


class CoordinatorQuerySet(models.QuerySet):
    def search(self, query):
        return folded_search(self, ["search_text"], query)


class Coordinator(models.Model):
    """A person who runs (or ran) a youth office. Contact data is private unless published."""

    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        related_name="coordinator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    youth_work_since = models.PositiveSmallIntegerField(
        _("in youth work since"), null=True, blank=True, help_text=_("The year they started working with young people.")
    )
    experience = models.TextField(_("experience"), blank=True, help_text=_("Earlier roles, programmes, skills."))
    publish_email = models.BooleanField(_("publish e-mail"), default=False)
    publish_phone = models.BooleanField(_("publish phone"), default=False)
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
                condition=Q(publish_email=False) | ~Q(email=""), name="coordinator_published_email_exists"
            ),
            models.CheckConstraint(
                condition=Q(publish_phone=False) | ~Q(phone=""), name="coordinator_published_phone_exists"
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
        super().save(*args, **kwargs)

    def set_derived_fields(self):
        """Keep derived fields in step (save() and the imports' bulk writes call it)."""
        self.search_text = fold(f"{self.first_name} {self.last_name} {self.email}")

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def public_email(self):
        return self.email if self.publish_email else ""

    @property
    def public_phone(self):
        return self.phone if self.publish_phone else ""

    def clean(self):
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
        if self.publish_email and not self.email:
            errors["publish_email"] = ValidationError(_("There is no e-mail address to publish."))
        if self.publish_phone and not self.phone:
            errors["publish_phone"] = ValidationError(_("There is no phone number to publish."))
        if errors:
            raise ValidationError(errors)


class AppointmentQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(started_on__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gte=on))


class Appointment(models.Model):
    """Who coordinated which office, from when to when."""

    coordinator = models.ForeignKey(
        Coordinator, verbose_name=_("coordinator"), related_name="appointments", on_delete=models.CASCADE
    )
    office = models.ForeignKey(
        Office, verbose_name=_("youth office"), related_name="appointments", on_delete=models.PROTECT
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
        ]
        indexes = [models.Index(fields=["office", "started_on"])]

    def __str__(self):
        return f"{self.coordinator} – {self.office}"

    def clean(self):
        raise_collected(
            [
                (
                    "ended_on",
                    lambda: validate_period(
                        self.started_on, self.ended_on, _("An appointment cannot end before it starts.")
                    ),
                ),
                ("started_on", lambda: validate_not_in_future(self.started_on, _("The start of the appointment"))),
            ]
        )
