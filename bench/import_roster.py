"""Importing a 30,000-row roster sheet, as a ratio to python-calamine merely reading the same file.

    uv run python bench/import_roster.py [--db sqlite|postgres] [--rows 30000] [--repeat 3]

Builds the university's organisation tree (bench/generate.py's plan, without its members), writes
the plan's members into a sheet with the product's own workbook writer, then times, in one run:
reading the sheet with python-calamine (the baseline), the import preview, the import itself
(`roster_import_apply`, every row a new member with an account), and importing the same sheet
again (every row matched, nothing to change). The target is an import within 3× the read.
"""

import io
import json
import os
import sys
import time

import common


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=30_000)
    p.add_argument("--repeat", type=int, default=3, help="times to repeat the read (the best is kept)")
    args = p.parse_args()
    folder = common.prepare("import", args.db)
    try:
        info = common.machine()
        common.migrate()
        from python_calamine import CalamineWorkbook

        from dangjian.accounts.models import User
        from dangjian.demo import generator
        from dangjian.members import importing
        from dangjian.members.exporting import ROSTER_SHEET, roster_workbook
        from dangjian.members.models import Member

        plan = generator.build_plan(scale=generator.Scale(committees=30, branches=600, members=args.rows))
        generator.write_bulk(plan, with_members=False)
        names = {o.code: o.name for o in plan.orgs}
        rows = [{**p.fields(), "org": f"{p.current_org} {names[p.current_org]}"} for p in plan.people if p.current_org]
        started = time.perf_counter()
        data = roster_workbook(rows)
        write_s = time.perf_counter() - started
        sheet_path = folder / f"roster-{len(rows)}.xlsx"
        sheet_path.write_bytes(data)
        admin = User.objects.get(username="demo-admin")

        def read() -> int:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            return len(book.get_sheet_by_name(ROSTER_SHEET).to_python(skip_empty_area=False))

        reads = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            read_rows = read()
            reads.append(time.perf_counter() - started)
        read_s = min(reads)

        started = time.perf_counter()
        preview = importing.roster_import_preview(actor=admin, data=data, filename=sheet_path.name)
        preview_s = time.perf_counter() - started
        assert preview.ok, [str(problem) for problem in preview.problems[:5]]

        started = time.perf_counter()
        result = importing.roster_import_apply(actor=admin, data=data, filename=sheet_path.name)
        apply_s = time.perf_counter() - started
        assert Member.objects.count() == len(rows), Member.objects.count()

        started = time.perf_counter()
        importing.roster_import_apply(actor=admin, data=data, filename=sheet_path.name)
        again_s = time.perf_counter() - started
        assert Member.objects.count() == len(rows)
    finally:
        common.cleanup(folder, args.db, args.keep)

    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = {
        "machine": info,
        "rows": len(rows),
        "sheet_bytes": len(data),
        "sheet_rows_read": read_rows,
        "write_sheet_s": round(write_s, 2),
        "calamine_read_s": round(read_s, 3),
        "calamine_reads_s": [round(r, 3) for r in reads],
        "preview_s": round(preview_s, 2),
        "import_s": round(apply_s, 2),
        "reimport_s": round(again_s, 2),
        "import_ratio": round(apply_s / read_s, 2),
        "preview_ratio": round(preview_s / read_s, 2),
        "reimport_ratio": round(again_s / read_s, 2),
        "result": str(result),
    }
    (common.OUT / f"import_roster-{args.db}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    common.print_machine(info)
    print(json.dumps({k: v for k, v in report.items() if k != "machine"}, ensure_ascii=False), file=sys.stderr)
    print("| step | seconds | × calamine read |\n|---|--:|--:|")
    print(f"| python-calamine reads the sheet ({len(rows):,} rows, {len(data) / 1e6:.1f} MB) | {read_s:.2f} | 1.0 |")
    print(f"| preview (check every row, write nothing) | {preview_s:.2f} | {preview_s / read_s:.1f} |")
    print(f"| import: {len(rows):,} new members with accounts | {apply_s:.2f} | {apply_s / read_s:.1f} |")
    print(f"| import the same sheet again (all matched, unchanged) | {again_s:.2f} | {again_s / read_s:.1f} |")


if __name__ == "__main__":
    main()
