"""Damaged and hostile sources: ``guidec import`` gives a spec with findings or one clear error
(I001/I002), never a traceback or a hang."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.diagnostics import GuidecError
from guidec.importing import SOURCES, import_source
from tests.budget import examples

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 300) | st.floats(allow_nan=True)
    | st.text(alphabet=st.sampled_from(list("ab:/ _#0<>\"")), max_size=6)
    | st.sampled_from(["rectangle", "polygon", "skeleton", "select", "checkbox", "number",
                       "radio", "checklist", "bounding_box", "OBJECT_DETECTION",
                       "CLASSIFICATION", "__undefined__", "#ff0000", "name", "tag"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["name", "type", "attributes", "values", "input_type", "color",
                         "sublabels", "svg", "tools", "tool", "classifications", "options",
                         "objects", "shape", "jobs", "mlTask", "content", "categories",
                         "children", "id", "supercategory", "keypoints", "skeleton", "label",
                         "value", "default_value", "mutable", "required"]),
        inner, max_size=5),
    max_leaves=30)


def _run(tmp_path, name, content, fmt):
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    try:
        r = import_source(str(p), fmt)
    except GuidecError as exc:
        assert exc.diagnostics and exc.diagnostics[0].code in ("I001", "I002"), exc
        return
    assert r.text.startswith("guidec: 1\n")


def test_random_json_never_raises(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")

    @settings(max_examples=examples(200), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(JSONISH, st.sampled_from([None, "cvat", "coco", "labelbox", "encord", "kili",
                                     "label_studio"]))
    def check(data, fmt):
        _run(tmp, "x.json", json.dumps(data), fmt)

    check()


def test_random_xml_and_python_never_raise(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    tags = st.sampled_from(["View", "Image", "RectangleLabels", "Label", "Choices", "Choice",
                            "Number", "Taxonomy", "KeyPointLabels", "Header", "TextArea",
                            "Labels", "Rectangle", "annotations", "meta", "labels"])
    attrs = st.dictionaries(st.sampled_from(["name", "toName", "value", "background",
                                             "category", "hint", "perRegion", "min", "max",
                                             "step", "whenTagName", "whenLabelValue",
                                             "whenChoiceValue", "visibleWhen", "choice",
                                             "canRotate", "maxRating", "selected"]),
                            st.text(alphabet=st.sampled_from(list("ab1 ,/$-.")), max_size=5),
                            max_size=4)
    node = st.recursive(st.tuples(tags, attrs, st.just([])),
                        lambda inner: st.tuples(tags, attrs, st.lists(inner, max_size=3)),
                        max_leaves=12)

    def xml(n) -> str:
        tag, a, kids = n
        at = "".join(f' {k}="{v}"' for k, v in a.items())
        return f"<{tag}{at}>{''.join(xml(k) for k in kids)}</{tag}>"

    @settings(max_examples=examples(200), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(node.map(lambda n: ("View", {}, [n])))
    def check_xml(n):
        _run(tmp, "config.xml", xml(n), None)

    check_xml()

    @settings(max_examples=examples(100), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(JSONISH, st.sampled_from(["mmpose", "cityscapes", "yolo"]))
    def check_py(data, fmt):
        if fmt == "mmpose":
            text = f"dataset_info = dict(keypoint_info={data!r}, skeleton_info={data!r})\n"
        elif fmt == "cityscapes":
            text = ("from collections import namedtuple\nLabel = namedtuple('Label', "
                    "['name', 'id', 'trainId', 'category', 'categoryId', 'hasInstances', "
                    f"'ignoreInEval', 'color'])\nlabels = [Label(*{data!r})]\n")
        else:
            text = f"names: {json.dumps(data)}\nkpt_shape: {json.dumps(data)}\n" \
                   f"flip_idx: {json.dumps(data)}\n"
        _run(tmp, "x.py" if fmt != "yolo" else "data.yaml", text, fmt)

    check_py()


def test_every_source_refuses_an_empty_file(tmp_path):
    for fmt in SOURCES:
        _run(tmp_path, "empty", "", fmt)


def test_python_sources_are_never_executed(tmp_path):
    marker = tmp_path / "ran"
    p = tmp_path / "evil.py"
    p.write_text(f"open({str(marker)!r}, 'w').write('x')\n"
                 "dataset_info = dict(dataset_name=__import__('os').getcwd(),"
                 " keypoint_info={0: dict(name='a', id=0, swap='')})\n")
    r = import_source(str(p), "mmpose")
    assert not marker.exists()
    assert any(d.code == "I102" and "not literals" in d.message for d in r.losses)


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


def _replace(doc, path, value):
    if not path:
        return value
    doc = json.loads(json.dumps(doc))
    node = doc
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    return doc


def test_mutated_real_shapes_never_raise(tmp_path_factory):
    """Each valid example with one value anywhere replaced by something else."""
    from pathlib import Path

    from tests.importing.test_cases import COCO_OK, CVAT_OK, CVAT_RANGE, DELIVERY

    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "import"
    docs = [("cvat", CVAT_OK), ("cvat", CVAT_RANGE), ("coco", COCO_OK),
            ("cvat", json.loads((Path(__file__).resolve().parent.parent.parent / "tests"
                                 / "golden" / "targets" / "retail-shelf" / "cvat"
                                 / "labels.json").read_text())),
            *[(fmt, json.loads((fixtures / f).read_text())) for fmt, f in (
                ("labelbox", "labelbox-ontology.json"), ("encord", "encord-ontology.json"),
                ("kili", "kili-interface.json"))]]
    tmp = tmp_path_factory.mktemp("mut")

    @settings(max_examples=examples(400), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data):
        fmt, doc = data.draw(st.sampled_from(docs))
        path = data.draw(st.sampled_from(list(_paths(doc))))
        value = data.draw(JSONISH)
        _run(tmp, "x.json", json.dumps(_replace(doc, path, value)), fmt)

    check()
    assert DELIVERY  # the delivery inputs are fuzzed by the readers' own robustness tests
