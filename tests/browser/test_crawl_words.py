"""The crawl's own rules: which words count as English and how URLs become patterns (no browser)."""

import pytest

from tests.browser.crawl import english_words, pattern_of


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- Select an option -", ["Select", "an", "option"]),
        ("attendance.mark", ["attendance.mark"]),  # an audit action's code
        ("Markdown", ["Markdown"]),
        ("最多 5 个照片、PDF、Word、Excel 或文本文件，每个不超过 10 MB。", []),  # allowed names and units
        ("学院楼A307会议室", []),  # a room's code
        ("A-", []),  # a single letter
        ("合同.pdf 已上传，旧版 .doc 文件", []),  # file names and extensions
        ("demo-member 于 2025-01-01 登录", []),  # a user name
        ("每晚自动备份未开启（DANGJIAN_BACKUP_NIGHTLY）。", []),  # a setting's name
        ("BACKUP_NIGHTLY", ["BACKUP", "NIGHTLY"]),  # not one of the project's settings
        ("zhang@example.com，见 https://example.com/a?b=1", []),
    ],
)
def test_english_words(text, words):
    assert english_words(text) == words


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        ("/", "/"),
        ("/members/12/edit/", "/members/<id>/edit/"),
        ("/study/plans/3/export.docx", "/study/plans/<id>/export.docx"),
        ("/rights/opinions/0f8fad5b-d9cb-469f-a165-70867728950e/", "/rights/opinions/<uuid>/"),
        ("/study/check-in/199/59887156.XTsvmawqnV0ik2-WqpseoexsL6Yay4FxRKBg68cr73U/", "/study/check-in/<id>/<token>/"),
    ],
)
def test_pattern_of(path, pattern):
    assert pattern_of(path) == pattern
