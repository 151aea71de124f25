from django.core.management.base import BaseCommand

from areas.services import DATA_FILES, areas_load, read_area_rows


class Command(BaseCommand):
    help = "Load the reference geography (Serbia, Bosnia and Herzegovina) from areas/data/*.csv."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="CSV files to load instead of the bundled ones.")

    def handle(self, *args, files, verbosity, **options):
        report = areas_load(rows=read_area_rows(files or DATA_FILES))
        if verbosity == 0:
            return
        for area in report.created:
            self.stdout.write(f"created {area.code} {area.name}")
        for area, changes in report.changed:
            self.stdout.write(f"changed {area.code} {area.name}: {', '.join(changes)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Areas: {len(report.created)} created, {len(report.changed)} changed, {report.unchanged} unchanged."
            )
        )
