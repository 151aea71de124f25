from django.core.management.base import BaseCommand, CommandError

from areas.models import Area
from offices.demo import demo_seed
from trainings.demo import trainings_demo_seed


class Command(BaseCommand):
    help = "Create deterministic demo data (offices, coordinators, appointments, memberships, trainings)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply the volume, for load tests.")

    def handle(self, *args, scale, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if not Area.objects.exists():
            raise CommandError("Load the areas first: manage.py load_areas")
        count = demo_seed(scale=scale)
        if count:
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {count} offices."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        enrolments = trainings_demo_seed()
        if enrolments:
            self.stdout.write(self.style.SUCCESS(f"Demo trainings created: {enrolments} enrolments."))
