"""Matching at scale: one demand against 100,000 achievements, and indexing them.

    .venv/bin/python bench/techtransfer_match.py [--documents 100000] [--queries 200] [--workers 2]

The engine alone (core.matching), as the app uses it: achievements of realistic Chinese and
English texts (the demo's technology subjects, recombined with qualifiers, applications and
sentences of other subjects so that no two are alike), indexed once, then demands of one or two
sentences ranked against all of them with the reasons of the ten shown. Prints the indexing
time and the latency p50/p95 of a search. Targets: indexing under 2 minutes, p95 under 100 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from multiprocessing import Pool
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")

import django

django.setup()

from parkos.core.matching import MatchIndex  # noqa: E402
from parkos.core.matching.text import Analyzer  # noqa: E402
from parkos.demo.techtransfer import PAINS, TOPICS  # noqa: E402

QUALIFIERS = [
    "低成本",
    "高精度",
    "高可靠",
    "智能化",
    "模块化",
    "绿色",
    "国产化",
    "柔性",
    "小型化",
    "在线",
]
APPLICATIONS = [
    "汽车零部件",
    "锂电池",
    "光伏",
    "半导体封装",
    "食品包装",
    "医疗器械",
    "化工园区",
    "市政污水",
    "数据中心",
    "智慧园区",
    "轨道交通",
    "纺织印染",
]


def achievement_text(rng: random.Random) -> str:
    _field, subject, what, english = rng.choice(TOPICS)
    _f, other_subject, other_what, _e = rng.choice(TOPICS)
    text = (
        f"{rng.choice(QUALIFIERS)}{subject}技术在{rng.choice(APPLICATIONS)}领域的应用。{what}。"
        f"可结合{other_subject}，{other_what.split('，')[0]}。"
    )
    if english and rng.random() < 0.2:
        text += f" {english} for {rng.choice(['automotive', 'battery', 'solar', 'medical'])} use."
    return text


def demand_text(rng: random.Random) -> str:
    _field, subject, _what, english = rng.choice(TOPICS)
    pain, pain_en = rng.choice(PAINS)
    if english and rng.random() < 0.2:
        return f"Looking for {english} to solve {pain_en}."
    return f"希望引进{subject}，用于{rng.choice(APPLICATIONS)}，现有方案{pain}，预算{rng.randint(20, 300)}万"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="processes that analyse texts")
    options = parser.parse_args()
    rng = random.Random(7)
    texts = [achievement_text(rng) for _ in range(options.documents)]
    queries = [demand_text(rng) for _ in range(options.queries)]
    analyzer = Analyzer()
    analyzer.words("预热")  # jieba's dictionary, loaded once per process

    started = time.perf_counter()
    cpu_started = sum(os.times()[:4])
    if options.workers > 1:
        with Pool(options.workers) as pool:
            analysed = pool.map(analyzer.terms, texts, chunksize=500)
    else:
        analysed = [analyzer.terms(t) for t in texts]
    analysed_at = time.perf_counter()
    index = MatchIndex(texts, analysed=analysed)
    built = time.perf_counter()
    cpu = sum(os.times()[:4]) - cpu_started
    print(
        f"indexed {len(texts):,} achievements in {built - started:.1f} s, {cpu:.1f} s of CPU "
        f"(analysis {analysed_at - started:.1f} s with {options.workers} processes, "
        f"fields and latent space {built - analysed_at:.1f} s)"
    )

    for query in queries[:5]:
        index.search(query, limit=10)
    timings, cpu_ms = [], []
    for query in queries:
        t0 = time.perf_counter()
        c0 = time.process_time()
        hits = index.search(query, limit=10)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu_ms.append((time.process_time() - c0) * 1000)
        assert hits
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"search with reasons, {len(queries)} demands: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms (target p95 < 100 ms); CPU per search "
        f"p50 {statistics.median(cpu_ms):.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
