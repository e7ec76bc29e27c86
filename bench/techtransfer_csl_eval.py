"""The matching engine measured on real Chinese text: CSL titles ranked against abstracts.

    .venv/bin/python bench/techtransfer_csl_eval.py [--split test] [--runs 3] [--data ../shared/data/csl]

Builds the evaluation file the issue describes: ts/<split>.tsv (abstract → title) joined with
cls_dcp/<split>.tsv (abstract → discipline, 67 classes) on the abstract, 1,000 rows of title (a
short statement, as a demand is), abstract (a long description, as an achievement is) and
discipline; then runs `parkos match-eval` on it. Tune on `--split dev` only. Prints the figures
and the median wall time of the runs. Targets: precision@10 ≥ 0.28, under 30 s.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_file(data: Path, split: str, out: Path) -> int:
    titles = {}
    for line in (data / "ts" / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            titles[parts[1]] = parts[2]
    rows = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "abstract", "discipline"])
        for line in (data / "cls_dcp" / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1] in titles:
                writer.writerow([titles[parts[1]], parts[1], parts[2]])
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "csl")
    parser.add_argument("--encoder", help="a local sentence-encoder folder to blend in")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"csl-{options.split}.csv"
        rows = build_file(options.data, options.split, path)
        print(f"{path.name}: {rows} rows")
        command = [
            str(ROOT / ".venv" / "bin" / "parkos"),
            "match-eval",
            str(path),
            "--query-column",
            "title",
            "--doc-column",
            "abstract",
            "--label-column",
            "discipline",
        ]
        if options.encoder:
            command += ["--encoder", options.encoder]
        walls, inner, report = [], [], {}
        for _run in range(options.runs):
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            walls.append(time.perf_counter() - started)
            if done.returncode:
                sys.exit(done.stderr)
            report = json.loads(done.stdout.strip().splitlines()[-1])
            inner.append(report["seconds"])
        print(
            json.dumps(
                {key: report[key] for key in ("precision_at_1", "precision_at_10", "mrr", "rows")}
            )
        )
        print(
            f"median of {options.runs}: {statistics.median(walls):.1f} s for the command, "
            f"{statistics.median(inner):.1f} s for indexing and ranking "
            f"(target precision@10 ≥ 0.28, under 30 s); load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
