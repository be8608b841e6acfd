"""Set zh-Hans translations: `uv run python scripts/translate.py 'msgid=译文' 'ctx|msgid=译文' …`.

A small aid for adding a few strings; it clears the fuzzy flag of each entry it sets.

`msgid=译文` sets the entry without a context (msgctxt) only. `ctx|msgid=译文` sets the entry with that
context: the first `|` separates the context from the msgid. A msgid that itself contains `|` and has
no context is written with an empty context in front: `|msgid=译文`. The first `=` ends the msgid.
An argument that matches no entry is reported and the script exits with 1.
"""

import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "src/dangjian/locale/zh_Hans/LC_MESSAGES/django.po"
CONTEXT_SEPARATOR = "|"


def parse(pair: str) -> tuple[tuple[str | None, str], str]:
    """`ctx|msgid=text` → ((ctx, msgid), text); without `|` (or with nothing before it) the context is None."""
    key, text = pair.split("=", 1)
    context, separator, msgid = key.partition(CONTEXT_SEPARATOR)
    if not separator:
        return (None, key), text
    return (context or None, msgid), text


def apply(catalogue: polib.POFile, pairs: list[str]) -> list[tuple[str | None, str]]:
    """Set each pair's entry in `catalogue`; return the (context, msgid) keys that matched no entry."""
    wanted = dict(parse(pair) for pair in pairs)
    for entry in catalogue:
        key = (entry.msgctxt or None, entry.msgid)
        if key not in wanted:
            continue
        text = wanted.pop(key)
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        entry.previous_msgctxt = None
    return list(wanted)


def main(pairs: list[str]) -> int:
    catalogue = polib.pofile(str(CATALOGUE))
    missing = apply(catalogue, pairs)
    catalogue.save()
    for context, msgid in missing:
        where = f" (context {context!r})" if context else " (without a context)"
        print(f"not in the catalogue: {msgid!r}{where}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
