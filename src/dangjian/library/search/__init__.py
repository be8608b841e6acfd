"""Chinese full-text search, keyword suggestion and summaries for the library.

from dangjian.library import search
search.index_material(material.pk, title=..., keywords=[...], text=...)
result = search.search("主题党日", materials=visible_materials(actor))
search.suggest_keywords(text, document_frequency=search.document_frequency,
                        documents=search.document_count())
search.related_words("初心", search.search_words("初心"))  # what to offer when nothing is found
"""

from dangjian.library.search.backends import (
    Hit,
    IndexEntry,
    PreparedEntry,
    SearchResult,
    clear,
    document_count,
    document_frequency,
    index_material,
    index_materials,
    index_prepared,
    material_entries,
    prepare_entry,
    rebuild,
    remove_material,
    search,
    search_words,
)
from dangjian.library.search.keywords import suggest_keywords, summarize
from dangjian.library.search.related import common_topics, related_words
from dangjian.library.search.snippets import highlight

__all__ = [
    "Hit",
    "IndexEntry",
    "PreparedEntry",
    "SearchResult",
    "clear",
    "common_topics",
    "document_count",
    "document_frequency",
    "highlight",
    "index_material",
    "index_materials",
    "index_prepared",
    "material_entries",
    "prepare_entry",
    "rebuild",
    "related_words",
    "remove_material",
    "search",
    "search_words",
    "suggest_keywords",
    "summarize",
]
