from django.core.management.base import BaseCommand

from offices.demo import DEMO_COORDINATOR, DEMO_PASSWORD, DEMO_STAFF, demo_accounts_create, demo_proposal_create


class Command(BaseCommand):
    help = "Create (if missing) and print the demo accounts."

    def handle(self, *args, **options):
        demo_accounts_create()
        demo_proposal_create()
        self.stdout.write(
            self.style.SUCCESS("Demo accounts (local use only):\n")
            + f"  staff:       {DEMO_STAFF} / {DEMO_PASSWORD}   → http://127.0.0.1:8000/admin/ (a change proposal waits for review)\n"
            + f"  coordinator: {DEMO_COORDINATOR} / {DEMO_PASSWORD}   → http://127.0.0.1:8000/me/ (training history, survey, office)"
        )
