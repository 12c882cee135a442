"""``python -m benchmarks``: run every benchmark and write RESULTS.md, results.json and chart.svg.

``--quick`` runs tiny sizes and few rounds, to check that every benchmark runs (the test suite
uses it); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

FULL = {
    "calls": {"rounds": 21, "repeat": 20},
    "pagination": {"sizes": (1_000, 5_000, 20_000), "rounds": 5},
    "rendering": {"rounds": 21, "repeat": 20},
    "admin_rest": {"sizes": (10, 1_000), "rounds": 11},
    "refresh": {"accounts": 1_000, "rounds": 3, "latency_accounts": 100, "latency": 0.02,
                "worker_counts": (1, 2, 4, 8, 16)},
    "parsing": {"sizes": (1_000, 10_000), "rounds": 7},
}

BENCHMARKS = ("calls", "pagination", "rendering", "admin_rest", "refresh", "parsing")

QUICK = {
    "calls": {"rounds": 3, "repeat": 2},
    "pagination": {"sizes": (100, 300), "rounds": 2},
    "rendering": {"rounds": 3, "repeat": 2},
    "admin_rest": {"sizes": (2, 5), "rounds": 2},
    "refresh": {"accounts": 5, "rounds": 1, "latency_accounts": 4, "latency": 0.005, "worker_counts": (1, 2)},
    "parsing": {"sizes": (100, 500), "rounds": 2},
}


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Run tiny sizes and few rounds (a smoke test).")
    parser.add_argument(
        "--output", type=Path, default=PROJECT_ROOT / "benchmarks",
        help="Directory to write RESULTS.md, results.json and chart.svg to (default: benchmarks/).",
    )
    parser.add_argument(
        "--only", action="append", choices=BENCHMARKS, metavar="NAME",
        help=f"Run only this benchmark (repeatable): {', '.join(BENCHMARKS)}. The report then lists only these.",
    )
    return parser.parse_args(argv)


def setup_django(database: Path) -> str | None:
    """Configure Django and create the benchmark database.

    Returns the name of the configured PostgreSQL database, whose test copy the run uses and
    ``teardown_django`` drops, or ``None`` for the temporary SQLite file.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["BENCHMARKS_DB"] = str(database)
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0, interactive=False)
        return None
    # Like the test runner: create and migrate "test_<NAME>", so no existing data is touched.
    configured_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return configured_name


def teardown_django(configured_name: str | None) -> None:
    if configured_name is None:
        return
    from django.db import connection

    connection.creation.destroy_test_db(configured_name, verbosity=0)


def run_all(sizes: dict, only: list[str] | None = None) -> tuple[dict[str, str], list]:
    from . import admin_rest, calls, pagination, parsing, refresh, rendering, report
    from .server import ServerProcess

    machine_info = report.machine()
    results = []
    with ServerProcess() as server:
        for name, module, needs_server in (
            ("calls", calls, True), ("pagination", pagination, True), ("rendering", rendering, True),
            ("admin_rest", admin_rest, False), ("refresh", refresh, True), ("parsing", parsing, False),
        ):
            if only and name not in only:
                continue
            print(f"Running {name}...", flush=True)
            arguments_of_run = sizes[name]
            result = module.run(server, **arguments_of_run) if needs_server else module.run(**arguments_of_run)
            results.append(result)
    return machine_info, results


def main(argv: list[str]) -> int:
    arguments = parse_arguments(argv)
    sizes = QUICK if arguments.quick else FULL
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="django-instagram-bench-") as directory:
        configured_name = setup_django(Path(directory) / "benchmarks.sqlite3")
        try:
            machine_info, results = run_all(sizes, arguments.only)
        finally:
            teardown_django(configured_name)
        from . import report

        report.write(results, arguments.output, quick=arguments.quick, machine_info=machine_info,
                     seconds=time.perf_counter() - started)
    print(f"Wrote {arguments.output / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
