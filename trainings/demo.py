"""Deterministic demo trainings, from the seeds: "Osnaživanje kancelarija za mlade" (Serbia, 2017-2018),
a later programme (2023), the Bosnian monitoring initiative's six-module training (2013-2014), and a
programme running on the day of seeding (its dates follow that day), so coordinators have sessions to come.

Runs after offices.demo.demo_seed: it trains the coordinators that demo made.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from areas.models import Area, ProgrammeRegion
from offices.demo import DEMO_COORDINATOR, FIRST_NAMES, LAST_NAMES, fold_ascii
from offices.models import Appointment, Coordinator

from .models import (
    SESSION_MAX_HOURS,
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
    SurveyQuestion,
    SurveyVersion,
)
from .services import (
    attendance_sheet_save,
    certificate_reissue,
    certificate_revoke,
    cohort_close,
    enrolment_create,
    participant_for_coordinator,
    survey_response_save,
)

# (name, English name, description, English description)
AREAS = [
    ("Omladinska politika", "Youth policy",
     "Strategija za mlade, lokalni akcioni plan za mlade (LAP) i uloga kancelarije za mlade.",
     "The youth strategy, the local action plan for youth (LAP) and the youth office's role."),
    ("Javne politike", "Public policy",
     "Kako nastaju lokalne javne politike, budžet i učešće mladih u odlučivanju.",
     "How local public policy is made, the budget and young people's part in decisions."),
    ("Inkluzivna omladinska politika", "Inclusive youth policy",
     "Mladi sa manje mogućnosti, Romi, mladi sa invaliditetom, mladi sa sela.",
     "Young people with fewer opportunities, Roma youth, young people with disabilities, rural youth."),
    ("Upravljanje projektima", "Project management",
     "Pisanje projektnih predloga, budžet projekta, izveštavanje donatorima.",
     "Writing project proposals, project budgets, reporting to donors."),
    ("Komunikacija sa mladima", "Communication with young people",
     "Informisanje mladih, društvene mreže, rad sa volonterima.",
     "Informing young people, social media, working with volunteers."),
    ("Praćenje i evaluacija", "Monitoring and evaluation",
     "Kriterijumi i indikatori, prikupljanje podataka, izveštaji o praćenju i preporuke.",
     "Criteria and indicators, collecting data, monitoring reports and recommendations."),
]  # fmt: skip
SERBIAN_AREAS = 5  # the first five are the 2017 curriculum; the last is the Bosnian training's

QUESTIONS = {
    "Omladinska politika": ["Poznajem Nacionalnu strategiju za mlade.", "Umem da učestvujem u izradi LAP-a."],
    "Javne politike": ["Razumem kako opština donosi odluke i budžet.", "Umem da predložim meru lokalnoj vlasti."],
    "Inkluzivna omladinska politika": [
        "Umem da uključim mlade sa manje mogućnosti.",
        "Poznajem službe podrške u svojoj opštini.",
    ],
    "Upravljanje projektima": ["Umem da napišem projektni predlog.", "Umem da vodim budžet projekta."],
    "Komunikacija sa mladima": ["Redovno informišem mlade o programima.", "Umem da okupim volontere."],
}
LEVEL_TITLES = {
    Level.BASIC: "osnove",
    Level.INTERMEDIATE: "primena",
    Level.ADVANCED: "napredni nivo",
}
# Regional cohorts: (programme region, where it met, region codes of its areas)
REGIONS = [
    ("Vojvodina", "Novi Sad", ["RS-REG-VO"]),
    ("Centralna Srbija", "Kragujevac", ["RS-REG-SZ", "RS-REG-BG"]),
    ("Južna Srbija", "Niš", ["RS-REG-JI"]),
]
EXPERTS = {
    "Javne politike": "dr Milan Petrović, Fakultet političkih nauka",
    "Omladinska politika": "Ivana Nikolić, Ministarstvo omladine i sporta",
    "Inkluzivna omladinska politika": "Snežana Ilić, Tim za socijalno uključivanje i smanjenje siromaštva",
    "Upravljanje projektima": "Dragan Marković, Fondacija Tempus (Erasmus+)",
    "Komunikacija sa mladima": "Jovana Stojanović, KOMS",
}
BIH_MODULES = [
    ("Omladinska politika i strategija za mlade", Decimal("6")),
    ("Kriteriji i indikatori praćenja (trodnevna radionica)", Decimal("18")),  # three sessions of 6 hours
    ("Prikupljanje podataka o indikatorima iz strategije za mlade", Decimal("6")),
    ("Pisanje izvještaja o praćenju", Decimal("6")),
    ("Preporuke vlastima i zagovaračka kampanja", Decimal("6")),
    ("Saradnja s vlastima i sporazumi o saradnji", Decimal("6")),
]
BIH_COUNCILS = ["Ključ", "Bihać", "Cazin", "Sanski Most", "Tuzla", "Zenica", "Mostar", "Banja Luka", "Prijedor",
                "Bijeljina", "Trebinje", "Brčko"]  # fmt: skip
BIH_FIRST = ["Amra", "Haris", "Lejla", "Mirza", "Selma", "Emir", "Dženana", "Adnan", "Ajla", "Nermin", "Jovana", "Srđan",
             "Ivana", "Dario", "Marija", "Željko", "Sanja", "Nenad", "Azra", "Kenan", "Edina", "Tarik", "Milica", "Luka"]  # fmt: skip
BIH_LAST = ["Hadžić", "Begović", "Mehmedović", "Kovačević", "Delić", "Husić", "Šehić", "Jurić", "Babić", "Savić",
            "Mujić", "Đurić", "Perić", "Omerović", "Karić", "Tadić", "Filipović", "Zukić"]  # fmt: skip

COHORT_LEVELS = {Level.BASIC: "osnovni nivo", Level.INTERMEDIATE: "srednji nivo", Level.ADVANCED: "napredni nivo"}
PROGRAMME_2017 = "Osnaživanje kancelarija za mlade"
MIN_TRAINED_2017 = 82


class TrainingsDemo:
    def __init__(self, seed=2018):
        self.rng = random.Random(seed)
        self.modules = {}  # (area name, level) -> module

    def curriculum(self):
        areas = []
        for position, (name, name_en, description, description_en) in enumerate(AREAS, start=1):
            area = CompetenceArea(
                name=name, name_en=name_en, description=description, description_en=description_en, position=position
            )
            area.save()
            areas.append(area)
        for area in areas[:SERBIAN_AREAS]:
            for level, suffix in LEVEL_TITLES.items():
                module = CurriculumModule(
                    area=area, level=level, title=f"{area.name}: {suffix}", hours=Decimal(self.rng.choice([4, 6, 8]))
                )
                module.save()
                self.modules[area.name, level] = module
        return areas

    def survey(self, areas):
        version = SurveyVersion(title="Procena potreba koordinatora KZM", published_on=date(2017, 5, 15))
        version.save()
        position = 0
        for area in areas[:SERBIAN_AREAS]:
            for text in QUESTIONS[area.name]:
                position += 1
                SurveyQuestion(version=version, area=area, text=text, position=position).save()
        return version

    def regions(self):
        regions = []
        for name, _place, codes in REGIONS:
            region, created = ProgrammeRegion.objects.get_or_create(name=name)
            if created:
                region.areas.set(
                    Area.objects.local_self_governments().filter(
                        Q(parent__parent__code__in=codes) | Q(parent__code__in=codes)
                    )
                )
            regions.append(region)
        return regions

    def coordinators_2017(self, regions):
        """Coordinators in office in mid 2017 by region, topped up to 75 with extra (former) coordinators."""
        on = date(2017, 6, 1)
        by_region = {region.pk: [] for region in regions}
        seen = set()
        appointments = (
            Appointment.objects.current(on)
            .filter(office__area__path__startswith="RS/")
            .select_related("coordinator", "office__area")
            .order_by("office__area__code", "pk")
        )
        region_of_area = dict(
            ProgrammeRegion.areas.through.objects.filter(programmeregion__in=regions).values_list(
                "area_id", "programmeregion_id"
            )
        )
        for appointment in appointments:
            region_id = region_of_area.get(appointment.office.area_id)
            if region_id and appointment.coordinator_id not in seen:
                seen.add(appointment.coordinator_id)
                by_region[region_id].append(appointment.coordinator)
        # The demo account's coordinator (Šabac, opened January 2018) joined its region's cohort too.
        for coordinator in (
            Coordinator.objects.filter(
                Q(user__username=DEMO_COORDINATOR) | Q(appointments__office__area__code__in=["RS-SABAC", "RS-CUPRIJA"])
            )
            .distinct()
            .order_by("pk")
        ):
            if coordinator.pk not in seen:
                seen.add(coordinator.pk)
                by_region[regions[1].pk].append(coordinator)
        missing = MIN_TRAINED_2017 - len(seen)
        for number in range(max(missing, 0)):
            first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            coordinator = Coordinator(
                first_name=first,
                last_name=last,
                email=f"{fold_ascii(first)}.{fold_ascii(last)}.obuka{number + 1}@example.org",
                birth_year=self.rng.randrange(1975, 1995),
                youth_work_since=self.rng.randrange(2006, 2017),
                experience="Koordinator/ka KZM u vreme programa 2017–2018.",
            )
            coordinator.save()
            by_region[regions[number % len(regions)].pk].append(coordinator)
        return by_region

    def level_of(self, coordinator):
        """Grouped by experience: years in youth work by 2017."""
        years = 2017 - (coordinator.youth_work_since or 2017)
        if years < 3:
            return Level.BASIC
        if years < 7:
            return Level.INTERMEDIATE
        return Level.ADVANCED

    def answer_survey(self, version, participant, level):
        questions = list(version.questions.all())
        base = {Level.BASIC: 1, Level.INTERMEDIATE: 2, Level.ADVANCED: 4}[level]
        ratings = {q.pk: min(max(base + self.rng.choice([-1, 0, 0, 1]), q.scale_min), q.scale_max) for q in questions}
        answered_on = date(2017, 5, 20) + timedelta(days=self.rng.randrange(0, 40))
        survey_response_save(participant=participant, version=version, answered_on=answered_on, ratings=ratings)

    def attend(self, cohort, enrolments, sessions, full_for=()):
        hours = {}
        for enrolment in enrolments:
            habit = 1.0 if enrolment.participant_id in full_for else self.rng.choice([1.0, 0.98, 0.97, 0.95, 0.93, 0.6])
            for session in sessions:
                roll = self.rng.random()
                if roll < habit:
                    hours[session.pk, enrolment.pk] = session.hours
                elif roll < habit + 0.05:
                    hours[session.pk, enrolment.pk] = session.hours / 2
        attendance_sheet_save(cohort=cohort, hours=hours)

    def programme_2017(self, version, regions, people_by_region):
        programme = Programme(
            name=PROGRAMME_2017,
            starts_on=date(2017, 5, 1),
            ends_on=date(2018, 3, 31),
            partners="Međunarodna organizacija za migracije (IOM); Stalna konferencija gradova i opština (SKGO)",
            funder="Ministarstvo omladine i sporta",
            description=(
                "Procena potreba koordinatora, kurikulum po nivoima kompetencija i regionalne obuke "
                "sa ekspertskim konsultacijama za 70+ koordinatora kancelarija za mlade."
            ),
            completion_percent=80,
        )
        programme.save()
        surveyed = 0
        for region, (_name, place, _codes) in zip(regions, REGIONS, strict=True):
            groups = {level: [] for level in Level}
            for coordinator in people_by_region[region.pk]:
                groups[self.level_of(coordinator)].append(coordinator)
            for level, coordinators in groups.items():
                if not coordinators:
                    continue
                cohort = Cohort(
                    programme=programme,
                    name=f"{region.name}, {COHORT_LEVELS[level]}",
                    level=level,
                    region=region,
                    starts_on=date(2017, 10, 2),
                    ends_on=date(2018, 3, 15),
                    capacity=max(25, len(coordinators)),
                )
                cohort.save()
                sessions = self.sessions_2017(cohort, level, place)
                enrolments = []
                for coordinator in coordinators:
                    participant = participant_for_coordinator(coordinator=coordinator)
                    if self.rng.random() < 0.85 or coordinator.user_id:
                        self.answer_survey(version, participant, level)
                        surveyed += 1
                    enrolments.append(enrolment_create(cohort=cohort, participant=participant))
                demo_people = {e.participant_id for e in enrolments if e.participant.coordinator.user_id}
                self.attend(cohort, enrolments, sessions, full_for=demo_people)
                cohort_close(cohort=cohort, closed_on=date(2018, 3, 20))
        return programme

    def sessions_2017(self, cohort, level, place):
        sessions = []
        day = date(2017, 10, 9) + timedelta(days=self.rng.randrange(0, 10))
        for area_name, _questions in QUESTIONS.items():
            module = self.modules[area_name, level]
            sessions.append(
                Session(
                    cohort=cohort,
                    module=module,
                    held_on=day,
                    hours=module.hours,
                    place=place,
                    trainers=f"Treneri Nacionalne asocijacije KZM; gost: {EXPERTS[area_name]}",
                )
            )
            day += timedelta(days=self.rng.randrange(18, 25))
        # The February 2018 training, funded by the Ministry: proposals for international donors.
        sessions.append(
            Session(
                cohort=cohort,
                module=self.modules["Upravljanje projektima", level],
                title="Pisanje projektnih predloga za međunarodne donatore (Erasmus+)",
                held_on=date(2018, 2, 20),
                hours=Decimal("6"),
                place=place,
                trainers=EXPERTS["Upravljanje projektima"],
            )
        )
        for session in sessions:
            session.full_clean()
            session.save()
        return sessions

    def programme_2023(self, alumni):
        programme = Programme(
            name="Kvalitetan rad sa mladima u lokalnoj zajednici",
            starts_on=date(2023, 3, 1),
            ends_on=date(2023, 11, 30),
            partners="Nemačka organizacija za međunarodnu saradnju (GIZ)",
            funder="Ministarstvo turizma i omladine",
            completion_percent=75,
        )
        programme.save()
        serbia = Area.objects.get(code="RS")
        cohort = Cohort(
            programme=programme,
            name="Srbija, napredni nivo 2023",
            level=Level.ADVANCED,
            area=serbia,
            starts_on=date(2023, 4, 1),
            ends_on=date(2023, 10, 31),
            capacity=30,
        )
        cohort.save()
        sessions = []
        for number, (area_name, place) in enumerate(
            [
                ("Omladinska politika", "Beograd"),
                ("Inkluzivna omladinska politika", "Kragujevac"),
                ("Upravljanje projektima", "Novi Sad"),
                ("Komunikacija sa mladima", "Niš"),
            ]
        ):
            module = self.modules[area_name, Level.ADVANCED]
            session = Session(
                cohort=cohort,
                module=module,
                held_on=date(2023, 4, 20) + timedelta(days=45 * number),
                hours=module.hours,
                place=place,
                trainers="Treneri Nacionalne KZM",
            )
            session.full_clean()
            session.save()
            sessions.append(session)
        chosen = [p for p in alumni if p.coordinator.user_id]
        chosen += self.rng.sample([p for p in alumni if not p.coordinator.user_id], k=min(24, len(alumni)))
        enrolments = [enrolment_create(cohort=cohort, participant=participant) for participant in chosen[:30]]
        self.attend(cohort, enrolments, sessions, full_for={p.pk for p in chosen if p.coordinator.user_id})
        cohort_close(cohort=cohort, closed_on=date(2023, 11, 15))
        return programme

    def programme_current(self, today):
        """A programme running now (its dates around `today`, the day of seeding), so /me/ shows upcoming
        sessions: the coordinator of Šabac (the demo account's) and ten others in office (not Ćuprija's,
        the tests' second persona),
        three sessions held (with attendance) and three to come."""
        programme = Programme(
            name="Mentorstvo za koordinatore kancelarija za mlade",
            starts_on=today - timedelta(days=90),
            ends_on=today + timedelta(days=120),
            partners="Krovna organizacija mladih Srbije (KOMS)",
            funder="Ministarstvo turizma i omladine",
            completion_percent=80,
        )
        programme.save()
        cohort = Cohort(
            programme=programme,
            name=f"Srbija, srednji nivo {today.year}",
            level=Level.INTERMEDIATE,
            area=Area.objects.get(code="RS"),
            starts_on=today - timedelta(days=60),
            ends_on=today + timedelta(days=90),
            capacity=20,
        )
        cohort.save()
        sessions = []
        plan = [(-45, "Beograd"), (-30, "Kragujevac"), (-10, "Novi Sad"), (10, "Niš"), (30, "Šabac"), (60, "Beograd")]
        areas = list(QUESTIONS)
        for number, (days, place) in enumerate(plan):
            module = self.modules[areas[number % len(areas)], Level.INTERMEDIATE]
            session = Session(cohort=cohort, module=module, held_on=today + timedelta(days=days), hours=module.hours,
                              place=place, trainers="Mentori Nacionalne asocijacije KZM")  # fmt: skip
            session.full_clean()
            session.save()
            sessions.append(session)
        in_office = Appointment.objects.current(today).filter(office__area__path__startswith="RS/")
        demo_offices = {"RS-SABAC", "RS-CUPRIJA"}
        first = list(
            Coordinator.objects.filter(appointments__in=in_office.filter(office__area__code="RS-SABAC"))
            .distinct()
            .order_by("pk")
        )
        others = list(
            Coordinator.objects.filter(appointments__in=in_office.exclude(office__area__code__in=demo_offices))
            .distinct()
            .order_by("pk")
        )
        people = first + self.rng.sample(others, k=min(10, len(others)))
        enrolments = [
            enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=coordinator))
            for coordinator in people
        ]
        held = [session for session in sessions if session.held_on < today]
        self.attend(cohort, enrolments, held, full_for={e.participant_id for e in enrolments[: len(first)]})
        return programme

    def programme_bih(self, monitoring):
        programme = Programme(
            name="Mladi prate omladinsku politiku",
            starts_on=date(2013, 9, 1),
            ends_on=date(2014, 12, 31),
            partners="Inicijativa za praćenje i evaluaciju omladinske politike (12 vijeća mladih i organizacija)",
            description="Četveromjesečni program jačanja kapaciteta od šest modula za članove vijeća mladih.",
            completion_percent=80,
        )
        programme.save()
        cohort = Cohort(
            programme=programme,
            name="Inicijativa za praćenje, 2013–2014",
            level=Level.INTERMEDIATE,
            area=Area.objects.get(code="BA"),
            starts_on=date(2013, 10, 1),
            ends_on=date(2014, 1, 31),
            capacity=24,
        )
        cohort.save()
        sessions, more_days = [], []
        for number, (title, hours) in enumerate(BIH_MODULES):
            module = CurriculumModule(area=monitoring, level=Level.INTERMEDIATE, title=title, hours=hours)
            module.save()
            # A module longer than a training day (the three-day workshop) is a session a day.
            days = 3 if hours > SESSION_MAX_HOURS else 1
            for day in range(days):
                session = Session(
                    cohort=cohort,
                    module=module,
                    held_on=date(2013, 10, 5) + timedelta(days=21 * number + day),
                    hours=hours / days,
                    place="Sarajevo" if number != 1 else "Ključ",
                    trainers="Treneri inicijative; eksperti za praćenje javnih politika",
                )
                session.full_clean()
                session.save()
                if day:
                    more_days.append((session, sessions[-1]))
                else:
                    sessions.append(session)
        kljuc_coordinator = (
            Coordinator.objects.filter(appointments__office__area__code="BA-BIH-KLJUC").order_by("pk").first()
        )
        enrolments = []
        for number in range(24):
            council = BIH_COUNCILS[number // 2]
            if number == 0 and kljuc_coordinator:
                # A council member then, the Ključ office's coordinator later: one person, one history.
                participant = Participant(
                    coordinator=kljuc_coordinator,
                    first_name=kljuc_coordinator.first_name,
                    last_name=kljuc_coordinator.last_name,
                    organisation="Vijeće mladih Ključ",
                )
            else:
                first, last = BIH_FIRST[number], self.rng.choice(BIH_LAST)
                participant = Participant(
                    first_name=first,
                    last_name=last,
                    organisation=f"Vijeće mladih {council}",
                    email=f"{fold_ascii(first)}.{fold_ascii(last)}.{number}@example.ba",
                )
            participant.full_clean()
            participant.save()
            enrolments.append(enrolment_create(cohort=cohort, participant=participant))
        self.attend(cohort, enrolments, sessions)
        # The workshop's later days as its first (the same draws as before it had a session a day).
        recorded = {
            (session_id, enrolment_id): hours
            for session_id, enrolment_id, hours in Attendance.objects.filter(session__cohort=cohort).values_list(
                "session_id", "enrolment_id", "hours"
            )
        }
        attendance_sheet_save(
            cohort=cohort,
            hours={
                (session.pk, enrolment.pk): recorded.get((first.pk, enrolment.pk))
                for session, first in more_days
                for enrolment in enrolments
            },
        )
        cohort_close(cohort=cohort, closed_on=date(2014, 2, 10))
        return programme

    def correct_certificates(self):
        """One certificate re-issued (a coordinator with an account sees both in their history) and one
        revoked, so the certificate page's three states can be seen."""
        certificates = Certificate.objects.valid().filter(
            enrolment__cohort__programme__name="Osnaživanje kancelarija za mlade"
        )
        with_account = certificates.filter(enrolment__participant__coordinator__user__isnull=False).order_by("pk")
        first = with_account.first() or certificates.order_by("pk").first()
        certificate_reissue(
            certificate=first, issued_on=date(2018, 4, 20), reason="Ispravljeno ime i prezime na uverenju."
        )
        certificate_revoke(
            certificate=certificates.filter(enrolment__participant__coordinator__user__isnull=True)
            .order_by("pk")
            .first(),
            revoked_on=date(2019, 2, 1),
            reason="Izdato greškom: prisustvo je pogrešno uneto.",
        )


@transaction.atomic
def trainings_demo_seed(*, seed=2018):
    """Create the demo trainings; returns the number of enrolments, or 0 if trainings were already there."""
    if Programme.objects.exists():
        return 0
    demo = TrainingsDemo(seed=seed)
    areas = demo.curriculum()
    version = demo.survey(areas)
    regions = demo.regions()
    people = demo.coordinators_2017(regions)
    demo.programme_bih(areas[-1])
    demo.programme_2017(version, regions, people)
    alumni = list(
        Participant.objects.filter(enrolments__status=EnrolmentStatus.COMPLETED, coordinator__isnull=False)
        .exclude(enrolments__cohort__programme__name="Mladi prate omladinsku politiku")
        .select_related("coordinator")
        .order_by("pk")
    )
    demo.programme_2023(alumni)
    demo.correct_certificates()
    demo.programme_current(timezone.localdate())
    return Enrolment.objects.count()
