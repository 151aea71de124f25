"""Deterministic, realistic demo data: the same data on every machine, for demos and tests."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from areas.models import Area, AreaKind
from portal.text import fold

from .models import Appointment, Coordinator, Membership, Office, OfficeEvent, OfficeStatus, OfficeStatusChange
from .selectors import offices_of_coordinator
from .services import office_change_propose

FIRST_NAMES = [
    "Marko", "Jelena", "Nikola", "Milica", "Stefan", "Ana", "Lazar", "Jovana", "Luka", "Teodora",
    "Nemanja", "Katarina", "Đorđe", "Marija", "Filip", "Ivana", "Uroš", "Tijana", "Vuk", "Sanja",
    "Miloš", "Dragana", "Aleksa", "Snežana", "Dušan", "Bojana", "Željko", "Maja", "Ognjen", "Nataša",
    "Vladimir", "Jasmina", "Predrag", "Ljiljana", "Emir", "Amra", "Haris", "Lejla", "Mirza", "Selma",
]  # fmt: skip
LAST_NAMES = [
    "Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić", "Stanković",
    "Pavlović", "Milošević", "Todorović", "Savić", "Kovačević", "Popović", "Živković", "Ristić",
    "Lukić", "Mitrović", "Janković", "Vasić", "Čolić", "Radosavljević", "Gajić", "Obradović",
    "Šarić", "Tomić", "Knežević", "Lazić", "Đukić", "Hadžić", "Begović", "Mehmedović", "Ćosić",
]  # fmt: skip
STREETS = ["Karađorđeva", "Njegoševa", "Kralja Petra I", "Vuka Karadžića", "Trg slobode", "Svetog Save",
           "Nemanjina", "Cara Dušana", "Kneza Miloša", "Glavna", "Maršala Tita", "Bulevar oslobođenja"]  # fmt: skip
HOURS = ["ponedeljak–petak 8–16", "ponedeljak–petak 9–17", "radnim danima 8–15, subotom 10–13"]

# The seven offices opened by the "Empowering youth offices" project, May 2017 - March 2018.
SEED_OPENINGS = {
    "RS-NOVA-CRNJA": date(2017, 9, 12),
    "RS-OPOVO": date(2017, 10, 3),
    "RS-BOLJEVAC": date(2017, 11, 8),
    "RS-VALJEVO": date(2017, 12, 5),
    "RS-SABAC": date(2018, 1, 24),
    "RS-GORNJI-MILANOVAC": date(2018, 2, 15),
    "RS-CUPRIJA": date(2018, 3, 20),
}
SEED_WINDOW = (date(2017, 1, 1), date(2018, 12, 31))
BIH_OFFICES = ["BA-BIH-KLJUC", "BA-BIH-BIHAC", "BA-BIH-TUZLA", "BA-BIH-ZENICA", "BA-BIH-MOSTAR",
               "BA-BIH-CAZIN", "BA-SRP-BANJA-LUKA", "BA-SRP-BIJELJINA", "BA-SRP-PRIJEDOR",
               "BA-SRP-TREBINJE", "BA-SRP-DOBOJ", "BA-BRC"]  # fmt: skip
CITY_MUNICIPALITY_OFFICES = ["RS-BEOGRAD-NOVI-BEOGRAD", "RS-BEOGRAD-ZEMUN", "RS-BEOGRAD-PALILULA",
                             "RS-BEOGRAD-RAKOVICA", "RS-NIS-MEDIJANA", "RS-BEOGRAD-OBRENOVAC"]  # fmt: skip
# Notes as staff write them in an office's history.
EVENT_NOTES = {
    OfficeEvent.INITIATED: ["Odluka opštinskog veća o osnivanju kancelarije.", "Inicijativa udruženja mladih.", ""],
    OfficeEvent.OPENED: ["Svečano otvaranje uz predsednika opštine.", "Otvorena u okviru projekta Ministarstva.", ""],
    OfficeEvent.INACTIVE: ["Koordinatorka na porodiljskom odsustvu, opština nije obezbedila zamenu.",
                           "Istekao ugovor koordinatora, radno mesto nije popunjeno."],
    OfficeEvent.REOPENED: ["Opština je zaposlila novog koordinatora.", "Ponovo otvorena posle renoviranja prostorija."],
    OfficeEvent.CLOSED: ["Opština je ukinula radno mesto koordinatora.", "Poslove kancelarije preuzeo dom kulture."],
}  # fmt: skip
ROMAN = [(100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number):
    """1 → "I", 14 → "XIV": fictional municipalities are numbered as towns are ("Ada II")."""
    numeral = ""
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        numeral += letters * count
    return numeral


DEMO_PASSWORD = "mladi-2026"
DEMO_STAFF = "osoblje"
DEMO_COORDINATOR = "koordinator"


def _random_date(rng, start, end):
    return start + timedelta(days=rng.randrange(max((end - start).days, 1)))


def _opening_date(rng, today):
    """Any day 2008 to today, outside the project window that SEED_OPENINGS tells about."""
    while True:
        day = _random_date(rng, date(2008, 1, 15), today)
        if not SEED_WINDOW[0] <= day <= SEED_WINDOW[1]:
            return day


class DemoBuilder:
    def __init__(self, seed=2017, today=None):
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.person = 0
        self.between_jobs = []  # (free from, coordinator): people whose last appointment has ended
        # A separate stream for the lifecycle histories, so they leave the rest of the data as it was.
        self.history_rng = random.Random(seed + 1)
        self.status_changes = []

    def areas(self):
        rng = self.rng
        areas = Area.objects.select_related("parent")  # an office's search text holds its parent's names
        serbian = list(areas.local_self_governments().filter(path__startswith="RS/").order_by("code"))
        chosen = [a for a in serbian if a.code in SEED_OPENINGS]
        others = [a for a in serbian if a.code not in SEED_OPENINGS and a.code != "RS-BEOGRAD"]
        chosen += rng.sample(others, k=min(len(others), 118))
        chosen += list(areas.filter(code__in=CITY_MUNICIPALITY_OFFICES + BIH_OFFICES).order_by("code"))
        return chosen

    def coordinator(self, office, started_on, ended_on):
        """Appoint someone: a coordinator who moved on from another office, or a new person."""
        earlier = [entry for entry in self.between_jobs if entry[0] < started_on]
        if earlier and self.rng.random() < 0.35:
            entry = self.rng.choice(earlier)
            self.between_jobs.remove(entry)
            coordinator = entry[1]
        else:
            coordinator = self.new_person(started_on)
        Appointment(coordinator=coordinator, office=office, started_on=started_on, ended_on=ended_on).save()
        if ended_on:
            self.between_jobs.append((ended_on, coordinator))
        return coordinator

    def new_person(self, started_on):
        rng = self.rng
        self.person += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{fold_ascii(first)}.{fold_ascii(last)}{self.person}@example.org"
        phone = f"+381 6{rng.randrange(0, 10)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        coordinator = Coordinator(
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            birth_year=rng.randrange(1970, 2001),
            youth_work_since=min(started_on.year - rng.randrange(0, 6), self.today.year),
            publish_email=rng.random() < 0.35,
            publish_phone=rng.random() < 0.2,
        )
        coordinator.save()
        return coordinator

    def office(self, area, copy=0):
        rng = self.rng
        today = self.today
        opened_on = SEED_OPENINGS.get(area.code) if not copy else None
        roll = rng.random()
        if opened_on is None and roll < 0.04:
            status, opened_on = OfficeStatus.INITIATED, None
        else:
            opened_on = opened_on or _opening_date(rng, today)
            if area.code in SEED_OPENINGS and not copy:
                status = OfficeStatus.OPEN
            elif roll < 0.10 and opened_on < today - timedelta(days=400):
                status = OfficeStatus.INACTIVE
            elif roll < 0.16 and opened_on < today - timedelta(days=400):
                status = OfficeStatus.CLOSED
            else:
                status = OfficeStatus.OPEN
        closed_on = (
            _random_date(rng, opened_on + timedelta(days=200), today) if status in OfficeStatus.ended() else None
        )
        initiated_on = (opened_on or today) - timedelta(days=rng.randrange(60, 400))
        jitter = Decimal(rng.randrange(-300, 300)) / Decimal(100000)
        name = f"Kancelarija za mlade {area.name}"
        office = Office(
            area=area,
            name=name,
            status=status,
            initiated_on=initiated_on,
            opened_on=opened_on,
            closed_on=closed_on,
            address=f"{rng.choice(STREETS)} {rng.randrange(1, 120)}",
            latitude=(area.latitude + jitter) if area.latitude is not None else None,
            longitude=(area.longitude - jitter) if area.longitude is not None else None,
            email=f"kzm.{fold_ascii(area.name).replace(' ', '')}@example.org" if rng.random() < 0.8 else "",
            phone=f"+381 {rng.randrange(10, 39)} {rng.randrange(100, 999)} {rng.randrange(100, 999)}"
            if rng.random() < 0.7
            else "",
            working_hours=rng.choice(HOURS),
            description=(
                f"Kancelarija za mlade {area.name} okuplja mlade od 15 do 30 godina, "
                "vodi programe neformalnog obrazovanja, volonterizma i zapošljavanja mladih."
            ),
        )
        office.save()
        self.history(office, OfficeEvent.INITIATED, initiated_on)
        if not opened_on:
            return office
        self.history(office, OfficeEvent.OPENED, opened_on)
        gap = self.inactive_gap(office)
        if gap:
            # Inactive for a while, then reopened: the first coordinators' appointments end with the pause.
            self.appointments(office, opened_on, gap[0])
            self.history(office, OfficeEvent.INACTIVE, gap[0])
            self.history(office, OfficeEvent.REOPENED, gap[1])
            self.coordinator(office, gap[1], None)
        else:
            self.appointments(office, opened_on, closed_on)
        if status in OfficeStatus.ended():
            self.history(office, OfficeEvent(status), closed_on)
        return office

    def inactive_gap(self, office):
        """For about one open office in eight that opened long ago: (inactive from, reopened on)."""
        rng, today = self.history_rng, self.today
        if office.status != OfficeStatus.OPEN or office.opened_on > today - timedelta(days=1500):
            return None
        if rng.random() >= 0.12:
            return None
        paused = _random_date(rng, office.opened_on + timedelta(days=500), today - timedelta(days=700))
        return paused, paused + timedelta(days=rng.randrange(90, 500))

    def history(self, office, event, on):
        note = self.history_rng.choice(EVENT_NOTES[event])
        self.status_changes.append(OfficeStatusChange(office=office, event=event, on=on, note=note))

    def appointments(self, office, opened_on, closed_on):
        end = closed_on or self.today
        start = opened_on
        for number in range(self.rng.choice([1, 1, 2, 2, 3])):
            remaining = (end - start).days
            last = number == 2 or remaining < 400 or self.rng.random() < 0.5
            if last:
                self.coordinator(office, start, closed_on)
                return
            until = start + timedelta(days=self.rng.randrange(200, remaining - 100))
            self.coordinator(office, start, until)
            start = until + timedelta(days=1)
        self.coordinator(office, start, closed_on)

    def memberships(self, areas):
        for area in areas:
            if self.rng.random() < 0.8:
                joined = _random_date(self.rng, date(2008, 1, 1), self.today - timedelta(days=30))
                left = None
                if self.rng.random() < 0.08:
                    left = _random_date(self.rng, joined, self.today)
                Membership(area=area, joined_on=joined, left_on=left).save()

    def fictional_areas(self, real_areas, copy):
        """Extra municipalities, each a copy of a real one moved a little: for load tests only."""
        created = []
        for area in real_areas:
            if area.kind not in AreaKind.local_self_governments() or not area.path.startswith("RS/"):
                continue
            offset = Decimal(copy) / Decimal(50)
            fictional = Area(
                code=f"{area.code}-X{copy}",
                # The copy's own number: at scale 20, copies 1 and 11 must not share a name (the
                # imports could not tell them apart by name).
                name=f"{area.name} {roman(copy + 1)}",
                kind=AreaKind.MUNICIPALITY,
                parent=area.parent,
                latitude=area.latitude - offset if area.latitude is not None else None,
                longitude=area.longitude + offset / 2 if area.longitude is not None else None,
            )
            fictional.save()
            created.append(fictional)
        return created


def fold_ascii(text):
    return fold(text).replace(" ", "")


@transaction.atomic
def demo_seed(*, scale=1, today=None):
    """Create the demo data; returns the number of offices, or 0 if it was already there."""
    if Office.objects.exists():
        return 0
    builder = DemoBuilder(today=today)
    areas = builder.areas()
    offices = [builder.office(area) for area in areas]
    builder.memberships(areas)
    for copy in range(1, scale):
        for area in builder.fictional_areas(areas, copy):
            offices.append(builder.office(area, copy=copy))
    # Consistent by construction (the dates above are the offices' own), so written in bulk.
    OfficeStatusChange.objects.bulk_create(builder.status_changes, batch_size=1000)
    demo_accounts_create(offices)
    return len(offices)


def demo_accounts_create(offices=None):
    User = get_user_model()
    staff, created = User.objects.get_or_create(
        username=DEMO_STAFF, defaults={"first_name": "Sanja", "last_name": "Osoblje", "is_staff": True}
    )
    if created:
        staff.is_superuser = True
        staff.set_password(DEMO_PASSWORD)
        staff.save()
    user, created = User.objects.get_or_create(username=DEMO_COORDINATOR)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        coordinator = (
            Coordinator.objects.filter(appointments__office__area__code="RS-SABAC", user__isnull=True)
            .order_by("-appointments__started_on")
            .first()
        )
        if coordinator:
            coordinator.user = user
            coordinator.save()
    # The header greets the account by the name /me/ shows: its coordinator's (also in an older demo).
    coordinator = Coordinator.objects.filter(user=user).first()
    if coordinator and (user.first_name, user.last_name) != (coordinator.first_name, coordinator.last_name):
        user.first_name, user.last_name = coordinator.first_name, coordinator.last_name
        user.save(update_fields=["first_name", "last_name"])
    return staff, user


def demo_proposal_create():
    """A pending change proposal by the demo coordinator, for staff to review (once: none if one is pending)."""
    coordinator = Coordinator.objects.filter(user__username=DEMO_COORDINATOR).first()
    office = offices_of_coordinator(coordinator).first() if coordinator else None
    if office is None or office.change_proposals.pending().exists():
        return None
    return office_change_propose(
        office=office,
        user=coordinator.user,
        values={
            "working_hours": "Ponedeljak–petak 9–17 č, subotom 10–14 č",
            "instagram": "https://www.instagram.com/kzm.sabac/",
            "description": (office.description + "\n\n" if office.description else "")
            + "Svake srede od 17 č: otvoreni klub za srednjoškolce, uz besplatan internet i društvene igre.",
        },
    )
