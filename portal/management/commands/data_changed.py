from django.core.management.base import BaseCommand

from portal.page_cache import data_changed


class Command(BaseCommand):
    help = (
        "Tell the public pages that the data changed, after a change that sent no signal "
        "(QuerySet.update() in the shell, SQL typed by hand): the next request renders afresh."
    )

    def handle(self, *args, **options):
        data_changed()
        self.stdout.write("The data version went up: kept pages and fragments are rendered afresh.")
