"""scripts/translate.py sets the entry with the context asked for, and a plain msgid only the one without."""

import importlib.util
import pathlib

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("translate_script", ROOT / "scripts" / "translate.py")
translate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translate)

CATALOGUE = """
msgctxt "rectification"
msgid "What was done"
msgstr ""

msgid "What was done"
msgstr "采取的措施"

msgid "Add | and a link."
msgstr ""
"""


def test_a_plain_msgid_sets_only_the_entry_without_a_context():
    catalogue = polib.pofile(CATALOGUE)
    assert translate.apply(catalogue, ["What was done=已采取的措施"]) == []
    assert catalogue.find("What was done", msgctxt="rectification").msgstr == ""
    assert catalogue.find("What was done").msgstr == "已采取的措施"


def test_context_and_msgid_set_the_contextual_entry():
    catalogue = polib.pofile(CATALOGUE)
    assert translate.apply(catalogue, ["rectification|What was done=整改情况", "|Add | and a link.=加上链接"]) == []
    assert catalogue.find("What was done", msgctxt="rectification").msgstr == "整改情况"
    assert catalogue.find("What was done").msgstr == "采取的措施"
    assert catalogue.find("Add | and a link.").msgstr == "加上链接"


def test_an_unknown_context_is_reported_not_set_elsewhere():
    catalogue = polib.pofile(CATALOGUE)
    assert translate.apply(catalogue, ["meeting|What was done=x"]) == [("meeting", "What was done")]
    assert catalogue.find("What was done").msgstr == "采取的措施"
