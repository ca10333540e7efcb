#!/usr/bin/env python3
"""Prints the median wall time, in seconds, of one command of a hyperfine --export-json file.

usage: hyperfine_median.py EXPORT.json NAME     (NAME as given to hyperfine with -n)
"""
import json
import statistics
import sys


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as f:
        results = json.load(f)["results"]
    for result in results:
        if result["command"] == sys.argv[2]:
            print(f"{statistics.median(result['times']):.9f}")
            return 0
    raise SystemExit(f"hyperfine_median.py: no command named {sys.argv[2]!r} in {sys.argv[1]}")


if __name__ == "__main__":
    sys.exit(main())
