#!/usr/bin/env python3
"""Write a large synthetic list, made from the names of a real one, for the
name index's scale benchmark.

Each synthetic entity takes the shape of a real name of the same schema (its
number of tokens, where its particles and legal forms sit) and fills it with
tokens drawn from the real names, position by position and in the same
script, in proportion to how often they occur there. So common tokens stay common (Mohammed, Ali,
Trading) and rare ones rare, as the index's weights and posting lists see in
real lists, while the names themselves are new. About a third of the
entities get one or two aliases built the same way.

The output is FollowTheMoney JSON lines (ids `synthetic-N`, dataset
`synthetic`) and is a pure function of the input, --names and --seed.

    python3 bench/names/synthesize.py --list LIST --names 2000000 --out synthetic.ftm.jsonl

Only the standard library is needed.
"""

import argparse
import json
import random
import sys
import unicodedata
from collections import defaultdict

NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
SCHEMAS = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")


def position(i, n):
    """Where a token sits: first, last or inside (single tokens are first)."""
    if i == 0:
        return "first"
    if i == n - 1:
        return "last"
    return "inside"


def script(token):
    """The script of a token's first letter (LATIN, CYRILLIC, ARABIC, CJK...):
    a token is replaced only by one of the same script."""
    for ch in token:
        if ch.isalpha():
            return unicodedata.name(ch, "UNKNOWN").split()[0]
    return "NONE"


def read_templates(path):
    """Real names per schema, as token lists, and the tokens seen at each
    (schema, position), with repeats, so a uniform draw follows frequency."""
    templates = defaultdict(list)
    pools = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            schema = record.get("schema")
            if schema not in SCHEMAS:
                continue
            props = record.get("properties", {})
            for prop in NAME_PROPS:
                for value in props.get(prop, []):
                    if not isinstance(value, str):
                        continue
                    tokens = value.split()
                    if not tokens or len(tokens) > 12:
                        continue
                    templates[schema].append(tokens)
                    for i, t in enumerate(tokens):
                        pools[(schema, position(i, len(tokens)), script(t))].append(t)
    return templates, pools


def synthesize(rng, template, schema, pools):
    """A new name of the template's shape: each token kept with probability
    0.3, else drawn from the real tokens of its script at that position."""
    n = len(template)
    out = []
    for i, t in enumerate(template):
        if rng.random() < 0.3:
            out.append(t)
        else:
            pool = pools[(schema, position(i, n), script(t))]
            out.append(pool[rng.randrange(len(pool))])
    return " ".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", required=True, help="FtM JSON-lines list to draw names from")
    parser.add_argument("--names", type=int, default=2_000_000, help="names to write, aliases included")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    templates, pools = read_templates(args.list)
    if not templates:
        sys.exit(f"{args.list}: no names of {', '.join(SCHEMAS)} entities")
    # Schemas in the proportion of the real list.
    weighted = [s for s in templates for _ in range(len(templates[s]))]
    rng = random.Random(args.seed)
    written = entities = 0
    with open(args.out, "w", encoding="utf-8") as out:
        while written < args.names:
            schema = weighted[rng.randrange(len(weighted))]
            shapes = templates[schema]
            count = 1 + (rng.random() < 0.33) + (rng.random() < 0.1)
            count = min(count, args.names - written)
            names = [synthesize(rng, shapes[rng.randrange(len(shapes))], schema, pools) for _ in range(count)]
            properties = {"name": names[:1]}
            if count > 1:
                properties["alias"] = names[1:]
            out.write(json.dumps({"id": f"synthetic-{entities}", "schema": schema, "properties": properties,
                                  "datasets": ["synthetic"]}, ensure_ascii=False))
            out.write("\n")
            written += count
            entities += 1
            if entities % 200_000 == 0:
                print(f"  {written} names", file=sys.stderr)
    print(f"wrote {written} names of {entities} entities to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
