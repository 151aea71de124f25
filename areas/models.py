from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.fields import LatinCharField, LatinTextField
from portal.text import cyrillic_active, search_fold, slugify, to_cyrillic

PATH_SEPARATOR = "/"
# Area's derived fields and the fields each is derived from (a parent's path too: areas_refresh_paths).
DERIVED_FROM = {
    "path": {"parent", "parent_id", "code"},
    "search_text": {"name", "name_cyrillic", "name_en", "code"},
}


class AreaKind(models.TextChoices):
    COUNTRY = "country", _("country")
    ENTITY = "entity", _("entity")
    SPECIAL_DISTRICT = "special_district", _("district (Brčko)")
    REGION = "region", pgettext_lazy("statistical region", "region")
    CANTON = "canton", _("canton")
    DISTRICT = "district", pgettext_lazy("administrative district", "district")
    CITY = "city", _("city")
    MUNICIPALITY = "municipality", _("municipality")
    CITY_MUNICIPALITY = "city_municipality", _("city municipality")

    @classmethod
    def local_self_governments(cls):
        """Units that govern themselves locally (JLS): the denominator of coverage figures."""
        return [cls.CITY, cls.MUNICIPALITY, cls.SPECIAL_DISTRICT]

    @classmethod
    def office_hosts(cls):
        """Units that may run a youth office: every LSG and the city municipalities."""
        return [*cls.local_self_governments(), cls.CITY_MUNICIPALITY]

    @classmethod
    def regional(cls):
        """The first level below a country: statistical regions, entities, Brčko District."""
        return [cls.REGION, cls.ENTITY, cls.SPECIAL_DISTRICT]

    @classmethod
    def subregional(cls):
        """Administrative districts (Serbia) and cantons (Federation of BiH)."""
        return [cls.DISTRICT, cls.CANTON]


def local_name(name, name_cyrillic="", name_en=""):
    """An area's name in the script or language of the active language."""
    if cyrillic_active():
        return name_cyrillic or to_cyrillic(name)
    if get_language() == "en":
        return name_en or name
    return name


def within_q(area, field=""):
    """Records whose area (reached through `field`, such as "area") is `area` or lies below it."""
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}pk": area.pk}) | Q(**{f"{prefix}path__startswith": area.path + PATH_SEPARATOR})


class AreaQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)

    def office_hosts(self):
        return self.of_kind(*AreaKind.office_hosts())

    def local_self_governments(self):
        return self.of_kind(*AreaKind.local_self_governments())

    def within(self, area):
        """The area and everything below it."""
        return self.filter(within_q(area))

    def countries(self):
        return self.of_kind(AreaKind.COUNTRY)


class Area(models.Model):
    """An administrative unit in a tree: country → region/entity → district/canton → LSG → …"""

    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("A stable identifier, such as an ISO 3166-2 code (RS-07) or RS-SABAC."),
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("Official name in Latin script."))
    name_cyrillic = models.CharField(
        _("name in Cyrillic"),
        max_length=120,
        blank=True,
        help_text=_("Official Cyrillic spelling; leave empty to transliterate the Latin name."),
    )
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Set when a unit is merged or abolished; areas are never deleted."),
    )
    # Derived, kept in step by save(): the codes from the country down, and the search form.
    path = models.CharField(max_length=400, editable=False, db_index=True)
    search_text = models.CharField(max_length=400, editable=False, db_index=True)

    history = HistoricalRecords()
    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [
            # A validity period cannot end before it starts.
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="area_valid_to_after_valid_from",
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        self.search_text = " ".join(
            dict.fromkeys(search_fold(n) for n in (self.name, self.name_cyrillic, self.name_en, self.code) if n)
        )
        written = set(DERIVED_FROM)
        if kwargs.get("update_fields") is not None:  # a derived field is written with any field it comes from
            listed = set(kwargs["update_fields"])
            written = {derived for derived, sources in DERIVED_FROM.items() if derived in listed or sources & listed}
            kwargs["update_fields"] = listed | written
        # Compared with what the database held: an area not loaded from it (a past version on simple-history's
        # revert page, Area(pk=…)) may change anything. Offices' search text holds their area's search text
        # and its parent's (offices.models.area_saved rewrites it after a save that changed them); a new parent
        # or code is a new path, so the paths below it are stale (the admin refreshes them).
        stored = getattr(self, "_stored", {})
        changed = {name for name in written if name not in stored or stored[name] != getattr(self, name)}
        self.path_changed = "path" in changed
        self.names_or_parent_changed = bool(changed)
        super().save(*args, **kwargs)
        self._stored = {**stored, **{name: getattr(self, name) for name in written}}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        # Django's documented pattern: remember what the database holds, so save() knows what it changes.
        area = super().from_db(db, field_names, values, **kwargs)
        area._stored = {name: value for name, value in zip(field_names, values, strict=True) if name in DERIVED_FROM}
        return area

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.__dict__.pop("_stored", None)  # what it held before may not be what it holds now: assume a change

    def compute_path(self):
        if self.parent is None:
            return self.code
        return f"{self.parent.path}{PATH_SEPARATOR}{self.code}"

    @property
    def local_name(self):
        return local_name(self.name, self.name_cyrillic, self.name_en)

    @property
    def country_code(self):
        return self.path.split(PATH_SEPARATOR, 1)[0]

    @property
    def is_office_host(self):
        return self.kind in AreaKind.office_hosts()


class ProgrammeRegion(models.Model):
    """A grouping of areas that a programme uses, not an official unit ("central Serbia")."""

    name = LatinCharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=120, unique=True)
    description = LatinTextField(_("description"), blank=True)
    areas = models.ManyToManyField(Area, verbose_name=_("areas"), related_name="programme_regions")

    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        verbose_name = _("programme region")
        verbose_name_plural = _("programme regions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)
