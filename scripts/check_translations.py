"""Refresh the zh-Hans catalogue from the code and fail if any message lacks a translation, or
if the committed compiled catalogue (django.mo, which a fresh clone serves) is not the .po's.

Run from the repository root: `uv run python scripts/check_translations.py`.
"""

import os
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dangjian"
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")


def _translations(entries) -> dict:
    return {
        (entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
        for entry in entries
        if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    os.chdir(PACKAGE)
    call_command("makemessages", locale=["zh_Hans"], no_location=True, no_obsolete=True, verbosity=0)
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    for msgid in fuzzy:
        print(f"fuzzy: {msgid!r}")
    print(f"{len(catalogue)} messages, {len(missing)} untranslated, {len(fuzzy)} fuzzy")
    stale = _translations(catalogue) != _translations(polib.mofile(str(COMPILED)))
    if stale:
        print("django.mo is not compiled from django.po: run `dangjian compilemessages` in src/dangjian and commit it")
    return 1 if missing or fuzzy or stale else 0


if __name__ == "__main__":
    sys.exit(main())
