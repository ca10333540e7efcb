#!/usr/bin/env python3
"""Prepares the RTT errors of rtt_accuracy for plotting as distribution functions (CDFs).

usage: rtt_error_cdf.py --out-dir DIR [--low P] [--high P] NAME=SAMPLES...

SAMPLES holds one error per line (µs, rtt_errors.py's output). For each NAME it writes
DIR/NAME.cdf: the sorted errors and, beside each, the fraction of the samples at or below it
("value fraction" lines, the steps of the empirical distribution function).
stdout: one line "LOW_US HIGH_US COUNT..." - the P-th percentiles (default 1 and 99) of all the
samples together, a range for the x axis that a few outliers do not stretch, then the number of
samples of each NAME in the order given.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import stats  # noqa: E402


def cdf_points(values):
    """(value, fraction of the values <= value) for each value in ascending order; ties step once,
    at their last occurrence."""
    ordered = sorted(values)
    n = len(ordered)
    return [(v, (i + 1) / n) for i, v in enumerate(ordered) if i + 1 == n or ordered[i + 1] != v]


def axis_range(series, low, high):
    """The low-th and high-th percentiles of all the series' values together."""
    pooled = [v for values in series for v in values]
    return stats.percentile(pooled, low), stats.percentile(pooled, high)


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--low", type=float, default=1.0)
    parser.add_argument("--high", type=float, default=99.0)
    parser.add_argument("series", nargs="+", metavar="NAME=SAMPLES")
    args = parser.parse_args()

    all_values = []
    for spec in args.series:
        name, sep, path = spec.partition("=")
        if not sep or not name:
            parser.error(f"want NAME=SAMPLES, got {spec!r}")
        values = stats.read_samples(path)
        if not values:
            raise SystemExit(f"rtt_error_cdf.py: no samples in {path}")
        with open(os.path.join(args.out_dir, name + ".cdf"), "w") as f:
            f.writelines(f"{v:.3f} {p:.6f}\n" for v, p in cdf_points(values))
        all_values.append(values)
    low, high = axis_range(all_values, args.low, args.high)
    print(f"{low:.3f} {high:.3f} " + " ".join(str(len(v)) for v in all_values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
