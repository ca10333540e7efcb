#!/usr/bin/env python3
"""Turns the samples of one metric, for ours and for the reference, into one row of the report.

usage: summarize.py --results FILE --section NAME --metric TEXT [options] OURS_SAMPLES REF_SAMPLES

Each samples file holds one number per line. The row (one JSON object per line in FILE) has the
cells of the report table: metric | ours | iputils | ratio | goal | met?
REF_SAMPLES may be `-` for a metric iputils has no counterpart of (its cell and the ratio: —).

  --stat median|max|median-abs|p99-abs   statistic shown (abs: of absolute values); default median
  --spread range|iqr|none            shown after the value: (min-max) or (IQR p25-p75)
  --paired                           line i of both files is one pair (run alternately): the ratio
                                     is the median of the per-pair ratios ours_i / ref_i;
                                     otherwise ratio = statistic(ours) / statistic(ref)
  --signed                           the statistic may be negative: shown with a sign, no ratio
  --goal ratio>=X | ratio<=X | ours<=X | ours>=X   checked on unrounded values
  --goal-text TEXT                   how the goal reads in the table (default: from --goal)
  --unit TEXT                        unit for an absolute goal's text (ours<=X)
  --scale F, --decimals N            samples are multiplied by F; values printed with N decimals
"""
import argparse
import json
import operator
import re
import sys

import stats

STATS = {
    "median": stats.median,
    "max": max,
    "median-abs": lambda v: stats.median([abs(x) for x in v]),
    "p99-abs": lambda v: stats.percentile([abs(x) for x in v], 99),
}
OPS = {"<=": operator.le, ">=": operator.ge}
PRETTY_OP = {"<=": "≤", ">=": "≥"}


def parse_goal(text):
    match = re.fullmatch(r"(ratio|ours)(<=|>=)([0-9.]+)", text.replace(" ", ""))
    if not match:
        raise SystemExit(f"summarize.py: bad --goal {text!r} (want ratio>=X, ours<=X, ...)")
    return match.group(1), match.group(2), float(match.group(3))


def goal_text(goal, unit):
    subject, op, limit = goal
    if subject == "ratio":
        return f"{PRETTY_OP[op]} {limit:g}× iputils"
    return f"{PRETTY_OP[op]} {limit:g} {unit}".rstrip()


def fmt(value, decimals, signed=False):
    text = f"{value:{'+' if signed else ''}.{decimals}f}"
    return text.replace("-", "−") if signed else text


def cell(samples, args):
    value = STATS[args.stat](samples)
    text = fmt(value, args.decimals, args.signed)
    if args.spread == "range":
        text += f" ({fmt(min(samples), args.decimals)}–{fmt(max(samples), args.decimals)})"
    elif args.spread == "iqr":
        low, high = stats.iqr_bounds(samples)
        text += f" (IQR {fmt(low, args.decimals)}–{fmt(high, args.decimals)})"
    return value, text


def ratio_of(ours, ref, ours_value, ref_value, args):
    if args.signed:
        return None
    if args.paired:
        if len(ours) != len(ref):
            raise SystemExit("summarize.py: --paired needs as many samples for ours as for ref")
        pairs = [o / r for o, r in zip(ours, ref) if r > 0]
        return stats.median(pairs) if pairs else None
    return ours_value / ref_value if ref_value > 0 else None


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("--results", required=True)
    parser.add_argument("--section", required=True)
    parser.add_argument("--metric", required=True)
    parser.add_argument("--stat", choices=sorted(STATS), default="median")
    parser.add_argument("--spread", choices=["range", "iqr", "none"], default="none")
    parser.add_argument("--paired", action="store_true")
    parser.add_argument("--signed", action="store_true")
    parser.add_argument("--goal")
    parser.add_argument("--goal-text")
    parser.add_argument("--unit", default="")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--decimals", type=int, default=0)
    parser.add_argument("ours")
    parser.add_argument("ref")
    args = parser.parse_args()

    has_ref = args.ref != "-"
    ours = stats.read_samples(args.ours, args.scale)
    ref = stats.read_samples(args.ref, args.scale) if has_ref else []
    if not ours or (has_ref and not ref):
        raise SystemExit(f"summarize.py: no samples for {args.metric!r}")
    ours_value, ours_text = cell(ours, args)
    ref_value, ref_text, ratio = None, "—", None
    if has_ref:
        ref_value, ref_text = cell(ref, args)
        ratio = ratio_of(ours, ref, ours_value, ref_value, args)

    met, goal_cell = None, "—"
    if args.goal:
        goal = parse_goal(args.goal)
        subject, op, limit = goal
        checked = ratio if subject == "ratio" else abs(ours_value) if args.signed else ours_value
        met = None if checked is None else OPS[op](checked, limit)
        goal_cell = args.goal_text or goal_text(goal, args.unit)

    row = {
        "section": args.section,
        "metric": args.metric,
        "ours": ours_text,
        "ref": ref_text,
        "ratio": "—" if ratio is None else f"{ratio:.3f}×",
        "goal": goal_cell,
        "met": "—" if met is None else ("yes" if met else "**no**"),
        "values": {"ours": ours_value, "ref": ref_value, "ratio": ratio,
                   "n_ours": len(ours), "n_ref": len(ref)},
    }
    with open(args.results, "a") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
