"""EXPLAIN (ANALYZE, BUFFERS) of the slowest queries of each page measured by pages.py.

    python bench/pages.py --out /tmp/pages.json
    python bench/explain.py /tmp/pages.json [--size 100k] [--pages "procedure list|inbox"]

Reads the ``slowest`` queries that ``pages.py`` kept per page (with their literal parameters)
and prints the plan of the slowest one (``--top``) of each page, run on the data set of
``--size``. Read-only: SELECTs without FOR UPDATE; anything else is skipped.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results")
    parser.add_argument("--size", default="100k")
    parser.add_argument("--pages", default="", help="parts of page names, |-separated")
    parser.add_argument("--top", type=int, default=1)
    args = parser.parse_args()
    import psycopg

    from bench.scale_data import PREFIX, SERVER

    server = os.environ.get("OIK_BENCH_SERVER", SERVER)
    results = json.loads(Path(args.results).read_text())[args.size]
    wanted = [name.strip() for name in args.pages.split("|") if name.strip()]
    with psycopg.connect(f"{server}{PREFIX}{args.size}", autocommit=True) as conn:
        for row in results:
            if wanted and not any(part in row["page"] for part in wanted):
                continue
            for seconds, sql in row["slowest"][: args.top]:
                if not sql.lstrip().upper().startswith(("SELECT", "(SELECT")) or (
                    "FOR UPDATE" in sql.upper()
                ):
                    continue  # reads only: no writes, no row locks
                plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql).fetchall()
                print(f"### {row['page']} ({float(seconds) * 1000:.1f} ms in the page run)")
                print(sql[:300] + (" …" if len(sql) > 300 else ""))
                for (line,) in plan:
                    print(line)
                print()


if __name__ == "__main__":
    main()
