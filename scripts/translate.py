"""Set zh-Hans translations for the given msgids: `uv run python scripts/translate.py msgid=译文 …`.

A small aid for adding a few strings; it clears the fuzzy flag of each entry it sets.
"""

import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "src/dangjian/locale/zh_Hans/LC_MESSAGES/django.po"


def main(pairs: list[str]) -> int:
    catalogue = polib.pofile(str(CATALOGUE))
    wanted = dict(pair.split("=", 1) for pair in pairs)
    for entry in catalogue:
        if entry.msgid in wanted:
            text = wanted.pop(entry.msgid)
            if entry.msgid_plural:
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
    catalogue.save()
    for msgid in wanted:
        print(f"not in the catalogue: {msgid!r}")
    return 1 if wanted else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
