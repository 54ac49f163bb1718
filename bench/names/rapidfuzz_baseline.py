#!/usr/bin/env python3
"""Brute-force baseline for the name-matching benchmark: rapidfuzz WRatio against every name.

For each case, the query is scored against every screenable name of the list
(name, alias, weakAlias, previousName of Person, Organization, Company,
LegalEntity, Vessel, Airplane) with rapidfuzz.fuzz.WRatio after
rapidfuzz.utils.default_process. Scores are divided by 100.

Writes one line per case, in case order:
    {"id": ..., "expected_score": <best score over the expected entity's names, 0 for negatives>,
     "top_score": <best score over all names>}
and prints a JSON summary (engine, names, cases, seconds, queries_per_second,
micros_per_query) to stdout. `seconds` counts only the scoring, not loading.

    python3 bench/names/rapidfuzz_baseline.py --cases CASES.jsonl [--list PATH] [--out RESULTS.jsonl]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

DEFAULT_LIST = "../shared/data/lists/combined-2022-05-05.ftm.jsonl"
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
SCREENABLE = {"Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane"}
CHUNK = 256  # queries per cdist call: CHUNK x names float32 stays around 60 MB


def load_names(path):
    """(processed names, entity index per name, entity ids) of the screenable entities."""
    if not os.path.isfile(path):
        sys.exit(f"error: list file not found: {path}\n"
                 "  pass it with --list (the shared data lives in ../shared/data/lists/)")
    names, owners, ids = [], [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("schema") not in SCREENABLE:
                continue
            props = record.get("properties", {})
            seen = set()
            for prop in NAME_PROPS:
                for value in props.get(prop, []):
                    if value not in seen:
                        seen.add(value)
                        names.append(default_process(value))
                        owners.append(len(ids))
            ids.append(record["id"])
    return names, np.asarray(owners), ids


def load_cases(path):
    if not os.path.isfile(path):
        sys.exit(f"error: cases file not found: {path} (make it with bench/names/generate.py)")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score_cases(cases, names, owners, ids):
    """Per-case (expected_score, top_score), and the seconds spent scoring."""
    name_rows = {}  # entity id -> indices of its names
    for index, owner in enumerate(owners):
        name_rows.setdefault(ids[owner], []).append(index)
    results, seconds = [], 0.0
    for start in range(0, len(cases), CHUNK):
        chunk = cases[start:start + CHUNK]
        queries = [default_process(case["query"]) for case in chunk]
        began = time.perf_counter()
        scores = process.cdist(queries, names, scorer=fuzz.WRatio, processor=None,
                               dtype=np.float32, workers=-1)
        top = scores.max(axis=1)
        seconds += time.perf_counter() - began
        for row, case in enumerate(chunk):
            expected = 0.0
            if case.get("expected"):
                rows = name_rows.get(case["expected"])
                if rows is None:
                    print(f"warning: case {case['id']}: expected entity {case['expected']} not in the list",
                          file=sys.stderr)
                else:
                    expected = float(scores[row, rows].max())
            results.append((round(expected / 100, 4), round(float(top[row]) / 100, 4)))
        print(f"  scored {min(start + CHUNK, len(cases))}/{len(cases)} cases", file=sys.stderr, end="\r", flush=True)
    print(file=sys.stderr)
    return results, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", required=True, help="cases JSON lines from generate.py")
    parser.add_argument("--list", default=None, help=f"FtM JSON-lines list (default {DEFAULT_LIST})")
    parser.add_argument("--out", help="results JSON lines (default: not written)")
    args = parser.parse_args(argv)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    list_path = args.list or os.path.normpath(os.path.join(repo, DEFAULT_LIST))

    names, owners, ids = load_names(list_path)
    cases = load_cases(args.cases)
    results, seconds = score_cases(cases, names, owners, ids)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            for case, (expected, top) in zip(cases, results):
                out.write(json.dumps({"id": case["id"], "expected_score": expected, "top_score": top}) + "\n")
    summary = {
        "engine": "rapidfuzz-wratio",
        "names": len(names),
        "cases": len(cases),
        "seconds": round(seconds, 3),
        "queries_per_second": round(len(cases) / seconds, 2) if seconds else None,
        "micros_per_query": round(seconds * 1e6 / len(cases), 1) if cases else None,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
