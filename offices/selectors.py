"""Reads for the public pages: each runs a fixed number of queries whatever the data size."""

from django.db.models import Count, F, Prefetch, Q, Window, prefetch_related_objects
from django.db.models.functions import ExtractYear, RowNumber
from django.utils import timezone

from areas.models import Area

from .models import Appointment, Coordinator, Membership, Office, OfficeStatus, OfficeStatusChange, pin_point


def key_figures(*, today=None):
    today = today or timezone.localdate()
    lsgs = Area.objects.local_self_governments().current(today)
    lsg_totals = lsgs.aggregate(
        total=Count("pk", distinct=True),
        with_office=Count(
            "pk",
            filter=Q(offices__status=OfficeStatus.OPEN) | Q(children__offices__status=OfficeStatus.OPEN),
            distinct=True,
        ),
    )
    office_totals = Office.objects.aggregate(
        open=Count("pk", filter=Q(status=OfficeStatus.OPEN)),
        opened_this_year=Count("pk", filter=Q(opened_on__year=today.year, status__in=OfficeStatus.opened())),
    )
    return {
        "open_offices": office_totals["open"],
        "opened_this_year": office_totals["opened_this_year"],
        "lsg_total": lsg_totals["total"],
        "lsg_with_office": lsg_totals["with_office"],
        "lsg_share": round(100 * lsg_totals["with_office"] / lsg_totals["total"]) if lsg_totals["total"] else 0,
        "coordinators": Coordinator.objects.filter(appointments__in=Appointment.objects.current(today))
        .distinct()
        .count(),
        "member_lsgs": Membership.objects.current(today).values("area").distinct().count(),
        "year": today.year,
    }


def latest_openings(*, limit=6):
    """The offices opened last."""
    return Office.objects.for_listing().filter(status__in=OfficeStatus.opened()).order_by("-opened_on", "name")[:limit]


def office_for_page(slug):
    """The office of a public page, with its area; what the page lists of it comes with `office_page_lists`."""
    return Office.objects.for_listing().get(slug=slug)


def office_page_lists(office):
    """Read the office's appointments (with their coordinators) and status steps, for its page: two queries."""
    appointments = Appointment.objects.select_related("coordinator").order_by("-started_on", "role")
    prefetch_related_objects(
        [office],
        Prefetch("appointments", queryset=appointments),
        Prefetch("status_changes", queryset=OfficeStatusChange.objects.order_by("on", "pk")),
    )
    return office


def office_current_appointments(office, *, today=None):
    """Who to contact at an office today: its current appointments (the one rule), none once it stopped working.

    On the day an office closes, its appointments end that same day and still count as current
    (the end day counts); the office itself no longer offers a contact.
    """
    if office.status != OfficeStatus.OPEN:
        return []
    today = today or timezone.localdate()
    return [appointment for appointment in office.appointments.all() if appointment.is_current(today)]


OPENINGS_SHOWN_PER_YEAR = 12


def openings_by_year(offices, *, per_year=OPENINGS_SHOWN_PER_YEAR):
    """[(year, number opened, the latest `per_year` of them)], newest year first: two queries."""
    opened = offices.filter(status__in=OfficeStatus.opened())
    counts = dict(
        opened.annotate(year=ExtractYear("opened_on"))
        .values_list("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    latest = (
        opened.for_listing()
        .annotate(
            year=ExtractYear("opened_on"),
            rank=Window(RowNumber(), partition_by=ExtractYear("opened_on"), order_by=[F("opened_on").desc(), F("pk")]),
        )
        .filter(rank__lte=per_year)
        .order_by("-opened_on", "name")
    )
    shown = {}
    for office in latest:
        shown.setdefault(office.year, []).append(office)
    return [(year, counts[year], shown.get(year, [])) for year in sorted(counts, reverse=True)]


def geojson_features(offices):
    rows = offices.values(
        "name", "slug", "status", "opened_on", "latitude", "longitude",
        "area__name", "area__name_cyrillic", "area__name_en", "area__latitude", "area__longitude",
    )  # fmt: skip
    features = []
    for row in rows:
        latitude, longitude = pin_point(
            row["latitude"], row["longitude"], row["area__latitude"], row["area__longitude"]
        )
        if latitude is None or longitude is None:
            continue
        features.append((row, float(latitude), float(longitude)))
    return features


def offices_of_coordinator(coordinator, *, on=None):
    """The offices a coordinator holds a current appointment at (THE rule for current)."""
    return Office.objects.filter(
        pk__in=Appointment.objects.current(on).filter(coordinator=coordinator).values("office")
    )
