from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def search_index_is_stale() -> bool:
    """Whether the full-text index misses materials or holds others (e.g. after a restore)."""
    from django.db import DatabaseError

    from dangjian.library import search
    from dangjian.library.models import Material

    try:
        return search.document_count() != Material.objects.count()
    except DatabaseError:  # the index's table is missing or damaged
        return True


def search_index_rebuild() -> int:
    from dangjian.library import search

    return search.rebuild()


class LibraryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangjian.library"
    verbose_name = _("Study materials")

    def ready(self) -> None:
        from dangjian.core.derived import register_derived

        register_derived("library.search", is_stale=search_index_is_stale, rebuild=search_index_rebuild)
