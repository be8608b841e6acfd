"""Upload to searchable: how long a 100-page PDF takes from the upload to its first search hit.

    uv run python bench/library_upload.py [--db sqlite|postgres] [--pages 100] [--library 2000]

Builds a college (bench/generate.py) and a library of `--library` small materials (so the
keyword proposals and the index work on a library that is not empty), then a `--pages`-page PDF
of Chinese text with WeasyPrint. Measured, each in the same run:

- the extraction alone (`library.extraction.extract`: PDFium reading every page), the baseline;
- the upload as the uploader waits for it (`material_upload`, small enough to be read at once:
  type check, hash, duplicate check, extraction, pages, summary and keywords, index, audit);
- the same file through the background path (stored at once, then `material_extract` as the
  worker runs it), and the total until a search for a word of its last page finds it.
"""

import random
import sys
import time

import common
from generate import generate

SENTENCES = [
    "党支部要把经常性学习教育融入日常、抓在经常，推动党员学思用贯通、知信行统一。",
    "主题党日要在固定日开展，内容聚焦学习党章党规、重温入党誓词和为群众办实事。",
    "三会一课是党的组织生活的基本制度，支部书记每年至少为党员讲一次党课。",
    "教工党员要结合教学科研工作自学，做到以学促干，把学习成效体现在立德树人上。",
    "学生党支部要发挥先锋模范作用，引导学生党员在学习实践中锤炼党性。",
    "组织生活会要认真开展批评和自我批评，查摆问题要具体，整改措施要可行。",
    "要关心关爱每一名党员，及时了解和帮助解决党员的合理诉求，消除边缘人和局外人。",
    "民主评议党员要坚持标准，注重实绩，把敬业精神、工作能力和工作绩效统一起来。",
]


def page_text(rng: random.Random, number: int, chars: int = 450) -> str:
    text = f"第{number}页"
    while len(text) < chars:
        text += rng.choice(SENTENCES)
    return text


def main() -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=100)
    p.add_argument("--library", type=int, default=2000, help="small materials already in the library")
    args = p.parse_args()
    folder = common.prepare("library-upload", args.db)
    try:
        return run(args)
    finally:
        common.cleanup(folder, args.db, args.keep)


def run(args) -> int:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.library import extraction, search
    from dangjian.library.models import Material
    from dangjian.library.services import materials as services
    from dangjian.library.tests.documents import pdf_bytes
    from dangjian.orgs.models import Organisation, OrgKind

    common.migrate()
    generate(committees=1, branches=2, members=40)
    info = common.machine()
    common.print_machine(info)
    committee = Organisation.objects.get(kind=OrgKind.COMMITTEE)
    rng = random.Random(1)

    started = time.perf_counter()
    entries = []
    for i in range(args.library):
        text = "".join(rng.choice(SENTENCES) for _ in range(6))
        material = Material.objects.create(
            org=committee, title=f"学习资料{i}", area="theory", kind="txt", status="published"
        )
        entries.append(search.IndexEntry(material.pk, material.title, [], text))
    search.index_materials(entries)
    library_s = time.perf_counter() - started

    started = time.perf_counter()
    data = pdf_bytes([page_text(rng, n) for n in range(1, args.pages + 1)], title="经常性学习教育资料汇编")
    build_s = time.perf_counter() - started
    last_word = f"第{args.pages}页"

    runs: dict[str, list[float]] = {"extract": [], "upload": [], "background": [], "searchable": []}
    for _ in range(3):
        started = time.perf_counter()
        result = extraction.extract(io.BytesIO(data), "pdf")
        runs["extract"].append(time.perf_counter() - started)
        assert len(result.pages) >= args.pages

        # The read-at-once path (what an uploader waits for).
        upload = SimpleUploadedFile("汇编.pdf", data)
        started = time.perf_counter()
        material = services.material_upload(actor=None, org=committee, file=upload, area="theory")
        runs["upload"].append(time.perf_counter() - started)
        assert material.page_count == len(result.pages)
        services.material_delete(actor=None, material=material)

        # The background path: stored first, then extracted by the worker; searchable at the end.
        old, services.READ_AT_ONCE_BYTES = services.READ_AT_ONCE_BYTES, 0
        try:
            upload = SimpleUploadedFile("汇编.pdf", data)
            started = time.perf_counter()
            material = services.material_upload(actor=None, org=committee, file=upload, area="theory")
            services.material_extract(material.pk)  # what `db_worker` runs after the commit
            stored_and_read = time.perf_counter() - started
            hits = search.search(last_word, materials=Material.objects.filter(pk=material.pk))
            searchable = time.perf_counter() - started
        finally:
            services.READ_AT_ONCE_BYTES = old
        assert hits.total == 1, hits
        runs["background"].append(stored_and_read)
        runs["searchable"].append(searchable)
        services.material_delete(actor=None, material=Material.objects.get(pk=material.pk))

    best = {key: min(values) for key, values in runs.items()}
    print(
        f"\n{args.db}: {len(result.pages)}-page PDF ({len(data) / 1024:.0f} KiB, built in {build_s:.1f} s), "
        f"library of {args.library} indexed in {library_s:.1f} s; best of 3"
    )
    print("| step | seconds | × extraction alone |")
    print("|---|---:|---:|")
    for key, label in (
        ("extract", "extraction alone (baseline)"),
        ("upload", "upload, read at once"),
        ("background", "upload stored, then the worker's extraction"),
        ("searchable", "upload to first search hit (background path)"),
    ):
        print(f"| {label} | {best[key]:.2f} | {best[key] / best['extract']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
