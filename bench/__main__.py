"""`make bench`: run every benchmark in bench/, each in its own process, and print its figures.

    python -m bench                      # everything, full sizes (a quiet machine: ~30 min)
    python -m bench --quick              # small sizes, short runs (a few minutes)
    python -m bench --only load_submissions check_step
    python -m bench --list

Sizes and durations are each benchmark's own `KABINET_BENCH_*` variables (see
docs/performance.md); `--set NAME=VALUE` passes one on. The collected figures are written
to `bench/results/bench-<time>.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import OUT_ENV, QUICK_ENV, RESULTS_DIR, format_figure, machine

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Run first, in this order; any other module in bench/ runs after them.
ORDER = ["import_billing", "account_page", "load_submissions", "check_step"]
# Helpers, not benchmarks.
NOT_BENCHMARKS = {
    "__init__",
    "__main__",
    "load_support",
    "profile_submission",
    "profile_check_step",
}


def discover() -> list[str]:
    present = sorted(
        path.stem
        for path in BENCH_DIR.glob("*.py")
        if path.stem not in NOT_BENCHMARKS and not path.stem.startswith("_")
    )
    return [name for name in ORDER if name in present] + [n for n in present if n not in ORDER]


def run_child(name: str) -> None:
    """Run one benchmark module in this process (the runner starts one process per module)."""
    module_name = f"bench.{name}"
    source = (BENCH_DIR / f"{name}.py").read_text()
    # The module sees a command line of its own, without the runner's arguments.
    sys.argv = [str(BENCH_DIR / f"{name}.py")]
    if '__name__ == "__main__"' in source or "__name__ == '__main__'" in source:
        runpy.run_module(module_name, run_name="__main__", alter_sys=True)
        return
    module = __import__(module_name, fromlist=["*"])
    entry = getattr(module, "main", None) or getattr(module, "run", None)
    if entry is None:
        print(f"bench/{name}.py has neither a __main__ block nor main()/run(); nothing to run")
        return
    parameters = inspect.signature(entry).parameters
    if "quick" in parameters:
        entry(quick=os.environ.get(QUICK_ENV) == "1")
    else:
        entry()


def run_one(name: str, *, env: dict[str, str], timeout: float) -> tuple[int, float, list[dict]]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out_path = Path(handle.name)
    child_env = {**env, OUT_ENV: str(out_path)}
    started = time.monotonic()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bench", "--child", name],
            cwd=ROOT,
            env=child_env,
            timeout=timeout,
            check=False,
        )
        returncode = completed.returncode
    except subprocess.TimeoutExpired:
        print(f"bench/{name}.py ran past {timeout:.0f} s and was stopped")
        returncode = -1
    elapsed = time.monotonic() - started
    text = out_path.read_text() if out_path.exists() else ""
    out_path.unlink(missing_ok=True)
    figures = json.loads(text) if text.strip() else []
    return returncode, elapsed, figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, short runs")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--skip", nargs="+", metavar="NAME", default=[], help="leave these out")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the benchmarks, e.g. KABINET_BENCH_DURATION=30",
    )
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds one benchmark may take"
    )
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        run_child(args.child)
        return 0

    names = discover()
    if args.list:
        print("\n".join(names))
        return 0
    if args.only:
        unknown = [name for name in args.only if name not in names]
        if unknown:
            parser.error(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(names)})")
        names = [name for name in names if name in args.only]
    names = [name for name in names if name not in args.skip]

    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(ROOT))
    env[QUICK_ENV] = "1" if args.quick else env.get(QUICK_ENV, "0")
    for item in args.set:
        key, _, value = item.partition("=")
        env[key] = value

    started_at = dt.datetime.now(dt.UTC)
    report: dict = {"started_at": started_at.isoformat(), "machine": machine(), "runs": []}
    all_figures: list[dict] = []
    failed: list[str] = []
    for name in names:
        print(f"\n=== bench/{name}.py", flush=True)
        returncode, elapsed, figures = run_one(name, env=env, timeout=args.timeout)
        if returncode != 0:
            failed.append(name)
        report["runs"].append(
            {"benchmark": name, "returncode": returncode, "seconds": round(elapsed, 1)}
        )
        all_figures.extend(figures)

    report["figures"] = all_figures
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"bench-{started_at.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))

    print("\n=== every figure, with its floor and the ratio to it")
    for figure in all_figures:
        print(format_figure(figure))
    for run in report["runs"]:
        status = "ok" if run["returncode"] == 0 else f"FAILED (exit {run['returncode']})"
        print(f"bench/{run['benchmark']}.py: {status} in {run['seconds']} s")
    print(f"results: {out.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
