#!/usr/bin/env python3
"""ctest json_examples_check: the schema and its validator accept tests/json/examples/valid.jsonl
and refuse every tests/json/examples/invalid_*.jsonl for the reason that file is about.

Each invalid file differs from valid lines by one mistake; EXPECTED names the line and a piece
of the message the validator must give, so a file refused for another reason (a typo in the
example, a schema that drifted) fails this check too.
"""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
VALIDATOR = HERE / "validate_jsonl.py"
EXAMPLES = HERE / "examples"

EXPECTED = {
    "invalid_bad_reason": (1, "'length' is not one of"),
    "invalid_blank_line": (2, "an empty line"),
    "invalid_cut_line": (2, "no newline at the end"),
    "invalid_duplicate_key": (1, "duplicate key 'seq'"),
    "invalid_empty": (None, "input: no lines"),
    "invalid_extra_field": (1, "'rtt' was unexpected"),
    "invalid_infinity_token": (1, "-Infinity is not JSON"),
    "invalid_lone_surrogate": (1, "a lone surrogate"),
    "invalid_loss_over_100": (1, "loss_percent: 100.5 is greater than the maximum"),
    "invalid_missing_field": (1, "'seq' is a required property"),
    "invalid_nan_token": (1, "NaN is not JSON"),
    "invalid_negative_rtt": (1, "rtt_ms: -0.051 is less than the minimum"),
    "invalid_no_targets": (1, "targets: []"),
    "invalid_not_an_object": (1, "is not of type 'object'"),
    "invalid_not_utf8": (1, "not UTF-8"),
    "invalid_outage_object_in_interval": (1, "outage_ms: {"),
    "invalid_reordered_false": (1, "reordered: True was expected"),
    "invalid_schema_version": (1, "schema: 1 was expected"),
    "invalid_seq_out_of_range": (1, "seq: 65536 is greater than the maximum"),
    "invalid_summary_without_p999": (1, "'p999' is a required property"),
    "invalid_unknown_type": (1, "type: 'lost' is not one of"),
    "invalid_wrong_type": (2, "seq: '1' is not of type 'integer'"),
}


def run(path, stdin=False):
    if stdin:
        with open(path, "rb") as data:
            return subprocess.run([sys.executable, VALIDATOR], stdin=data, capture_output=True,
                                  text=True, timeout=60)
    return subprocess.run([sys.executable, VALIDATOR, path], capture_output=True, text=True,
                          timeout=60)


def main():
    failures = []
    valid = EXAMPLES / "valid.jsonl"
    for stdin in (False, True):
        result = run(valid, stdin)
        if result.returncode != 0 or result.stderr:
            failures.append(f"valid.jsonl (stdin={stdin}): exit {result.returncode}: {result.stderr}")

    found = sorted(path.stem for path in EXAMPLES.glob("invalid_*.jsonl"))
    if found != sorted(EXPECTED):
        failures.append(f"invalid examples {found} do not match the table {sorted(EXPECTED)}")
    for name in found:
        if name not in EXPECTED:
            continue
        line, message = EXPECTED[name]
        result = run(EXAMPLES / f"{name}.jsonl")
        prefix = f"line {line}: " if line is not None else ""
        wanted = [text for text in result.stderr.splitlines()
                  if text.startswith(prefix) and message in text]
        if result.returncode != 1 or not wanted:
            failures.append(f"{name}: exit {result.returncode}, wanted {prefix}...{message!r}, "
                            f"got: {result.stderr.strip()!r}")

    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"json examples: valid accepted, {len(found)} invalid refused"
          if not failures else f"json examples: {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
