"""What the hosted tools' ontologies share: nested classifications as attributes with ``when``."""

from __future__ import annotations

from guidec.importing import I101, Draft


def options_attribute(d: Draft, name: str, kind: str, options: list, *, required: bool,
                      scope: str, carrier: str | None, where: tuple,
                      when: dict | None = None, label_keys=("label", "value", "name"),
                      nested=None, title: str | None = None) -> str | None:
    """Declare one radio / checklist / text classification; nested ones (``nested(option)``
    gives an option's sub-classifications) become attributes ``when`` this one has the option's
    value. Returns the attribute key, or None when it was left out."""
    a: dict = {}
    values: list[str] = []
    if kind in ("radio", "checklist", "checkbox", "singleDropdown", "multipleDropdown"):
        for o in options or []:
            if not isinstance(o, dict):
                continue
            v = next((o[k] for k in label_keys if isinstance(o.get(k), str) and o[k]), None)
            if v is not None and v not in values:
                values.append(v)
        if not values:
            d.lose(I101, f"classification {name!r} has no options; left out", where)
            return None
        a = {"type": "enum", "values": values}
        if kind in ("checklist", "checkbox", "multipleDropdown"):
            a["multiple"] = True
    elif kind in ("text", "TRANSCRIPTION", "free_text"):
        a = {"type": "text"}
    elif kind in ("number", "numeric"):
        a = {"type": "number"}
    else:
        d.lose(I101, f"classification {name!r} of kind {kind!r} has no spec counterpart; "
               "left out", where)
        return None
    if required and not when:
        a["required"] = True
    if scope == "image":
        a["scope"] = "image"
    if when:
        a["when"] = when
    if title and title != name:
        a["title"] = title
    key = d.add_attribute(name, a, carrier, where)
    if carrier and scope == "object":
        c = d.find_class(carrier)
        if c is not None and key not in c.setdefault("attributes", []):
            c["attributes"].append(key)
    if nested is not None:
        for o in options or []:
            if not isinstance(o, dict):
                continue
            v = next((o[k] for k in label_keys if isinstance(o.get(k), str) and o[k]), None)
            for sub_name, sub_kind, sub_opts, sub_req in nested(o):
                options_attribute(d, sub_name, sub_kind, sub_opts, required=sub_req,
                                        scope=scope, carrier=carrier, where=where,
                                        when={key: [v]}, label_keys=label_keys, nested=nested)
    return key
