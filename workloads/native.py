"""Work that spends most of its time inside C: sorting, zlib, hashlib, json.

Hot functions: sort_numbers (sorted() of a big list), compress_roundtrip
(zlib compress/decompress plus sha256) and json_roundtrip (json dumps/loads).
Python code only orchestrates; a profiler that charges C time to the calling
Python line should put nearly everything on these three.
"""
import argparse
import hashlib
import json
import random
import zlib


def sort_numbers(numbers):
    """Sort a big list of floats twice (ascending and descending)."""
    a = sorted(numbers)
    b = sorted(numbers, reverse=True)
    return a[len(a) // 2] + b[0]


def compress_roundtrip(blob):
    """Compress, decompress and hash a byte string."""
    packed = zlib.compress(blob, 6)
    unpacked = zlib.decompress(packed)
    digest = hashlib.sha256(unpacked).hexdigest()
    return len(packed), digest


def json_roundtrip(doc):
    """Serialize a nested document to JSON and parse it back."""
    text = json.dumps(doc, sort_keys=True)
    back = json.loads(text)
    return len(text), len(back["items"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=25,
                        help="rounds; each sorts 50k floats, zips 160 kB, json 6k items")
    args = parser.parse_args()
    rng = random.Random(7)
    numbers = [rng.random() for _ in range(50_000)]
    # Text that compresses like prose: 10k random words (about 55 kB)
    # repeated; each copy is beyond zlib's 32 kB window, so no shortcut.
    words = " ".join(f"w{rng.getrandbits(10)}" for _ in range(10_000)).encode()
    blob = words * 3
    doc = {"items": [{"k": i, "v": str(i) * 3, "f": i / 7} for i in range(6_000)]}
    checksum = 0
    digest = ""
    for _ in range(args.size):
        checksum += int(sort_numbers(numbers) * 1000)
        n, digest = compress_roundtrip(blob)
        checksum += n
        checksum += sum(json_roundtrip(doc))
    print(f"native size={args.size} checksum={checksum} sha={digest[:12]}")


if __name__ == "__main__":
    main()
