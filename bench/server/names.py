#!/usr/bin/env python3
"""Request bodies for the server benchmark (scripts/bench-server.sh).

Writes COUNT bodies for POST /v1/screen/party, one JSON object per line:
{"names": ["..."], "as_of": "..."}. The names are a fixed-seed mix, so two
runs send the same requests:

- about half are names taken from the list as they are written there;
- a quarter are those names changed the way callers write them (lower
  case, words in another order, a letter dropped, a legal form added);
- a quarter are made-up names that should match nothing listed.

The list is a FollowTheMoney JSON lines file (`*.jsonl`, `*.json`), an OFAC
SDN directory or `sdn.csv` (plain or gzipped), or, when none is given, the
bundled OFAC SDN list in data/bundled/.

    names.py [--list PATH] [--count 400] [--as-of 2021-03-01] [--seed 7] OUT
"""

import argparse
import csv
import gzip
import io
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BUNDLED_SDN = os.path.join(HERE, "..", "..", "data", "bundled", "ofac-sdn-2021-07", "sdn.csv.gz")

FTM_PARTIES = {"Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane"}

FIRST = ["Maria", "James", "Wei", "Aisha", "Olga", "Carlos", "Fatima", "Hiroshi", "Emma", "Liam",
         "Sofia", "Mateo", "Anna", "Noah", "Priya", "Lucas", "Elena", "Omar", "Chloe", "Ivan"]
LAST = ["Johnson", "Garcia", "Chen", "Okafor", "Novak", "Schmidt", "Rossi", "Tanaka", "Silva",
        "Kowalski", "Dubois", "Haddad", "Larsen", "Moreau", "Petrov", "Nguyen", "Fischer", "Brennan"]
FIRMS = ["Northwind", "Bluewater", "Greenfield", "Silverline", "Harbor", "Summit", "Redwood",
         "Clearpoint", "Brightstar", "Oakridge", "Westgate", "Ironbridge", "Lakeside", "Pinecrest"]
TRADES = ["Trading", "Logistics", "Holdings", "Foods", "Textiles", "Software", "Shipping",
          "Consulting", "Energy", "Medical Supplies", "Machinery", "Imports"]
FORMS = ["Ltd", "LLC", "GmbH", "S.A.", "Inc.", "B.V.", "Co., Ltd.", "AG", "S.r.l."]


def ftm_names(path):
    names = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("schema") not in FTM_PARTIES:
                continue
            for n in (e.get("properties") or {}).get("name") or []:
                if isinstance(n, str) and n.strip():
                    names.append(n.strip())
                    break
    return names


def sdn_names(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="latin-1", newline="")
        return [row[1].strip() for row in csv.reader(text) if len(row) > 1 and row[1].strip()]


def list_names(path):
    if path is None:
        return sdn_names(BUNDLED_SDN)
    if os.path.isdir(path):
        for name in ("sdn.csv", "sdn.csv.gz"):
            if os.path.exists(os.path.join(path, name)):
                return sdn_names(os.path.join(path, name))
        sys.exit(f"names.py: {path}: a directory without sdn.csv")
    if path.endswith((".jsonl", ".json", ".ndjson")):
        return ftm_names(path)
    if os.path.basename(path).startswith("sdn.csv"):
        return sdn_names(path)
    print(f"names.py: {path}: not a format this helper reads; using the bundled names", file=sys.stderr)
    return sdn_names(BUNDLED_SDN)


def changed(name, rng):
    words = name.split()
    how = rng.randrange(5)
    if how == 0:
        return name.lower()
    if how == 1 and len(words) > 1:
        return " ".join(words[1:] + words[:1])
    if how == 2 and len(name) > 6:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1:]
    if how == 3:
        return f"{name} {rng.choice(FORMS)}"
    return name.upper()


def made_up(rng):
    if rng.random() < 0.5:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return f"{rng.choice(FIRMS)} {rng.choice(TRADES)} {rng.choice(FORMS)}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--list", default=None)
    p.add_argument("--count", type=int, default=400)
    p.add_argument("--as-of", default="2021-03-01")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("out")
    a = p.parse_args()
    rng = random.Random(a.seed)
    listed = sorted(set(list_names(a.list)))
    if not listed:
        sys.exit("names.py: no names found in the list")
    rng.shuffle(listed)
    bodies = []
    for i in range(a.count):
        kind = i % 4
        base = listed[i % len(listed)]
        if kind in (0, 1):
            name = base
        elif kind == 2:
            name = changed(base, rng)
        else:
            name = made_up(rng)
        bodies.append(json.dumps({"names": [name], "as_of": a.as_of}, ensure_ascii=False))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(bodies) + "\n")
    print(f"names.py: {len(bodies)} bodies from {len(listed)} listed names -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
