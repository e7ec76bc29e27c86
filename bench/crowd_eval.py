"""Full Auckland day-ahead evaluation: 21 sensors, cutoff 2025-01-01, country NZ,
horizon 24 (the whole of 2025 as test).

    python bench/crowd_eval.py [--region NZ-AUK] [--cutoff 2025-01-01] [--until YYYY-MM-DD]

Prints wall and CPU time (user + system, all threads) and load, the overall figures against
the same-hour-last-week baseline (the model's warnings under its calibrated rule, then under
the literal "forecast above the threshold" rule), and the per-sensor table, hardest sensors
first. Target: accuracy >= 0.87, warning F1 >= 0.80, under 5 minutes on 2 cores.

`--cutoff 2024-01-01 --until 2025-01-01` evaluates 2024 on the counts before 2025: the
validation year the engine's settings were chosen on, so that 2025 stays a test.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")

import django
import pandas as pd

django.setup()

from parkos.crowd.forecast.auckland import write_auckland_counts_csv  # noqa: E402
from parkos.crowd.forecast.evaluation import evaluate_day_ahead  # noqa: E402
from parkos.crowd.forecast.io import read_counts_csv  # noqa: E402

FIGURES = ("accuracy", "wape", "mase", "precision", "recall", "f1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="NZ")
    parser.add_argument("--cutoff", default="2025-01-01", type=dt.date.fromisoformat)
    parser.add_argument(
        "--until", type=dt.date.fromisoformat, help="leave out counts from this day on"
    )
    options = parser.parse_args()

    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "auckland.csv"
        write_auckland_counts_csv(path)
        counts = read_counts_csv(path)
    if options.until:
        counts = counts[counts["timestamp"] < pd.Timestamp(options.until)]
    prepared = time.perf_counter() - wall
    result = evaluate_day_ahead(counts, cutoff=options.cutoff, region=options.region)
    summary = result.summary
    print(
        f"export+read {prepared:.1f} s; total wall {time.perf_counter() - wall:.1f} s, "
        f"cpu {time.process_time() - cpu:.1f} s; refits {summary['refits']}; "
        f"models trained before the cutoff and on {summary['retrained_at'] or 'no later day'}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"warning ratios by period: {summary['warning_ratios']}")
    print(f"{'':<12}" + "".join(f"{name:>10}" for name in FIGURES))
    point_rule = {**summary, **summary["point_rule"]}
    for label, figures in (
        ("model", summary),
        ("model/point", point_rule),
        ("baseline", summary["baseline"]),
    ):
        print(f"{label:<12}" + "".join(f"{figures[name]:>10.4f}" for name in FIGURES))
    print(
        f"\n{'sensor (hardest first)':<36}{'model':<20}{'acc':>7}{'base':>7}{'mase':>7}"
        f"{'f1':>7}{'events':>7}"
    )
    sensors = sorted(summary["sensors"].items(), key=lambda item: item[1]["accuracy"])
    for sensor, figures in sensors:
        print(
            f"{sensor:<36}{summary['models'][sensor]:<20}{figures['accuracy']:>7.3f}"
            f"{summary['baseline']['sensors'][sensor]['accuracy']:>7.3f}"
            f"{figures['mase']:>7.3f}{figures['f1'] or 0:>7.3f}{figures['events']:>7}"
        )


if __name__ == "__main__":
    main()
