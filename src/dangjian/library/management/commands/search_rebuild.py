"""`dangjian search_rebuild`: build the library's full-text index anew from the materials.

For operators: after restoring a database, or when a database had materials before the index
existed. Searches keep working meanwhile; the new index replaces the old in one transaction.
"""

import time

from django.core.management import BaseCommand
from django.utils.translation import gettext as _

from dangjian.library import search


class Command(BaseCommand):
    help = "Build the library's full-text index anew from every material."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search.rebuild()
        self.stdout.write(
            _("Indexed %(count)d materials in %(seconds).1f s.")
            % {"count": count, "seconds": time.perf_counter() - started}
        )
