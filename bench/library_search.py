"""The library's Chinese full-text search at university scale: index build, ranked latency.

    uv run python bench/library_search.py [--db sqlite|postgres] [--materials 50000] [--chars 2000]
                                          [--queries 100] [--repeat 3] [--seed 1] [--no-server]
                                          [--concurrency 1] [--workers N] [--keep]
                                          [--users demo-committee,demo-member]

Generates one college (bench/generate.py's bulk path, with the demo accounts) and `--materials`
published materials of its committee, each about `--chars` characters of Chinese composed by a
seeded random generator from a few hundred sentences built from templates and the search's
domain word list, plus one rarer sentence per material (a speaker, a place). The materials go
in with bulk inserts; the text is not stored as pages, only indexed.

It measures:
- the index build: `search.index_materials` over every material in one transaction, then the
  index's own optimisation (FTS5 'optimize', PostgreSQL ANALYZE); the time spent composing the
  texts is counted apart and left out;
- `--queries` realistic queries (domain words, two-character words, two words together, rare
  names, phrases, words found nowhere), each `--repeat` times after one warm-up round:
  `search.search(q, materials=Material.objects.all(), limit=20)` (restriction subquery, count,
  ranking, snippets) and the ranked top-20 SQL alone, straight against the index;
- keyword suggestion for a material (`suggest_keywords` with the index's document frequency);
- the library page `/library/?q=…` as the demo committee officer, if the page answers
  searches: in-process first (median, SQL statements, the slowest of them), then through the
  real server (`dangjian serve`, granian; 1 worker on SQLite, 2 on PostgreSQL) from
  `--concurrency` keep-alive connections (1: the latency of one user) (see `measure_page`), as each
  of `--users` (an officer who manages the whole college sees everything and needs no restriction;
  a member's view is restricted to their organisations and audience);
  `--no-server` skips it.
"""

import json
import os
import random
import sys
import time
import urllib.parse
from collections.abc import Iterator

import common
from generate import generate
from member_list import Server, free_port, login

TEMPLATES = [
    "{org}认真学习贯彻{w}，把{w2}作为当前的一项重要政治任务。",
    "按照上级党委统一部署，{org}于{m}月{d}日召开{w}专题会议，传达学习{w2}。",
    "会议指出，要深刻领会{w}的核心要义，切实增强{w2}的思想自觉和行动自觉。",
    "支部书记围绕{w}为全体党员讲授专题党课，结合{w2}谈了自己的体会。",
    "全体党员集中观看了党员教育专题片，重温入党誓词，开展{w}主题党日活动。",
    "{org}严格落实三会一课制度，定期召开支部党员大会、支委会和党小组会。",
    "大家一致认为，{w}是推进{w2}的重要抓手，必须常抓不懈、久久为功。",
    "要把{w}同教学科研工作紧密结合起来，做到两手抓、两不误、两促进。",
    "与会党员结合自身实际开展批评与自我批评，查摆在{w}方面存在的问题。",
    "学院党委书记在讲话中强调，要以{w}为统领，全面加强{w2}。",
    "本次组织生活会主题鲜明、准备充分，达到了{w}的预期目的。",
    "{org}组织党员赴{place}开展参观考察，接受{w}。",
    "学生党员代表作了交流发言，分享了学习{w}的心得体会。",
    "下一步，{org}将持续深化{w}，推动{w2}走深走实。",
    "要坚持把政治建设摆在首位，教育引导党员牢固树立{w}，坚定{w2}。",
    "党员们纷纷表示，要以先进典型为榜样，立足岗位作贡献，在{w}中发挥先锋模范作用。",
    "会上通报了{m}月份党费收缴情况和发展党员工作进展，研究确定了{n}名入党积极分子为发展对象。",
    "支部对照{w}的要求，逐条梳理问题清单，明确整改措施、责任人和完成时限。",
    "教工党支部与学生党支部开展联学共建活动，共同学习{w}。",
    "要切实履行全面从严治党主体责任，持之以恒正风肃纪，驰而不息纠治四风。",
    "全体党员要自觉遵守中央八项规定精神，严守政治纪律和政治规矩。",
    "本学期学习教育计划包括{n}次集中学习、{n2}次专题研讨和一次专题报告会。",
    "{org}邀请校内专家作题为《{w}的理论逻辑与实践要求》的专题报告。",
    "通过学习，党员们进一步加深了对{w}的理解，增强了做好{w2}的责任感和使命感。",
    "各党支部要结合实际，创新学习形式，用好学习强国等平台，提升{w}的吸引力和感染力。",
    "在谈心谈话中，支部书记认真听取党员对{w}工作的意见建议，及时回应合理诉求。",
    "要关心关爱离退休党员和流动党员，确保每一名党员都能经常听到组织的声音。",
    "坚持以学促干，把学习成效转化为推动学院高质量发展的实际行动。",
    "会议审议通过了{org}{y}年度{w}工作要点。",
    "民主评议党员工作按照个人自评、党员互评、民主测评、组织评定的程序进行。",
    "{org}坚持立德树人根本任务，推进课程思政建设，把{w}融入人才培养全过程。",
    "要认真开展{w}，引导党员干部学纪、知纪、明纪、守纪。",
    "党小组长要发挥桥梁纽带作用，及时了解党员思想动态。",
    "青年教师要坚定理想信念，做有理想信念、有道德情操、有扎实学识、有仁爱之心的好老师。",
    "我们要始终牢记习近平总书记的嘱托，以实际行动践行{w}。",
    "为进一步规范党内政治生活，{org}修订完善了{w}相关制度。",
    "此次主题党日活动形式新颖、内容丰富，大家表示收获很大。",
    "对标争先建设工作中，{org}被确定为样板支部培育创建单位。",
    "会议还对下一阶段{w}工作作了具体安排部署。",
    "在{y}年的工作中，{org}共开展集中学习{n}次，组织党员参加志愿服务{n2}次。",
]
ORGS = [
    "哲学系教工党支部",
    "社会学系教工党支部",
    "本科生第一党支部",
    "研究生第二党支部",
    "行政党支部",
    "离退休党支部",
    "学院党委",
    "心理学系教工党支部",
    "博士生党支部",
    "机关第三党支部",
]
PLACES = [
    "延安革命纪念馆",
    "井冈山革命博物馆",
    "西柏坡纪念馆",
    "中共一大纪念馆",
    "古田会议会址",
    "遵义会议纪念馆",
    "红旗渠纪念馆",
    "焦裕禄纪念园",
    "雨花台烈士陵园",
    "香山革命纪念地",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "志强建国秀英明华丽娟海燕军红梅文静晓东桂兰振华玉兰春生立新红霞国庆德明少华晓燕卫东"
RARE_TEMPLATES = [
    "{person}同志在{place}作了题为《{w}与{w2}》的交流发言。",
    "{place}之行让{person}深受触动，他在心得体会中写下了对{w}的认识。",
]
PHRASES = [
    "如何开展主题党日活动",
    "党纪学习教育心得体会",
    "学习贯彻党的二十大精神",
    "三会一课制度落实情况",
    "组织生活会批评与自我批评",
    "民主评议党员程序",
    "发展对象培养考察",
    "中央八项规定精神",
    "课程思政建设",
    "离退休党员关心关爱",
]
NOWHERE = ["量子计算", "区块链技术", "足球比赛", "天气预报", "股票行情"]
TWO_CHARACTER = ["党日", "党课", "党费", "党性", "党章", "支委", "初心", "思政", "党建", "党史"]


def sentence_pool(rng: random.Random, words: list[str], size: int = 800) -> list[str]:
    """`size` sentences from the templates, their blanks filled from the word lists."""

    def fill(template: str) -> str:
        return template.format(
            w=rng.choice(words),
            w2=rng.choice(words),
            org=rng.choice(ORGS),
            place=rng.choice(PLACES),
            m=rng.randint(1, 12),
            d=rng.randint(1, 28),
            n=rng.randint(2, 12),
            n2=rng.randint(1, 6),
            y=rng.randint(2019, 2025),
        )

    return [fill(TEMPLATES[i % len(TEMPLATES)]) for i in range(size)]


class Corpus:
    """Deterministic texts: the same seed gives the same materials, in any order of asking."""

    def __init__(self, seed: int, chars: int):
        from dangjian.library.search import segment

        self.seed = seed
        self.chars = chars
        self.words = sorted(segment.domain_words())
        rng = random.Random(seed)
        self.pool = sentence_pool(rng, self.words)
        self.persons = [s + g for s in SURNAMES for g in (GIVEN[i : i + 2] for i in range(0, len(GIVEN), 2))]
        self.composing = 0.0  # seconds spent making texts

    def material(self, n: int) -> tuple[str, list[str], str]:
        """(title, keywords, text) of the n-th material."""
        started = time.perf_counter()
        rng = random.Random(self.seed * 1_000_003 + n)
        w, w2 = rng.choice(self.words), rng.choice(self.words)
        title = rng.choice([f"{w}学习材料", f"关于开展{w}的通知", f"{rng.choice(ORGS)}{w}工作总结", f"{w}专题辅导报告"])
        rare = rng.choice(RARE_TEMPLATES).format(person=rng.choice(self.persons), place=rng.choice(PLACES), w=w, w2=w2)
        average = sum(len(s) for s in self.pool[:50]) // 50
        sentences = rng.choices(self.pool, k=max(1, self.chars // average))
        sentences.insert(rng.randrange(len(sentences) + 1), rare)
        text = "".join(sentences)
        self.composing += time.perf_counter() - started
        return title, [w, w2], text

    def queries(self, count: int) -> list[tuple[str, str]]:
        """`count` (kind, query) pairs in a fixed mix of kinds."""
        rng = random.Random(self.seed + 7)
        kinds = [
            ("domain word", lambda: rng.choice(self.words)),
            ("two characters", lambda: rng.choice(TWO_CHARACTER)),
            ("two words", lambda: f"{rng.choice(self.words)} {rng.choice(self.words)}"),
            ("rare name", lambda: rng.choice(self.persons)),
            ("phrase", lambda: rng.choice(PHRASES)),
            ("nowhere", lambda: rng.choice(NOWHERE)),
        ]
        shares = [30, 15, 25, 15, 10, 5]
        plan = [kind for kind, share in zip(kinds, shares, strict=True) for _ in range(share)]
        return [(plan[i % len(plan)][0], plan[i % len(plan)][1]()) for i in range(count)]


def create_materials(count: int, corpus: Corpus) -> list[int]:
    """`count` published materials of the committee, with bulk inserts; returns their ids."""
    import datetime

    from dangjian.library.models import ContentArea, Material, MaterialStatus
    from dangjian.orgs.models import Organisation, OrgKind

    committee = Organisation.objects.filter(kind=OrgKind.COMMITTEE).order_by("pk").first()
    areas = ContentArea.values
    today = datetime.date(2025, 6, 30)
    rows = []
    for n in range(count):
        title, keywords, _text = corpus.material(n)
        rows.append(
            Material(
                org=committee,
                title=title,
                keywords=keywords,
                area=areas[n % len(areas)],
                kind="txt",
                status=MaterialStatus.PUBLISHED,
                published_on=today - datetime.timedelta(days=n % 2000),
            )
        )
    corpus.composing = 0.0
    made = Material.objects.bulk_create(rows, batch_size=1000)
    if made and made[0].pk is None:  # a database that does not return ids
        return list(Material.objects.order_by("pk").values_list("pk", flat=True))
    return [m.pk for m in made]


def database_bytes() -> int:
    """The size of the database (SQLite) or of the index table with its indexes (PostgreSQL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('library_search')")
            return cursor.fetchone()[0]
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA page_size")
        return pages * cursor.fetchone()[0]


def build_index(ids: list[int], corpus: Corpus) -> dict[str, float]:
    """Index every material in one transaction; seconds for the build and the optimisation."""
    from django.db import connection, transaction

    from dangjian.library import search
    from dangjian.library.search.backends import _backend

    def entries() -> Iterator[search.IndexEntry]:
        for n, pk in enumerate(ids):
            title, keywords, text = corpus.material(n)
            yield search.IndexEntry(pk, title, keywords, text)
            if n and n % 5000 == 0:
                print(f"  indexed {n:,}", file=sys.stderr)

    corpus.composing = 0.0
    started = time.perf_counter()
    with transaction.atomic():
        search.index_materials(entries())
    indexing = time.perf_counter() - started - corpus.composing
    started = time.perf_counter()
    with connection.cursor() as cursor:
        _backend(connection.alias).optimize(cursor)
    return {"index_s": indexing, "optimise_s": time.perf_counter() - started, "compose_s": corpus.composing}


def raw_top20(query: str) -> list[int]:
    """The ranked top 20 straight from the index, in the statement `search` uses but without
    the restriction to a queryset, the count and the snippets."""
    from django.db import connection

    from dangjian.library.search import search_words
    from dangjian.library.search.backends import postgresql, sqlite

    words = search_words(query)
    if not words:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with postgresql._IndexOnly(cursor):
                cursor.execute(
                    "WITH matches AS MATERIALIZED ("
                    "  SELECT s.material_id, s.title_document @@ q.query AS in_title"
                    "  FROM library_search s, plainto_tsquery('simple', %s) AS q(query) WHERE s.document @@ q.query"
                    "), candidates AS ("
                    "  SELECT material_id FROM matches ORDER BY in_title DESC, material_id DESC LIMIT %s"
                    ") "
                    "SELECT s.material_id FROM candidates c JOIN library_search s USING (material_id) "
                    "ORDER BY ts_rank_cd(s.document, plainto_tsquery('simple', %s), %s) DESC, s.material_id DESC "
                    "LIMIT 20",
                    [" ".join(words), postgresql.RANK_CANDIDATES, " ".join(words), postgresql.NORMALISATION],
                )
                return [row[0] for row in cursor.fetchall()]
        weights = ", ".join(str(w) for w in sqlite.WEIGHTS)
        cursor.execute(
            "SELECT rowid FROM library_search WHERE library_search MATCH %s "  # noqa: S608
            f"ORDER BY bm25(library_search, {weights}) LIMIT 20",
            [sqlite.match_expression(words)],
        )
        return [row[0] for row in cursor.fetchall()]


def latencies(run, queries: list[tuple[str, str]], repeat: int) -> dict[str, object]:
    """Time `run(query)` for every query, `repeat` times after one warm-up round."""
    for _kind, query in queries:
        run(query)
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    for _ in range(repeat):
        for kind, query in queries:
            started = time.perf_counter()
            run(query)
            elapsed = time.perf_counter() - started
            times.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
    return {
        "p50_ms": common.percentile(times, 50) * 1000,
        "p95_ms": common.percentile(times, 95) * 1000,
        "max_ms": max(times) * 1000,
        "by_kind_p50_ms": {k: round(common.percentile(v, 50) * 1000, 2) for k, v in by_kind.items()},
        "by_kind_p95_ms": {k: round(common.percentile(v, 95) * 1000, 2) for k, v in by_kind.items()},
    }


def keyword_latency(corpus: Corpus, samples: int = 20) -> dict[str, float]:
    """Suggesting the keywords of a material: segmenting, document frequencies, TF-IDF."""
    from dangjian.library import search

    times = []
    documents = search.document_count()
    for n in range(samples):
        _title, _keywords, text = corpus.material(n)
        started = time.perf_counter()
        search.suggest_keywords(text, document_frequency=search.document_frequency, documents=documents)
        times.append(time.perf_counter() - started)
    return {"p50_ms": common.percentile(times, 50) * 1000, "p95_ms": common.percentile(times, 95) * 1000}


def page_answers_searches() -> bool:
    """Whether the library page exists and searches (in-process, as the demo committee officer)."""
    from django.test import Client

    from dangjian.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(User.objects.get(username="demo-committee"), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/library/?q=" + urllib.parse.quote("党课"))
    return response.status_code == 200 and b"<mark>" in response.content


def page_profile(queries: list[tuple[str, str]]) -> dict[str, object]:
    """The page in-process, as the demo committee officer: median ms, SQL statements, and the
    slowest statements summed over the queries (what the page spends beside the search)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangjian.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="demo-committee"), backend="django.contrib.auth.backends.ModelBackend")
    times, statements = [], 0
    by_statement: dict[str, float] = {}
    for _kind, query in queries:
        url = "/library/?q=" + urllib.parse.quote(query)
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - started)
        statements = max(statements, len(captured.captured_queries))
        for q in captured.captured_queries:
            key = q["sql"][:90]
            by_statement[key] = by_statement.get(key, 0.0) + float(q["time"])
    slowest = sorted(by_statement.items(), key=lambda item: -item[1])[:4]
    return {
        "p50_ms": common.percentile(times, 50) * 1000,
        "p95_ms": common.percentile(times, 95) * 1000,
        "sql_statements": statements,
        "slowest_sql_mean_ms": {sql: round(total / len(queries) * 1000, 1) for sql, total in slowest},
    }


# What the search box sends as the user types: HTMX asks for the results region only.
RESULTS_ONLY = {"HX-Request": "true", "HX-Target": "library-results"}


def measure_page(
    port: int, cookie: str, queries: list[tuple[str, str]], concurrency: int, headers: dict | None = None
) -> dict[str, float]:
    """GET /library/?q=<query> for every query through the real server, from `concurrency`
    keep-alive connections; an answer other than HTTP 200 is a failure."""
    from check_in_storm import fire

    requests = [(f"/library/?q={urllib.parse.quote(query)}", cookie) for _kind, query in queries]
    fire(port, requests, concurrency, b"", headers=headers)  # warm-up
    return fire(port, requests, concurrency, b"", headers=headers)


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--materials", type=int, default=50_000)
    p.add_argument("--chars", type=int, default=2000, help="characters per material, about")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--repeat", type=int, default=3, help="measured rounds over the queries")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-server", action="store_true", help="skip the page through the real server")
    p.add_argument("--concurrency", type=int, default=1, help="client connections for the page")
    p.add_argument("--workers", type=int, default=None, help="granian workers (default: 1 on SQLite, 2 on PostgreSQL)")
    p.add_argument(
        "--users",
        default="demo-committee,demo-member",
        help="demo accounts the page is measured as, comma-separated: an officer over the college, a member",
    )
    args = p.parse_args()
    folder = common.prepare("library-search", args.db)
    server = None
    results: dict[str, object] = {}
    try:
        info = common.machine()
        common.migrate()
        generate(committees=1, branches=4, members=100, seed=args.seed)
        from dangjian.library import search
        from dangjian.library.models import Material

        corpus = Corpus(args.seed, args.chars)
        started = time.perf_counter()
        ids = create_materials(args.materials, corpus)
        results["materials_insert_s"] = time.perf_counter() - started
        print(f"{len(ids):,} materials in {results['materials_insert_s']:.1f} s", file=sys.stderr)
        before = database_bytes() if args.db == "sqlite" else 0
        results["build"] = build_index(ids, corpus)
        build = results["build"]
        print(f"index built in {build['index_s']:.1f} s (+ {build['optimise_s']:.1f} s optimise)", file=sys.stderr)
        results["index_mb"] = round((database_bytes() - before) / 2**20, 1)
        sample = [corpus.material(n)[2] for n in range(min(200, len(ids)))]
        results["average_chars"] = round(sum(len(t) for t in sample) / len(sample))

        queries = corpus.queries(args.queries)
        everything = Material.objects.all()
        totals = {query: search.search(query, materials=everything).total for _k, query in queries}
        results["matching"] = {
            kind: round(sum(totals[q] for k, q in queries if k == kind) / sum(1 for k, _q in queries if k == kind))
            for kind in dict(queries)
        }
        results["search"] = latencies(lambda q: search.search(q, materials=everything, limit=20), queries, args.repeat)
        print(f"search(): {results['search']['p50_ms']:.1f} / {results['search']['p95_ms']:.1f} ms", file=sys.stderr)
        results["raw_sql"] = latencies(raw_top20, queries, args.repeat)
        print(f"raw SQL: {results['raw_sql']['p50_ms']:.1f} / {results['raw_sql']['p95_ms']:.1f} ms", file=sys.stderr)
        results["keywords"] = keyword_latency(corpus)

        if not args.no_server:
            if page_answers_searches():
                results["page_in_process"] = page_profile(queries[:20])
                from django.db import connections

                connections.close_all()
                workers = args.workers or (1 if args.db == "sqlite" else 2)
                server = Server(free_port(), workers)
                server.wait()
                results["by_user"] = {}
                for username in args.users.split(","):
                    cookie = login(server.port, username)
                    page = measure_page(server.port, cookie, queries, args.concurrency)
                    typing = measure_page(server.port, cookie, queries, args.concurrency, RESULTS_ONLY)
                    results["by_user"][username] = {"page": page, "typing": typing}
                    print(
                        f"{username}: page {page['p50_ms']:.0f} / {page['p95_ms']:.0f} ms, "
                        f"as you type {typing['p50_ms']:.0f} / {typing['p95_ms']:.0f} ms",
                        file=sys.stderr,
                    )
                first = results["by_user"][args.users.split(",")[0]]
                results["page"], results["typing"] = first["page"], first["typing"]
            else:
                print("the library page does not search yet: page not measured", file=sys.stderr)
    finally:
        if server:
            server.stop()
        common.cleanup(folder, args.db, args.keep)

    info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = {"machine": info, "settings": vars(args), "results": results}
    (common.OUT / f"library_search-{args.db}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    common.print_machine(info)
    build = results["build"]
    print(f"{len(ids):,} materials of ~{results['average_chars']:,} characters on {info['database']}\n")
    print("| step | value |")
    print("|---|--:|")
    print(f"| index build (segmenting + writing) | {build['index_s']:.1f} s |")
    print(f"| index optimise | {build['optimise_s']:.1f} s |")
    print(f"| materials/s | {len(ids) / build['index_s']:,.0f} |")
    print(f"| index size | {results['index_mb']:,} MiB |")
    print(
        f"| keywords of one material p50 / p95 | {results['keywords']['p50_ms']:.0f} / {results['keywords']['p95_ms']:.0f} ms |"
    )
    print("\n| ranked top 20 | p50 ms | p95 ms | max ms |")
    print("|---|--:|--:|--:|")
    for name, key in [("search() (restricted, counted, snippets)", "search"), ("raw SQL alone", "raw_sql")]:
        r = results[key]
        print(f"| {name} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.0f} |")
    if "page" in results:
        r = results["page_in_process"]
        print(
            f"| /library/?q= in-process ({r['sql_statements']} SQL statements) | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | |"
        )
        raw = results["raw_sql"]
        for username, measured in results["by_user"].items():
            for label, key in [("whole page", "page"), ("results as you type (HTMX)", "typing")]:
                r = measured[key]
                print(
                    f"| /library/?q= through the server as {username}, {label} "
                    f"| {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.0f} |"
                )
        print()
        for username, measured in results["by_user"].items():
            r = measured["typing"]
            print(
                f"Product overhead as {username} (results as you type / raw SQL): "
                f"p50 {r['p50_ms'] / raw['p50_ms']:.1f}×, p95 {r['p95_ms'] / raw['p95_ms']:.1f}×"
            )
    print("\n| query kind | materials matching (mean) | search() p50 ms | p95 ms | raw SQL p50 ms | p95 ms |")
    print("|---|--:|--:|--:|--:|--:|")
    for kind, matching in results["matching"].items():
        s, r = results["search"], results["raw_sql"]
        print(
            f"| {kind} | {matching:,} | {s['by_kind_p50_ms'][kind]} | {s['by_kind_p95_ms'][kind]} "
            f"| {r['by_kind_p50_ms'][kind]} | {r['by_kind_p95_ms'][kind]} |"
        )

    if "page_in_process" in results:
        print("\nThe page's slowest SQL statements (mean ms per page):\n")
        for sql, ms in results["page_in_process"]["slowest_sql_mean_ms"].items():
            print(f"- {ms} ms: `{sql}…`")


if __name__ == "__main__":
    main()
