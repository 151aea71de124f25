"""Helpers for `make bench` (bench/run.py): data size, reset, the pages to drive, import timing."""

import json
import re
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from areas.models import Area
from offices.importers import CoordinatorImporter
from offices.models import Appointment, Coordinator, Membership, Office, OfficeStatusChange
from portal.page_cache import data_changed
from trainings.models import Attendance, Certificate, Enrolment, Participant, SurveyResponse


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark helpers: --counts, --reset, --analyze, --pages, --import-timing (JSON on standard output)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        for name in ("counts", "reset", "analyze", "pages", "import-timing"):
            group.add_argument(f"--{name}", action="store_true")

    def handle(self, *args, **options):
        if options["counts"]:
            self.emit({"scale": self.scale(), "offices": Office.objects.count()})
        elif options["reset"]:
            self.reset()
        elif options["analyze"]:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elif options["pages"]:
            self.emit(self.pages())
        else:
            self.emit({"seconds_1000": self.time_import(1000), "seconds_10000": self.time_import(10000)})

    def emit(self, data):
        self.stdout.write(json.dumps(data))

    def scale(self):
        if not Office.objects.exists():
            return None
        copies = [int(m.group(1)) for code in Area.objects.filter(code__contains="-X").values_list("code", flat=True)
                  if (m := re.search(r"-X(\d+)$", code))]  # fmt: skip
        return max(copies, default=0) + 1

    @transaction.atomic
    def reset(self):
        # The demo trainings protect their coordinators: their history goes first.
        Certificate.objects.update(replaced_by=None)  # a re-issued certificate protects the one it replaced
        for model in (Certificate, Attendance, SurveyResponse, Enrolment, Participant):
            model.objects.all().delete()
        OfficeStatusChange.objects.all().delete()
        for model in (Appointment, Coordinator, Membership, Office):
            model.history.all().delete()
            model.objects.all().delete()
        Area.history.filter(code__regex=r"-X\d+$").delete()
        Area.objects.filter(code__regex=r"-X\d+$").delete()

    def pages(self):
        office = Office.objects.get(area__code="RS-SABAC")
        paths = [
            ("static file", staticfiles_storage.url("css/site.css")),
            ("home", "/"),
            ("directory", "/offices/"),
            ("directory filtered", "/offices/?country=RS&status=open&page=2"),
            ("directory search", "/offices/?q=sabac"),
            ("office page", office.get_absolute_url()),
            ("map", "/offices/map/"),
            ("map GeoJSON", "/offices/map.geojson"),
            ("openings", "/offices/openings/"),
            ("home Cyrillic", "/sr/"),
            # A coordinator's pages are never served from the page cache.
            ("home signed in", "/"),
            ("office page signed in", office.get_absolute_url()),
        ]
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        coordinator = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        user, _created = User.objects.get_or_create(username="bench.koordinator", defaults={"first_name": "Bench"})
        coordinator.force_login(user)
        queries = {}
        for name, path in paths[1:]:
            counts = []
            data_changed()  # as after a change to the data: the first render reads the database
            for _request in ("first after a change", "next"):
                with CaptureQueriesContext(connection) as captured:
                    (coordinator if name.endswith("signed in") else client).get(path)
                counts.append(len(captured))
            queries[name] = counts
        cookie = f"{settings.SESSION_COOKIE_NAME}={coordinator.cookies[settings.SESSION_COOKIE_NAME].value}"
        return {"pages": paths, "queries": queries, "cookie": cookie}

    def time_import(self, count):
        offices = list(Office.objects.open().select_related("area")[:200])
        headers = ["ime", "prezime", "e-pošta", "opština", "koordinator od"]
        rows = [
            [
                "Bench",
                f"Osoba {number}",
                f"bench.{number}@example.org",
                offices[number % len(offices)].area.code,
                "01.02.2024",
            ]
            for number in range(count)
        ]
        start = time.perf_counter()
        try:
            with transaction.atomic():
                CoordinatorImporter().apply(headers, rows)
                raise Rollback
        except Rollback:
            pass
        return time.perf_counter() - start
