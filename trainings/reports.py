"""Staff reports: the needs-survey summary and a programme's results, as tables for a page and a .xlsx.

Each report is (headers, rows) plus what its page needs; every read has a fixed number of queries.
Names typed in Latin (competence areas, programme regions) are shown in the active script, as on the
public pages: a Cyrillic report is Cyrillic throughout, on the page and in its .xlsx.
"""

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from areas.models import PATH_SEPARATOR, Area, AreaKind
from imports.writing import XLSX, export_filename, file_response, write_xlsx
from offices.models import Appointment
from portal.text import collation_key, decimal_text

from .models import (
    ZERO_HOURS,
    CompetenceArea,
    Enrolment,
    EnrolmentStatus,
    Level,
    SurveyAnswer,
    SurveyResponse,
    counted_completion,
)


def xlsx_response(headers, rows, *, title, subject):
    """The one place reports become a spreadsheet file (the project's writer), named by its title and
    subject (a survey version, a programme) in the user's language, with the date."""
    # Numbers stay numbers in the sheet (the writer keeps ints and floats, and writes other values as text).
    cells = [[float(value) if isinstance(value, Decimal) else value for value in row] for row in rows]
    content = write_xlsx([str(header) for header in headers], cells, title=str(title))
    return file_response(content, content_type=XLSX, filename=export_filename(title, subject, extension="xlsx"))


# Needs survey


NO_REGION = gettext_lazy("no office then")


def survey_summary(version):
    """Per competence area and region, how many coordinators are at each level, from each coordinator's
    latest response to `version`. The region is the statistical region (or entity) of the office the
    coordinator held on the day they answered. Five queries.

    Returns (areas, regions, counts, next_levels): counts[area][region][level] = coordinators;
    next_levels[area] = the level most coordinators are at (what to train next; a tie goes to the lower).
    """
    latest = (
        SurveyResponse.objects.filter(participant=OuterRef("participant"), version=version)
        .order_by("-answered_on", "-pk")
        .values("pk")[:1]
    )
    responses = list(
        SurveyResponse.objects.filter(version=version, participant__coordinator__isnull=False, pk=Subquery(latest))
        .select_related("participant")
        .prefetch_related(Prefetch("answers", SurveyAnswer.objects.select_related("question__area")))
    )
    coordinator_ids = {response.participant.coordinator_id for response in responses}
    appointments = defaultdict(list)
    for appointment in (
        Appointment.objects.filter(coordinator_id__in=coordinator_ids)
        .select_related("office__area")
        .order_by("started_on", "pk")
    ):
        appointments[appointment.coordinator_id].append(appointment)
    regional = {area.code: area for area in Area.objects.filter(kind__in=AreaKind.regional())}

    def region_of(coordinator_id, on):
        for appointment in appointments[coordinator_id]:
            if appointment.is_current(on):
                for code in appointment.office.area.path.split(PATH_SEPARATOR):
                    if code in regional:
                        return regional[code].local_name
        return str(NO_REGION)

    counts = defaultdict(lambda: defaultdict(Counter))
    for response in responses:
        region = region_of(response.participant.coordinator_id, response.answered_on)
        for area, level in response.area_levels().items():
            counts[area][region][level] += 1
    areas = [area for area in CompetenceArea.objects.all() if area in counts]
    regions = sorted({region for by_region in counts.values() for region in by_region}, key=_region_order)
    next_levels = {}
    for area in areas:
        totals = Counter()
        for by_level in counts[area].values():
            totals.update(by_level)
        next_levels[area] = max(Level.values, key=lambda level: (totals[level], -Level.values.index(level)))
    return areas, regions, counts, next_levels


def _region_order(name):
    return (name == str(NO_REGION), collation_key(name))


def survey_summary_table(areas, regions, counts, next_levels):
    headers = [_("Competence area"), _("Region"), *Level.labels, _("Coordinators")]
    rows = []
    for area in areas:
        for region in regions:
            by_level = counts[area].get(region)
            if by_level:
                levels = [by_level[level] for level in Level.values]
                rows.append([area.local_name, region, *levels, sum(levels)])
    return headers, rows


# Programme results


class Experience:
    """Years in youth work at the programme's start (start year − `Coordinator.youth_work_since`)."""

    UNDER_3 = gettext_lazy("under 3 years")
    FROM_3_TO_7 = gettext_lazy("3 to 7 years")
    OVER_7 = gettext_lazy("over 7 years")
    UNKNOWN = gettext_lazy("not known")
    ORDER = [UNDER_3, FROM_3_TO_7, OVER_7, UNKNOWN]

    @classmethod
    def group(cls, programme, coordinator):
        if coordinator is None or coordinator.youth_work_since is None:
            return cls.UNKNOWN
        years = programme.starts_on.year - coordinator.youth_work_since
        if years < 3:
            return cls.UNDER_3
        if years <= 7:
            return cls.FROM_3_TO_7
        return cls.OVER_7


class ResultRow:
    def __init__(self, label):
        self.label, self.enrolled, self.completed, self.hours = label, 0, 0, ZERO_HOURS
        self.enrolled_in_closed = 0  # completions are decided when a cohort closes: the rate's base

    @property
    def completion_rate(self):
        """Completed of enrolled in closed cohorts, in per cent with one decimal; None with nobody enrolled
        in a closed cohort (`in_progress`: no rate yet, rather than a misleading 0 %)."""
        if not self.enrolled_in_closed:
            return None
        return (Decimal(self.completed) * 100 / self.enrolled_in_closed).quantize(Decimal("0.1"))

    @property
    def in_progress(self):
        """Someone is enrolled, but none of the group's cohorts is closed yet."""
        return bool(self.enrolled) and not self.enrolled_in_closed

    @property
    def shown(self):
        """(completion rate, hours) as the page writes them: "21,5" and "66" in Serbian, "–" for no rate."""
        rate = self.completion_rate
        return ("–" if rate is None else decimal_text(rate)), decimal_text(self.hours)

    def add(self, enrolment):
        self.enrolled += 1
        self.enrolled_in_closed += enrolment.cohort.closed_on is not None
        self.completed += enrolment.counted
        self.hours += enrolment.hours_attended


def programme_results(programme):
    """A programme's participants who took up their place (invitations not taken up are left out),
    completed (a completion whose certificates were all revoked does not count), the completion rate (of
    those enrolled in closed cohorts; None while none is closed: `ResultRow.in_progress`) and hours
    attended: in total, by region, by cohort level and by experience group. One query. Returns [(dimension title, [ResultRow, …]), …], the total first."""
    enrolments = (
        Enrolment.objects.filter(cohort__programme=programme)
        .exclude(status=EnrolmentStatus.INVITED)
        .select_related("cohort__area", "cohort__region", "participant__coordinator")
        .with_hours()
        .annotate(counted=ExpressionWrapper(counted_completion(), output_field=BooleanField()))
        .order_by("pk")
    )
    total = ResultRow(_("All participants"))
    groups = {"region": {}, "level": {}, "experience": {}}
    for enrolment in enrolments:
        total.add(enrolment)
        cohort = enrolment.cohort
        keys = {
            "region": cohort.place_name or "–",
            "level": cohort.get_level_display(),
            "experience": Experience.group(programme, enrolment.participant.coordinator),
        }
        for dimension, key in keys.items():
            groups[dimension].setdefault(str(key), ResultRow(str(key))).add(enrolment)
    level_order = [str(label) for label in Level.labels]
    experience_order = [str(label) for label in Experience.ORDER]
    return [
        (_("Total"), [total]),
        (_("By region"), sorted(groups["region"].values(), key=lambda row: collation_key(row.label))),
        (_("By level"), sorted(groups["level"].values(), key=lambda row: level_order.index(row.label))),
        (
            _("By experience in youth work"),
            sorted(groups["experience"].values(), key=lambda row: experience_order.index(row.label)),
        ),
    ]


def programme_results_table(sections):
    """The report as (headers, rows) for the .xlsx: a rate in progress is an empty cell, and a note row
    at the end says why."""
    headers = [_("Group"), _("Enrolled"), _("Completed"), _("Completion rate (%)"), _("Hours attended")]
    rows = []
    in_progress = False
    for title, section_rows in sections:
        for row in section_rows:
            rows.append([f"{title}: {row.label}", row.enrolled, row.completed, row.completion_rate, row.hours])
            in_progress = in_progress or row.in_progress
    if in_progress:
        rows.append([str(IN_PROGRESS_NOTE)])
    return headers, rows


IN_PROGRESS_NOTE = gettext_lazy(
    "An empty completion rate means in progress: none of the group's cohorts is closed yet, and completion "
    "is decided when a cohort closes."
)
