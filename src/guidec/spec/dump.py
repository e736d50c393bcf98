"""Write a spec back as canonical YAML: ``load_spec_text(dump_spec(spec)).spec == spec``.

Canonical means: keys in the order of the spec language (the pydantic models), values equal to
their default left out, includes already merged (the output is self-contained, so it has no
``include:``), lists of plain values in flow style (``[a, b]``), multi-line text as ``|`` blocks.
Used by ``guidec init``-style tools, migrations and the round-trip property tests.
"""

from __future__ import annotations

import yaml

from guidec.spec.model import Spec


class _Dumper(yaml.SafeDumper):
    pass


def _list(dumper: yaml.SafeDumper, data: list):
    flow = all(not isinstance(v, dict | list) for v in data) or all(
        isinstance(v, list) and all(not isinstance(x, dict | list) for x in v) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow and
                                     len(data) > 0)


def _str(dumper: yaml.SafeDumper, data: str):
    printable = all(c == "\n" or c.isprintable() for c in data)
    if not printable:  # NEL, LS/PS, CR, controls: YAML folds them unless escaped
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    if "\n" in data and data == data.strip(" "):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_str(data)


_Dumper.add_representer(list, _list)
_Dumper.add_representer(str, _str)


def spec_data(spec: Spec) -> dict:
    """The spec as plain data, defaults and includes left out, in canonical key order."""
    data = spec.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data.pop("include", None)
    return data


def dump_spec(spec: Spec) -> str:
    text = yaml.dump(spec_data(spec), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=False)
    return text if text.endswith("\n") else text + "\n"
