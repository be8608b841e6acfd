"""Generate a university-scale data set: 30 committees, 600 branches, 30,000 members by default.

    uv run python bench/generate.py [--db sqlite|postgres] [--committees N --branches N --members N] [--keep]

The plan comes from the demo generator (`dangjian.demo.generator`), the first college being the
demo college with its demo accounts (password dangjian-demo); the rows are written with bulk
inserts. Prints how long each step took.
"""

import json
import time

import common


def generate(*, committees: int, branches: int, members: int, seed: int = 1) -> dict[str, float]:
    """Plan and bulk-write the data set into the configured (migrated, empty) database."""
    from dangjian.demo import generator

    timings: dict[str, float] = {}
    started = time.perf_counter()
    plan = generator.build_plan(
        seed=seed, scale=generator.Scale(committees=committees, branches=branches, members=members)
    )
    timings["plan"] = time.perf_counter() - started
    for step, seconds in generator.write_bulk(plan).items():
        timings[f"write {step}"] = seconds
    timings["total"] = time.perf_counter() - started
    return timings


def main() -> None:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("--committees", type=int, default=30)
    p.add_argument("--branches", type=int, default=600)
    p.add_argument("--members", type=int, default=30_000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    folder = common.prepare("university", args.db)
    try:
        migrate = common.migrate()
        timings = generate(committees=args.committees, branches=args.branches, members=args.members, seed=args.seed)
        from dangjian.members.models import Member, Membership
        from dangjian.orgs.models import Organisation

        counts = {
            "organisations": Organisation.objects.count(),
            "branches": Organisation.objects.branches().count(),
            "members (current)": Member.objects.current().count(),
            "memberships": Membership.objects.count(),
        }
        common.print_machine(common.machine())
        print(json.dumps({"migrate": round(migrate, 2), **{k: round(v, 2) for k, v in timings.items()}, **counts}))
    finally:
        common.cleanup(folder, args.db, args.keep)


if __name__ == "__main__":
    main()
