#!/usr/bin/env python3
"""Report of the name-matching benchmark: recall per class at a 5% false-positive rate.

Takes the cases (from generate.py) and the results of one or more engines:

    python3 bench/names/report.py CASES.jsonl --engine NAME=RESULTS.jsonl[:SUMMARY.json] ... [--json FILE]

A results file has one line per case: {"id", "expected_score", "top_score"}
(other fields are ignored). A summary is one JSON object; the fields used are
queries_per_second, micros_per_query (or mean_micros), p50_micros, p99_micros,
build_seconds, peak_rss_mb and seconds, whichever are present.

For each engine every distinct score is a candidate threshold T. At T the
false-positive rate is the share of negatives whose top_score >= T, and the
recall of a class is the share of its positives whose expected_score >= T.
T* is the lowest threshold whose false-positive rate is at most 5%; the table
shows recall per class at each engine's own T*. Prints a markdown table, and
writes the same figures as JSON with --json.
"""

import argparse
import bisect
import json
import os
import sys

MAX_FPR = 0.05
SPEED_FIELDS = [  # (summary fields, first present wins; row label; format)
    (("queries_per_second",), "queries/s", "{:,.1f}"),
    (("micros_per_query", "mean_micros"), "µs/query (mean)", "{:,.1f}"),
    (("p50_micros",), "µs/query p50", "{:,.1f}"),
    (("p99_micros",), "µs/query p99", "{:,.1f}"),
    (("build_seconds",), "index build s", "{:,.2f}"),
    (("peak_rss_mb",), "peak RSS MB", "{:,.0f}"),
    (("seconds",), "scoring s", "{:,.1f}"),
]


def speed(summary, fields):
    return next((summary[f] for f in fields if summary.get(f) is not None), None)


def read_jsonl(path):
    if not os.path.isfile(path):
        sys.exit(f"error: file not found: {path}")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def parse_engine(spec):
    """NAME=RESULTS.jsonl[:SUMMARY.json] -> (name, results path, summary path or None)."""
    if "=" not in spec:
        sys.exit(f"error: --engine wants NAME=RESULTS.jsonl[:SUMMARY.json], got {spec!r}")
    name, paths = spec.split("=", 1)
    summary = None
    if ":" in paths:
        left, right = paths.rsplit(":", 1)
        if left and right.endswith(".json"):
            paths, summary = left, right
    return name, paths, summary


def load_engine(spec, cases):
    name, results_path, summary_path = parse_engine(spec)
    by_id = {r["id"]: r for r in read_jsonl(results_path)}
    missing = [c["id"] for c in cases if c["id"] not in by_id]
    if missing:
        print(f"warning: {name}: {len(missing)} cases have no result (scored 0), first {missing[0]}",
              file=sys.stderr)
    scores = {}
    for case in cases:
        r = by_id.get(case["id"], {})
        scores[case["id"]] = (float(r.get("expected_score") or 0.0), float(r.get("top_score") or 0.0))
    summary = {}
    if summary_path:
        if not os.path.isfile(summary_path):
            sys.exit(f"error: file not found: {summary_path}")
        with open(summary_path, encoding="utf-8") as handle:
            text = handle.read().strip()
        try:
            summary = json.loads(text) if text else {}
        except json.JSONDecodeError:  # log lines before a one-line JSON object
            summary = json.loads(text.splitlines()[-1])
    return name, scores, summary


def operating_point(cases, scores):
    """(T*, FPR at T*); T* is None when no threshold keeps the FPR at or under MAX_FPR."""
    negatives = sorted(scores[c["id"]][1] for c in cases if c["expected"] is None)
    candidates = sorted({s for c in cases for s in scores[c["id"]] if s > 0})
    if not negatives:
        return (candidates[0] if candidates else None), 0.0
    for threshold in candidates:
        fpr = (len(negatives) - bisect.bisect_left(negatives, threshold)) / len(negatives)
        if fpr <= MAX_FPR:
            return threshold, fpr
    return None, None


def evaluate(cases, scores):
    """Figures of one engine: T*, FPR, recall per positive class and over all positives."""
    threshold, fpr = operating_point(cases, scores)

    def hit(case):
        return threshold is not None and scores[case["id"]][0] >= threshold

    def flagged(case):
        return threshold is not None and scores[case["id"]][1] >= threshold

    classes, negatives = {}, {}
    for case in cases:
        target = classes if case["expected"] is not None else negatives
        target.setdefault(case["class"], []).append(case)
    recall = {cls: sum(map(hit, group)) / len(group) for cls, group in classes.items()}
    positives = [c for group in classes.values() for c in group]
    recall["all positives"] = sum(map(hit, positives)) / len(positives) if positives else 0.0
    fpr_by_class = {cls: sum(map(flagged, group)) / len(group) for cls, group in negatives.items()}
    return {"threshold": threshold, "fpr": fpr, "recall": recall, "fpr_by_class": fpr_by_class}


def throughput_ratio(engines):
    qps = {name: e["summary"].get("queries_per_second") for name, e in engines.items()}
    ours = next((v for n, v in qps.items() if n.startswith("interdict") and v), None)
    theirs = next((v for n, v in qps.items() if n.startswith("rapidfuzz") and v), None)
    return ours / theirs if ours and theirs else None


def percent(value):
    return "—" if value is None else f"{100 * value:.1f}%"


def markdown(cases, engines, ratio):
    names = list(engines)
    counts = {}
    for case in cases:
        counts[case["class"]] = counts.get(case["class"], 0) + 1
    positive_classes = [c for c in dict.fromkeys(c["class"] for c in cases if c["expected"] is not None)]
    negative_classes = [c for c in dict.fromkeys(c["class"] for c in cases if c["expected"] is None)]
    lines = ["| class | cases | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    for cls in positive_classes + ["all positives"]:
        n = counts.get(cls, sum(counts[c] for c in positive_classes))
        label = f"**{cls}**" if cls == "all positives" else cls
        lines.append(f"| {label} | {n} | " + " | ".join(percent(engines[e]["eval"]["recall"].get(cls))
                                                          for e in names) + " |")
    n_neg = sum(counts[c] for c in negative_classes)
    lines.append(f"| **FPR** (all negatives) | {n_neg} | " +
                 " | ".join(percent(engines[e]["eval"]["fpr"]) for e in names) + " |")
    for cls in negative_classes:
        lines.append(f"| FPR {cls} | {counts[cls]} | " +
                     " | ".join(percent(engines[e]["eval"]["fpr_by_class"].get(cls)) for e in names) + " |")
    lines.append("| **T\\*** | | " + " | ".join(
        "none" if engines[e]["eval"]["threshold"] is None else f"{engines[e]['eval']['threshold']:.4f}"
        for e in names) + " |")
    for fields, label, fmt in SPEED_FIELDS:
        values = [speed(engines[e]["summary"], fields) for e in names]
        if any(v is not None for v in values):
            lines.append(f"| {label} | | " + " | ".join("—" if v is None else fmt.format(v) for v in values) + " |")
    text = "\n".join(lines) + "\n"
    text += (f"\nRecall per class at each engine's T* = the lowest score threshold whose false-positive rate"
             f" on the negatives is at most {MAX_FPR:.0%}.\n")
    if ratio is not None:
        text += f"\nThroughput interdict / rapidfuzz: {ratio:,.1f}×\n"
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", help="cases JSON lines from generate.py")
    parser.add_argument("--engine", action="append", required=True, metavar="NAME=RESULTS.jsonl[:SUMMARY.json]")
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)

    cases = read_jsonl(args.cases)
    engines = {}
    for spec in args.engine:
        name, scores, summary = load_engine(spec, cases)
        engines[name] = {"summary": summary, "eval": evaluate(cases, scores)}
    ratio = throughput_ratio(engines)
    print(markdown(cases, engines, ratio), end="")
    if args.json:
        report = {
            "max_fpr": MAX_FPR,
            "cases": len(cases),
            "engines": {name: {**e["eval"], "summary": e["summary"]} for name, e in engines.items()},
            "throughput_ratio_interdict_over_rapidfuzz": ratio,
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2, ensure_ascii=False)
            out.write("\n")


if __name__ == "__main__":
    main()
