import io
import re
import shutil
import sys
import time
import zipfile

import pytest
from django.core.files import File
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from dangjian.core.errors import DomainError
from dangjian.core.tests.bombs import MIB, package_with
from dangjian.library.extraction import (
    KINDS_ACCEPTED,
    BrokenFile,
    EmptyFile,
    EncryptedFile,
    ExtractionFailed,
    LegacyFormat,
    NoText,
    TooDemanding,
    UnsupportedType,
    extract,
    extract_limited,
    normalise,
    paginate,
    sniff,
)
from dangjian.library.extraction import legacy as legacy_module
from dangjian.library.extraction.pdf import PlacedLine, join_lines, join_placed_lines
from dangjian.library.models import MaterialKind
from dangjian.library.tests import documents

CHARTER = "中国共产党是中国工人阶级的先锋队，同时是中国人民和中华民族的先锋队，是中国特色社会主义事业的领导核心。"
STUDY = "学习贯彻习近平新时代中国特色社会主义思想，坚持学思用贯通、知信行统一。"


def read(data: bytes, filename: str, **kwargs):
    """Sniff then extract, as the upload does."""
    file = io.BytesIO(data)
    return extract(file, sniff(file, filename), **kwargs)


@pytest.fixture(scope="module")
def three_pages() -> bytes:
    return documents.pdf_bytes(
        [f"第一章 总则\n{CHARTER * 3}\n{STUDY}", "第二章 党员\n党员必须履行下列义务。", "第三章 组织\n民主集中制。"],
        title="中国共产党章程",
    )


# --- PDF ------------------------------------------------------------------------------------------


def test_a_pdf_gives_one_page_per_page_with_its_paragraphs(three_pages):
    calls = []
    extracted = read(three_pages, "章程.pdf", progress=lambda done, total: calls.append((done, total)))
    assert extracted.kind == MaterialKind.PDF
    assert len(extracted.pages) == 3
    # The long paragraph wraps over several lines and comes back whole, the next one on its own.
    assert extracted.pages[0].split("\n\n") == ["第一章 总则", CHARTER * 3, STUDY]
    assert extracted.pages[1] == "第二章 党员\n\n党员必须履行下列义务。"
    assert extracted.title == "中国共产党章程"
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_a_pdf_without_a_metadata_title_proposes_its_first_line():
    data = documents.pdf_bytes(["关于开展主题党日活动的通知\n各支部：请按时参加。"], title="Microsoft Word - ")
    assert read(data, "x.pdf").title == "关于开展主题党日活动的通知"


def test_a_word_export_title_loses_its_wrapping(three_pages):
    data = documents.pdf_bytes(["正文。"], title="Microsoft Word - 学习材料.docx")
    assert read(data, "x.pdf").title == "学习材料"


def test_a_pdf_is_read_from_a_django_file_on_disk(three_pages, tmp_path):
    path = tmp_path / "upload.pdf"
    path.write_bytes(three_pages)
    with File(path.open("rb")) as file:
        assert sniff(file, "upload.pdf") == "pdf"
        assert len(extract(file, "pdf").pages) == 3


def test_a_300_page_pdf_extracts_in_a_few_seconds(three_pages):
    reader = PdfReader(io.BytesIO(three_pages))
    writer = PdfWriter()
    for _ in range(100):
        for page in reader.pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    calls = []
    started = time.perf_counter()
    extracted = extract(out, "pdf", progress=lambda done, total: calls.append((done, total)))
    assert time.perf_counter() - started < 8  # about 1 s on an idle machine
    assert len(extracted.pages) == 300
    assert extracted.pages[299].startswith("第三章 组织")
    assert len(calls) == 300
    assert calls[-1] == (300, 300)


def _line(text: str, left: float = 50, right: float = 350, bottom: float = 500) -> PlacedLine:
    return PlacedLine(text, left, right, bottom, bottom + 14)


def test_lines_are_joined_into_paragraphs_by_their_positions():
    lines = [
        _line("第一章", left=180, right=220, bottom=700),  # centred heading
        _line("第一段第一行", left=72, bottom=680),  # indented first line
        _line("第一段第二行，", bottom=662),
        _line("第一段的最后一行正好排满。", bottom=644),  # full width, but the next is indented
        _line("第二段第一行", left=72, bottom=626),
        _line("第二段结束。", right=200, bottom=608),  # stops short
        _line("第三段，隔得比平时远", bottom=570),
        _line("and some English", bottom=552),
    ]
    assert join_placed_lines(lines).split("\n\n") == [
        "第一章",
        "第一段第一行第一段第二行，第一段的最后一行正好排满。",
        "第二段第一行第二段结束。",
        "第三段，隔得比平时远and some English",  # after a wider gap than usual
    ]


def test_lines_of_narrow_text_stay_apart():
    lines = [_line("目录", right=80, bottom=700), _line("第一章", right=80, bottom=682)]
    assert join_placed_lines(lines) == "目录\n\n第一章"
    assert join_placed_lines([]) == ""


def test_without_positions_lines_are_joined_by_their_lengths():
    wide = "中国共产党是中国工人阶级的先锋队，同时"  # 19 characters
    assert join_lines(f"标题\r\n{wide}\r\n{wide}\r\n结束。\r\nNext\r\n") == f"标题\n\n{wide}{wide}结束。\n\nNext"


def test_a_scanned_pdf_has_no_text():
    with pytest.raises(NoText) as exc:
        read(documents.scanned_pdf_bytes(), "扫描件.pdf")
    assert "OCR" in exc.value.message


def test_a_blank_page_among_text_pages_stays_empty():
    pages = PdfWriter()
    for part in (documents.pdf_bytes(["第一页。"]), documents.scanned_pdf_bytes(), documents.pdf_bytes(["第三页。"])):
        pages.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    pages.write(out)
    assert extract(out, "pdf").pages == ["第一页。", "", "第三页。"]


def test_a_pdf_with_a_password_is_refused():
    data = documents.encrypted_pdf_bytes(["机密"])
    file = io.BytesIO(data)
    assert sniff(file, "x.pdf") == "pdf"
    with pytest.raises(EncryptedFile):
        extract(file, "pdf")


# --- Word -----------------------------------------------------------------------------------------


def test_a_word_document_keeps_paragraphs_and_tables_in_order():
    data = documents.docx_bytes(
        ["第一段。", "　　第二段，  有多余的空格。"],
        heading="学习体会",
        table=[["姓名", "职务"], ["张三", "支部书记"]],
    )
    extracted = read(data, "体会.docx", progress=lambda done, total: None)
    assert extracted.kind == MaterialKind.DOCX
    assert extracted.pages == ["学习体会\n\n第一段。\n\n第二段， 有多余的空格。\n\n姓名 | 职务\n\n张三 | 支部书记"]
    assert extracted.title == "学习体会"


def test_a_word_title_comes_from_its_properties_then_its_first_line():
    assert read(documents.docx_bytes(["正文。"], title="学习材料"), "a.docx").title == "学习材料"
    assert read(documents.docx_bytes(["关于学习的通知", "正文。"]), "a.docx").title == "关于学习的通知"


def test_a_long_word_document_is_cut_into_readable_pages():
    paragraphs = [f"第{i}段。" + CHARTER * 4 for i in range(40)]  # ~210 characters each
    extracted = read(documents.docx_bytes(paragraphs), "长文.docx")
    assert len(extracted.pages) > 5
    assert all(len(page) <= 1200 for page in extracted.pages)
    assert [p for page in extracted.pages for p in page.split("\n\n")] == paragraphs


def test_a_word_document_renamed_pdf_is_still_a_word_document():
    assert sniff(io.BytesIO(documents.docx_bytes(["正文"])), "伪装.pdf") == "docx"


# --- PowerPoint -----------------------------------------------------------------------------------


def test_slides_give_one_page_each_with_notes():
    data = documents.pptx_bytes(
        [("党课：不忘初心", "第一部分\n第二部分"), ("", ""), ("第三张", "内容")], notes=["讲稿第一页"]
    )
    calls = []
    extracted = read(data, "党课.pptx", progress=lambda done, total: calls.append((done, total)))
    assert extracted.kind == MaterialKind.PPTX
    assert len(extracted.pages) == 3
    assert extracted.pages[0].split("\n\n")[:3] == ["党课：不忘初心", "第一部分", "第二部分"]
    assert extracted.pages[0].endswith("讲稿第一页")
    assert extracted.pages[1] == ""  # a slide without text keeps its number
    assert extracted.title == "党课：不忘初心"
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_slides_without_any_text_have_no_text():
    with pytest.raises(NoText):
        read(documents.pptx_bytes([("", ""), ("", "")]), "空.pptx")


# --- plain text and Markdown ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_text_in_every_usual_encoding(encoding):
    data = documents.text_bytes(f"学习心得\r\n\r\n　　{STUDY}\r\n{CHARTER}\r\n", encoding)
    extracted = read(data, "心得.txt")
    assert extracted.kind == MaterialKind.TXT
    assert extracted.pages == [f"学习心得\n\n{STUDY}\n\n{CHARTER}"]
    assert extracted.title == "学习心得"


def test_gb18030_is_not_mistaken_for_utf8():
    data = documents.text_bytes("党员教育管理工作条例", "gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read(data, "条例.txt").pages == ["党员教育管理工作条例"]


def test_markdown_is_read_without_its_markup():
    source = "# 学习 **党章**\n\n> 引文\n\n- 第一条 [链接](https://example.org)\n- 第二条\n\n正文 *强调*。"
    extracted = read(documents.text_bytes(source), "笔记.md")
    assert extracted.kind == MaterialKind.MD
    assert extracted.pages == ["学习 党章\n\n引文\n\n• 第一条 链接\n\n• 第二条\n\n正文 强调。"]
    assert extracted.title == "学习 党章"


def test_markdown_or_text_is_told_by_the_name():
    data = documents.text_bytes("# 标题\n正文")
    assert sniff(io.BytesIO(data), "a.MD") == "md"
    assert sniff(io.BytesIO(data), "a.markdown") == "md"
    assert sniff(io.BytesIO(data), "a.txt") == "txt"
    assert sniff(io.BytesIO(data), "无扩展名") == "txt"


def test_a_long_text_file_is_sniffed_from_its_start_only():
    # 64 KiB cut through a three-byte character must not look like bad UTF-8.
    data = documents.text_bytes("党" * 30_000)
    assert sniff(io.BytesIO(data), "a.txt") == "txt"


def test_sniff_leaves_the_file_at_its_start(three_pages):
    file = io.BytesIO(three_pages)
    file.seek(100)
    sniff(file, "a.pdf")
    assert file.tell() == 0


# --- what is refused ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "照片.png"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64, "文件.pdf"),  # a program renamed .pdf
        (bytes(range(256)) * 4, "random.txt"),
    ],
)
def test_other_files_are_unsupported(data, name):
    with pytest.raises(UnsupportedType):
        sniff(io.BytesIO(data), name)


def test_a_spreadsheet_is_unsupported():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedType):
        sniff(out, "表格.xlsx")


def test_an_unknown_kind_is_not_extracted():
    with pytest.raises(UnsupportedType):
        extract(io.BytesIO(b"text"), "video")


def test_an_empty_file():
    with pytest.raises(EmptyFile):
        sniff(io.BytesIO(b""), "a.docx")
    with pytest.raises(EmptyFile):
        extract(io.BytesIO(b""), "txt")


def test_a_file_of_blank_lines_has_no_text():
    data = documents.text_bytes(" \r\n\u3000\n\t\n")
    assert sniff(io.BytesIO(data), "a.txt") == "txt"
    with pytest.raises(NoText):
        extract(io.BytesIO(data), "txt")


@pytest.mark.parametrize("kind", ["docx", "pptx", "pdf"])
def test_a_damaged_file_is_broken(kind):
    data = documents.broken_bytes(kind)
    file = io.BytesIO(data)
    assert sniff(file, f"a.{kind}") == kind
    with pytest.raises(BrokenFile):
        extract(file, kind)


@pytest.mark.parametrize("kind", ["docx", "pptx"])
def test_a_truncated_office_file_is_broken(kind):
    data = documents.docx_bytes(["正文"]) if kind == "docx" else documents.pptx_bytes([("标题", "")])
    with pytest.raises(BrokenFile):
        sniff(io.BytesIO(data[: len(data) // 2]), f"a.{kind}")


def test_a_protected_office_file_is_encrypted():
    data = documents.ole2_bytes(["EncryptionInfo", "EncryptedPackage"])
    with pytest.raises(EncryptedFile):
        sniff(io.BytesIO(data), "机密.docx")


def test_the_errors_are_distinct_domain_errors():
    errors = [UnsupportedType, LegacyFormat, EmptyFile, BrokenFile, EncryptedFile, NoText]
    assert len({error.code for error in errors}) == len(errors)
    for error in errors:
        assert issubclass(error, ExtractionFailed)
        assert issubclass(error, DomainError)
        assert error.status_code == 400
        assert error().message
    assert KINDS_ACCEPTED == ("docx", "pdf", "pptx", "txt", "md")
    assert set(KINDS_ACCEPTED) <= set(MaterialKind.values)


# --- legacy .doc and .ppt -------------------------------------------------------------------------


@pytest.fixture
def no_converter(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)


@pytest.mark.parametrize(
    ("streams", "name", "advice"),
    [
        (["WordDocument"], "旧文档.doc", ".docx"),
        (["PowerPoint Document"], "旧课件.ppt", ".pptx"),
        (["WordDocument"], "名字不对.ppt", ".docx"),  # the content decides
        ([], "旧课件.ppt", ".pptx"),  # no telling stream: the name decides
    ],
)
def test_legacy_office_files_without_a_converter_say_how_to_convert(no_converter, streams, name, advice):
    with pytest.raises(LegacyFormat) as exc:
        sniff(io.BytesIO(documents.ole2_bytes(streams)), name)
    assert advice in exc.value.message
    assert "WPS" in exc.value.message


def test_an_old_spreadsheet_is_unsupported(no_converter):
    with pytest.raises(UnsupportedType):
        sniff(io.BytesIO(documents.ole2_bytes(["Workbook"])), "表格.xls")


def _fake_converter(tmp_path, monkeypatch, body: str):
    """An executable standing in for LibreOffice, found by `shutil.which`; it logs its arguments."""
    script = tmp_path / "soffice"
    script.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, shutil, sys, time\n"
        "args = sys.argv[1:]\n"
        f"pathlib.Path({str(tmp_path / 'args')!r}).write_text(' '.join(args))\n"
        "out = pathlib.Path(args[args.index('--outdir') + 1])\n"
        "target = args[args.index('--convert-to') + 1]\n"
        "source = pathlib.Path(args[-1])\n" + body
    )
    script.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(script) if name == "soffice" else None)


def test_a_legacy_document_is_converted_when_libreoffice_is_there(tmp_path, monkeypatch):
    converted = tmp_path / "converted.docx"
    converted.write_bytes(documents.docx_bytes(["转换后的正文。"], title="旧文档"))
    _fake_converter(
        tmp_path,
        monkeypatch,
        f"out.mkdir(parents=True)\nshutil.copy({str(converted)!r}, out / (source.stem + '.' + target))\n",
    )
    file = io.BytesIO(documents.ole2_bytes(["WordDocument"]))
    assert sniff(file, "旧文档.doc") == "docx"
    extracted = extract(file, "docx")
    assert extracted.pages == ["转换后的正文。"]
    assert extracted.title == "旧文档"
    args = (tmp_path / "args").read_text()
    assert "--headless" in args
    assert "--convert-to docx" in args
    assert "-env:UserInstallation=file://" in args


def test_a_failed_conversion_is_a_broken_file(tmp_path, monkeypatch):
    _fake_converter(tmp_path, monkeypatch, "sys.exit(1)\n")
    with pytest.raises(BrokenFile):
        extract(io.BytesIO(documents.ole2_bytes(["PowerPoint Document"])), "pptx")


def test_a_conversion_that_hangs_is_stopped(tmp_path, monkeypatch):
    _fake_converter(tmp_path, monkeypatch, "time.sleep(60)\n")
    monkeypatch.setattr(legacy_module, "CONVERT_TIMEOUT", 0.5)
    started = time.perf_counter()
    with pytest.raises(BrokenFile):
        extract(io.BytesIO(documents.ole2_bytes(["WordDocument"])), "docx")
    assert time.perf_counter() - started < 10


def test_a_conversion_too_large_is_not_read(tmp_path, monkeypatch):
    _fake_converter(
        tmp_path,
        monkeypatch,
        "out.mkdir(parents=True)\n(out / (source.stem + '.' + target)).write_bytes(bytes(4096))\n",
    )
    monkeypatch.setattr(legacy_module, "CONVERTED_MAX_BYTES", 1024)
    with pytest.raises(TooDemanding):
        extract(io.BytesIO(documents.ole2_bytes(["WordDocument"])), "docx")


def test_a_legacy_file_converted_into_a_bomb_is_refused_before_it_is_read(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(package_with(documents.docx_bytes(["正文"]), add={"word/media/image1.png": (bytes(MIB), 8 * MIB)}))
    _fake_converter(
        tmp_path,
        monkeypatch,
        f"out.mkdir(parents=True)\nshutil.copy({str(bomb)!r}, out / (source.stem + '.' + target))\n",
    )
    with pytest.raises(TooDemanding):
        extract_limited(io.BytesIO(documents.ole2_bytes(["WordDocument"])), "docx")


def test_a_legacy_file_without_a_converter_at_extraction_time(no_converter):
    with pytest.raises(LegacyFormat):
        extract(io.BytesIO(documents.ole2_bytes(["WordDocument"])), "docx")


# --- whitespace and pages -------------------------------------------------------------------------


def test_normalise_keeps_paragraphs_and_collapses_the_rest():
    text = "\ufeff  第一段\u200b，\t有  空格。\r\n\r\n\r\n\u3000\u3000第二段。\r第三段\x07。\n\n  \n"
    assert normalise(text) == "第一段， 有 空格。\n\n第二段。\n\n第三段。"
    assert normalise(normalise(text)) == normalise(text)


def test_paragraphs_fill_a_page_up_to_the_target():
    a, b = "甲" * 600, "乙" * 598
    assert paginate(f"{a}\n{b}") == [f"{a}\n\n{b}"]  # 600 + 2 + 598 = 1200: fits exactly
    assert paginate(f"{a}\n{b}乙") == [a, b + "乙"]  # one more and the paragraph moves whole
    assert paginate("") == []
    assert paginate(" \n\n ") == []


def test_a_paragraph_longer_than_a_page_is_cut_at_sentence_ends():
    sentence = "甲" * 299 + "。"  # 300 characters
    paragraph = sentence * 5  # 1500
    pages = paginate(f"短段落。\n{paragraph}")
    # The long paragraph flows on from the first page and is cut after a 。
    assert pages == [f"短段落。\n\n{sentence * 3}", sentence * 2]


def test_a_sentence_longer_than_a_page_is_cut_at_commas_then_anywhere():
    clause = "乙" * 499 + "，"
    assert paginate(clause * 3 + "。", target=1200) == [clause * 2, clause + "。"]
    assert paginate("丙" * 2500) == ["丙" * 1200, "丙" * 1200, "丙" * 100]


def test_sentences_end_with_their_closing_quotes():
    sentence = "他说：“" + "甲" * 594 + "！”"  # 600
    assert paginate(sentence * 3) == [sentence * 2, sentence]


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("党的建设人民中国。！？，；、“” \n\u3000\tab.")), max_size=2500),
    target=st.integers(min_value=20, max_value=600),
)
def test_pagination_loses_nothing_and_respects_the_target(text, target):
    pages = paginate(text, target=target)
    normalised = normalise(text)
    assert re.sub(r"\s", "", "".join(pages)) == re.sub(r"\s", "", normalised)
    for page in pages:
        assert page
        assert page == page.strip()
        assert len(page) <= target
    # A paragraph that fits on a page is never cut.
    paragraphs_on_pages = [paragraph for page in pages for paragraph in page.split("\n\n")]
    for paragraph in normalised.split("\n\n"):
        if paragraph and len(paragraph) <= target:
            assert paragraph in paragraphs_on_pages
