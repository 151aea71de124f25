"""Training data of one's own for the coordinator area's tests."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from trainings.models import Cohort, CompetenceArea, CurriculumModule, Level, Programme, Session
from trainings.services import attendance_sheet_save, enrolment_create, participant_for_coordinator


def training_of(coordinator, *, name="Lokalne politike za mlade", starts_on=date(2026, 3, 1), sessions=2):
    """A cohort of its own (a programme, `sessions` sessions a week apart) with `coordinator` enrolled and
    present at those held by today."""
    area, _ = CompetenceArea.objects.get_or_create(name="Omladinska politika", defaults={"position": 1})
    module, _ = CurriculumModule.objects.get_or_create(
        area=area, level=Level.INTERMEDIATE, title="Lokalni akcioni plan", defaults={"hours": Decimal("3")}
    )
    programme = Programme.objects.create(
        name=name, starts_on=starts_on, ends_on=date(starts_on.year + 1, 12, 31), partners="UNDP"
    )
    cohort = Cohort.objects.create(
        programme=programme,
        name=f"{name}: Šumadija",
        level=Level.INTERMEDIATE,
        starts_on=starts_on,
        ends_on=date(starts_on.year + 1, 12, 31),
        capacity=20,
    )
    for number in range(sessions):
        Session.objects.create(
            cohort=cohort,
            module=module,
            held_on=date.fromordinal(starts_on.toordinal() + 7 * number),
            hours=Decimal("3"),
            place="Kragujevac",
            trainers="Đorđe Ilić",
        )
    enrolment = enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))
    attendance_sheet_save(
        cohort=cohort,
        hours={
            (session.pk, enrolment.pk): Decimal("2.5")
            for session in cohort.sessions.filter(held_on__lte=timezone.localdate())
        },
    )
    return enrolment
