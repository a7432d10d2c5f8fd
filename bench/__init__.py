"""Kabinet's benchmarks: `make bench` (= `python -m bench`) runs every module in this folder.

How a benchmark module takes part (the runner, `bench/__main__.py`, runs each one in its own
process, so each may set up Django, servers and databases as it likes):

- It is a module `bench/NAME.py`, run as `python -m bench.NAME` (an
  `if __name__ == "__main__":` block), or else one that defines `main()` or `run()`, which
  the runner calls with no arguments.
- It reads its sizes from the environment: `KABINET_BENCH_QUICK=1` asks for a short run with
  small sizes (seconds, not minutes); other `KABINET_BENCH_*` variables are its own.
- It reports each figure with `bench.record(...)` below: the value, the floor it is compared
  with and the goal. The runner gathers every module's figures, prints them in one table
  with their floors and ratios and writes them to `bench/results/` as JSON.
  A module that only prints is still run; its output is shown as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# The runner names the file each module's figures go to; a module run on its own writes its
# own file under bench/results/.
OUT_ENV = "KABINET_BENCH_OUT"
QUICK_ENV = "KABINET_BENCH_QUICK"


@dataclass
class Figure:
    """One measured figure, with the floor it is judged against.

    `higher_is_better` says which way the ratio reads: for a throughput the ratio is
    value / floor, for a time it is floor / value, so that a ratio of 1 always means "as fast
    as the floor" and the goal is a minimum ratio.
    """

    benchmark: str
    name: str
    value: float
    unit: str
    floor: float | None = None
    floor_name: str = ""
    goal: float | None = None
    higher_is_better: bool = True
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or not self.floor or not self.value:
            return None
        return self.value / self.floor if self.higher_is_better else self.floor / self.value

    @property
    def verdict(self) -> str:
        if self.goal is None or self.ratio is None:
            return ""
        return "meets goal" if self.ratio >= self.goal else "BELOW GOAL"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ratio"] = self.ratio
        data["verdict"] = self.verdict
        return data


def quick() -> bool:
    """Whether this is a short run (`python -m bench --quick`)."""
    return os.environ.get(QUICK_ENV, "") not in ("", "0")


def machine() -> dict:
    """What the figures were measured on."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in load],
        "quick": quick(),
    }


def record(*figures: Figure) -> None:
    """Report figures to the runner (or, run alone, to a file of this benchmark's own)."""
    if not figures:
        return
    out = os.environ.get(OUT_ENV)
    if out:
        path = Path(out)
    else:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        path = RESULTS_DIR / f"{figures[0].benchmark}-{stamp}.json"
    existing = json.loads(path.read_text()) if path.exists() and path.stat().st_size else []
    existing.extend(figure.as_dict() for figure in figures)
    path.write_text(json.dumps(existing, indent=2, ensure_ascii=False))
    for figure in figures:
        print(format_figure(figure), flush=True)


def format_figure(figure: Figure | dict) -> str:
    """One line: the figure, its floor and the ratio to it."""
    data = figure.as_dict() if isinstance(figure, Figure) else figure
    line = f"{data['benchmark']:>14} | {data['name']:<44} {data['value']:>10.4g} {data['unit']:<7}"
    if data.get("floor"):
        line += f" | floor {data['floor']:>9.4g} ({data['floor_name']})"
    if data.get("ratio") is not None:
        line += f" | ratio {data['ratio']:.2f}"
    if data.get("goal") is not None:
        line += f" | goal >= {data['goal']:.2f}: {data['verdict']}"
    if data.get("note"):
        line += f" | {data['note']}"
    return line
