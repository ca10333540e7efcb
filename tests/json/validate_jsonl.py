#!/usr/bin/env python3
"""Checks JSON Lines from `ping --json` / `better_ping --json` against the schema.

    validate_jsonl.py [--schema SCHEMA] [FILE]      (FILE "-" or none: standard input)

Exits 0 when the input has at least one line and every line is valid; otherwise exits 1 and
writes "line N: <what is wrong>" to standard error for each bad line (and "input: ..." for a
problem of the whole input). Stricter than json.loads, as the program's output must be:
UTF-8 only, one object per line, every line ending in a newline, no blank lines, no NaN or
Infinity tokens, no duplicate keys, no lone surrogates in \\u escapes.

The default schema is docs/schema/better_ping.schema.json of the repository that holds this
script; installed, it is ${datadir}/better_ping/better_ping.schema.json. Needs python3-jsonschema
(Debian 12: 4.10, which knows draft 2020-12).
"""

import argparse
import json
import pathlib
import sys

import jsonschema

DEFAULT_SCHEMA = (pathlib.Path(__file__).resolve().parent.parent.parent
                  / "docs" / "schema" / "better_ping.schema.json")


class LineError(Exception):
    pass


def refuse_constant(name):
    raise LineError(f"{name} is not JSON (numbers must be finite)")


def refuse_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise LineError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def check_strings(value):
    """Lone surrogates decode from \\u escapes but are not Unicode text."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise LineError(f"a lone surrogate in {value!r}") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            check_strings(key)
            check_strings(item)
    elif isinstance(value, list):
        for item in value:
            check_strings(item)


def parse_line(raw):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LineError(f"not UTF-8: {error}") from None
    if not text.strip():
        raise LineError("an empty line")
    try:
        value = json.loads(text, parse_constant=refuse_constant,
                           object_pairs_hook=refuse_duplicates)
    except json.JSONDecodeError as error:
        raise LineError(f"not JSON: {error}") from None
    check_strings(value)
    return value


def describe(error):
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


def validate(data, validator):
    """The problems of `data` (bytes), as "line N: ..." or "input: ..." texts."""
    problems = []
    if not data:
        return ["input: no lines"]
    lines = data.split(b"\n")
    last = lines.pop()  # empty when the input ends with its newline
    if last:
        problems.append(f"line {len(lines) + 1}: no newline at the end (a cut line?)")
    for number, raw in enumerate(lines, start=1):
        try:
            value = parse_line(raw)
        except LineError as error:
            problems.append(f"line {number}: {error}")
            continue
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        if error is not None:
            problems.append(f"line {number}: {describe(error)}")
    return problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=pathlib.Path, default=DEFAULT_SCHEMA,
                        help="the JSON Schema (default: %(default)s)")
    parser.add_argument("file", nargs="?", default="-", help="JSON Lines (default: stdin)")
    args = parser.parse_args(argv)

    schema = json.loads(args.schema.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    if args.file == "-":
        data = sys.stdin.buffer.read()
    else:
        data = pathlib.Path(args.file).read_bytes()
    problems = validate(data, validator)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
