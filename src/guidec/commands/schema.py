"""guidec schema: the JSON Schema of the spec language, for editors."""

from __future__ import annotations

import json

NAME = "schema"
ORDER = 70
HELP = "write the JSON Schema (Draft 2020-12) of the spec language, for editor completion"

SCHEMA_ID = "https://guidec.example/schema/spec-1.json"


def spec_schema() -> dict:
    from guidec.spec.model import Spec

    schema = Spec.model_json_schema(by_alias=True, mode="validation")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
              **schema}
    schema["title"] = "guidec spec"
    return schema


def schema_text() -> str:
    return json.dumps(spec_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def add_arguments(p) -> None:
    p.add_argument("--out", "-o", metavar="FILE", help="write to FILE (default: standard output)")


def run(args, out, err) -> int:
    text = schema_text()
    if args.out:
        from guidec.output import write_atomic

        write_atomic(args.out, text.encode("utf-8"))
    else:
        out.write(text)
    return 0
