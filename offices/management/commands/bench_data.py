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
            # As autovacuum would leave the tables in time: fresh statistics, and the trigram index's pending
            # list (where a GIN index keeps the rows just inserted, scanned on every search) merged.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        elif options["pages"]:
            self.emit(self.pages())
        else:
            timing = {}
            for count in (1000, 10000):
                # Wall seconds (what staff wait) and this process's CPU seconds (what the work costs
                # here, whatever else the machine runs; the database's own CPU is not in them).
                preview, confirm, preview_cpu, confirm_cpu = self.time_import(count)
                timing.update({f"preview_{count}": preview, f"confirm_{count}": confirm,
                               f"seconds_{count}": preview + confirm, f"preview_cpu_{count}": preview_cpu,
                               f"confirm_cpu_{count}": confirm_cpu})  # fmt: skip
            self.emit(timing)

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
        """Seconds of the preview request and of the confirm request of a `count`-row coordinator .xlsx,
        through the admin's own pages (reading, checking, rendering, writing with history); rolled back."""
        from django.contrib.auth import get_user_model
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        from imports.writing import write_xlsx

        offices = list(Office.objects.open().select_related("area").prefetch_related("status_changes")[:200])
        # An appointment with no end starts in the office's current working period (it may have paused).
        started = [office.working_periods()[-1][0] for office in offices]
        # Deputies: an office has one coordinator at a time, and the 10,000 share 200 offices.
        header = ["ime", "prezime", "e-pošta", "telefon", "opština", "kancelarija (oznaka)", "koordinator od", "uloga"]
        rows = [
            ["Bench", f"Osoba {number}", f"bench.{number}@example.org", f"06{number:08d}",
             offices[number % len(offices)].area.name, offices[number % len(offices)].slug,
             started[number % len(offices)], "zamenik"]
            for number in range(count)
        ]  # fmt: skip
        content = write_xlsx(header, rows, title="Koordinatori")
        url = reverse("admin:offices_coordinator_import")
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_superuser("bench.import", password=None)
                client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
                client.force_login(user)
                start, cpu = time.perf_counter(), time.process_time()
                response = client.post(url, {"file": SimpleUploadedFile("koordinatori.xlsx", content)})
                preview, preview_cpu = time.perf_counter() - start, time.process_time() - cpu
                token = re.search(r'name="token" value="([^"]+)"', response.text)
                if response.status_code != 200 or token is None:
                    raise RuntimeError("the preview of the bench import failed")
                start, cpu = time.perf_counter(), time.process_time()
                response = client.post(url, {"token": token.group(1)})
                confirm, confirm_cpu = time.perf_counter() - start, time.process_time() - cpu
                if response.status_code != 302:
                    raise RuntimeError("the confirmation of the bench import failed")
                raise Rollback
        except Rollback:
            pass
        return preview, confirm, preview_cpu, confirm_cpu
