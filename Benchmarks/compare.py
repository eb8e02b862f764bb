#!/usr/bin/env python3
"""Side-by-side Markdown table of the headline figures of several result files.

    python3 Benchmarks/compare.py Benchmarks/results/run-A.json Benchmarks/results/run-B.json
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import summary_rows  # noqa: E402


def main(paths):
    runs = []
    for path in paths:
        with open(path) as f:
            out = json.load(f)
        label = f"{os.path.basename(path)} ({out['machine'].get('git_head', '?').split()[0]})"
        runs.append((label, {r[0]: r for r in summary_rows(out)}))
    order = []
    for _, rows in runs:
        for what in rows:
            if what not in order:
                order.append(what)
    print("| what | " + " | ".join(label for label, _ in runs) + " | target |")
    print("|---|" + "---|" * len(runs) + "---|")
    for what in order:
        cells, target = [], ""
        for _, rows in runs:
            r = rows.get(what)
            if r is None:
                cells.append("-")
                continue
            target = r[2] or target
            mark = {"yes": " ✓", "NO": " ✗"}.get(r[3], "")
            cells.append(f"{r[1]}{mark}")
        print(f"| {what.strip()} | " + " | ".join(cells) + f" | {target} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
