"""Allocation-heavy work: build many small dicts, lists and strings, sort, group.

Hot functions: make_records (allocates dicts and strings),
group_records (dict and list churn) and sort_records (sorting with a key).
"""
import argparse
import random

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
         "theta", "iota", "kappa", "lambda", "mu"]
RECORDS = 5000  # per round


def make_records(rng, n):
    """Return n fresh dicts, each with a formatted string and a small list."""
    records = []
    for i in range(n):
        word = WORDS[rng.randrange(len(WORDS))]
        records.append({
            "id": i,
            "name": f"{word}-{i:07d}",
            "tags": [word, word.upper(), str(i % 97)],
            "score": rng.random(),
        })
    return records


def group_records(records):
    """Group records by their first tag into new lists and joined strings."""
    groups = {}
    for rec in records:
        groups.setdefault(rec["tags"][0], []).append(rec)
    summary = {}
    for key, members in groups.items():
        names = ",".join(m["name"] for m in members[:50])
        summary[key] = (len(members), len(names))
    return summary


def sort_records(records):
    """Sort copies of the records by score and by name."""
    by_score = sorted(records, key=lambda r: r["score"])
    by_name = sorted(records, key=lambda r: r["name"][::-1])
    return by_score[0]["id"], by_name[0]["id"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=40,
                        help="rounds of 5000 records each")
    args = parser.parse_args()
    rng = random.Random(42)
    checksum = 0
    for _ in range(args.size):
        records = make_records(rng, RECORDS)
        summary = group_records(records)
        first, last = sort_records(records)
        checksum += sum(n for n, _ in summary.values()) + first + last
    print(f"alloc size={args.size} checksum={checksum}")


if __name__ == "__main__":
    main()
