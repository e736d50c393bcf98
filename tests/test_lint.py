"""Every lint rule: a failing fixture (code, line and column asserted) and a passing one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.codes import all_codes
from guidec.lint import LINT_RULES, run_lint
from guidec.view import load_project
from tests.budget import examples

HEAD = "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"  # lines 1-2


def findings(write, body: str, files: dict[str, bytes] | None = None, head: str = HEAD):
    for name, data in (files or {}).items():
        p = write(name, "")
        p.write_bytes(data)
    p = write("spec.yaml", head + body)
    return run_lint(load_project(str(p)))


# (code, failing body, (line, col) of the finding, passing body)
CASES = [
    ("L101", "classes:\n  - {id: 1, name: a}\n  - {id: 1, name: b}\n", (5, 10),
     "classes:\n  - {id: 1, name: a}\n  - {id: 2, name: b}\n"),
    ("L102", "classes:\n  - {id: 1, name: a}\n  - {id: 2, name: a}\n", (5, 19),
     "classes:\n  - {id: 1, name: a}\n  - {id: 2, name: b}\n"),
    ("L103", "classes:\n  - {id: 5, name: sku, deprecated: true, replaced_by: a}\n"
     "  - {id: 5, name: a}\n", (5, 10),
     "classes:\n  - {id: 5, name: sku, deprecated: true, replaced_by: a}\n"
     "  - {id: 6, name: a}\n"),
    ("L103", "retired: {ids: [3]}\nclasses:\n  - {id: 3, name: a}\n", (5, 10),
     "retired: {ids: [3]}\nclasses:\n  - {id: 4, name: a}\n"),
    ("L104", "classes:\n  - {id: 1, name: product}\nrules:\n"
     "  - {id: r, title: T, applies_to: [prodcut], guideline: g}\n", (6, 36),
     "classes:\n  - {id: 1, name: product}\nrules:\n"
     "  - {id: r, title: T, applies_to: [product], guideline: g}\n"),
    ("L105", "attributes:\n  occluded: {type: bool}\n"
     "classes:\n  - {id: 1, name: a, attributes: [ocluded]}\n", (6, 35),
     "attributes:\n  occluded: {type: bool}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occluded]}\n"),
    ("L106", "keypoint_schemas:\n  coco: {points: [a]}\n"
     "classes:\n  - {id: 1, name: a, shapes: [keypoints], keypoints: cocco}\n", (6, 54),
     "keypoint_schemas:\n  coco: {points: [a]}\n"
     "classes:\n  - {id: 1, name: a, shapes: [keypoints], keypoints: coco}\n"),
    ("L107", "classes:\n  - {id: 1, name: a, hotkey: c}\n  - {id: 2, name: b, hotkey: C}\n",
     (5, 30), "classes:\n  - {id: 1, name: a, hotkey: c}\n  - {id: 2, name: b, hotkey: d}\n"),
    ("L108", "rules:\n  - {id: r, title: A, guideline: g}\n  - {id: r, title: B, guideline: g}\n",
     (5, 10), "rules:\n  - {id: r, title: A, guideline: g}\n  - {id: s, title: B, guideline: g}\n"),
    # --- values the tools choke on
    ("L110", 'classes:\n  - {id: 1, name: "a\\x00b"}\n', (4, 19),
     'classes:\n  - {id: 1, name: "a b"}\n'),
    ("L111", "classes:\n  - {id: 4294967296, name: a}\n", (4, 10),
     "classes:\n  - {id: 2147483647, name: a}\n"),
    ("L112", "classes:\n  - {id: 1, name: a, hotkey: ctrl+w}\n", (4, 30),
     "classes:\n  - {id: 1, name: a, hotkey: ctrl+k}\n"),
    # --- deprecation
    ("L201", "classes:\n  - {id: 1, name: a}\n  - {id: 2, name: b, replaced_by: a}\n", (5, 22),
     "classes:\n  - {id: 1, name: a}\n  - {id: 2, name: b, deprecated: true, replaced_by: a}\n"),
    ("L202", "classes:\n  - {id: 1, name: a}\n"
     "  - {id: 2, name: b, deprecated: true, replaced_by: a}\n"
     "  - {id: 3, name: c, deprecated: true, replaced_by: b}\n", (6, 53),
     "classes:\n  - {id: 1, name: a}\n"
     "  - {id: 2, name: b, deprecated: true, replaced_by: a}\n"
     "  - {id: 3, name: c, deprecated: true, replaced_by: a}\n"),
    ("L203", "classes:\n  - {id: 1, name: a}\n"
     "  - {id: 2, name: b, deprecated: true, replaced_by: c}\n"
     "  - {id: 3, name: c, deprecated: true, replaced_by: [b]}\n", (5, 53),
     "classes:\n  - {id: 1, name: a}\n"
     "  - {id: 2, name: b, deprecated: true, replaced_by: a}\n"
     "  - {id: 3, name: c, deprecated: true, replaced_by: [a]}\n"),
    ("L204", "classes:\n  - {id: 1, name: a}\n"
     "  - {id: 2, name: b, deprecated: true, replaced_by: a}\n"
     "rules:\n  - {id: r, title: T, applies_to: [b], guideline: g}\n", (7, 36),
     "classes:\n  - {id: 1, name: a}\n"
     "  - {id: 2, name: b, deprecated: true, replaced_by: a}\n"
     "rules:\n  - {id: r, title: T, applies_to: [a], guideline: g}\n"),
    # --- keypoints
    ("L301", "keypoint_schemas:\n  k: {points: [nose, eye, eye]}\n", (4, 27),
     "keypoint_schemas:\n  k: {points: [nose, eye, mouth]}\n"),
    ("L302", "keypoint_schemas:\n  k:\n    points: [nose, left_eye, right_eye]\n"
     "    flip: [[left_eye, right_eye]]\n    skeleton: [[nose, left_ear]]\n", (7, 23),
     "keypoint_schemas:\n  k:\n    points: [nose, left_eye, right_eye]\n"
     "    flip: [[left_eye, right_eye]]\n    skeleton: [[nose, left_eye]]\n"),
    ("L303", "keypoint_schemas:\n  k:\n    points: [left_eye, right_eye]\n"
     "    flip: [[left_eye, right_eye], [right_eye, left_eye]]\n", (6, 35),
     "keypoint_schemas:\n  k:\n    points: [left_eye, right_eye]\n"
     "    flip: [[left_eye, right_eye]]\n"),
    ("L303", "keypoint_schemas:\n  k:\n    points: [l_eye, r_eye, nose]\n"
     "    flip: [[l_eye, r_eye], [nose, r_eye]]\n", (6, 35),
     "keypoint_schemas:\n  k:\n    points: [l_eye, r_eye, nose]\n    flip: [[l_eye, r_eye]]\n"),
    ("L304", "keypoint_schemas:\n  k:\n    points: [nose, left_eye, right_eye]\n", (5, 20),
     "keypoint_schemas:\n  k:\n    points: [nose, left_eye, right_eye]\n"
     "    flip: [[left_eye, right_eye]]\n"),
    ("L305", "classes:\n  - {id: 1, name: a, shapes: [box, keypoints]}\n", (4, 36),
     "keypoint_schemas:\n  k: {points: [x]}\n"
     "classes:\n  - {id: 1, name: a, shapes: [box, keypoints], keypoints: k}\n"),
    ("L306", "keypoint_schemas:\n  k: {points: [x]}\n"
     "classes:\n  - {id: 1, name: a, shapes: [box], keypoints: k}\n", (6, 48),
     "keypoint_schemas:\n  k: {points: [x]}\n"
     "classes:\n  - {id: 1, name: a, shapes: [box, keypoints], keypoints: k}\n"),
    ("L307", "keypoint_schemas:\n  k: {points: [a, b, c], sigmas: [0.1, 0.2]}\n", (4, 34),
     "keypoint_schemas:\n  k: {points: [a, b, c], sigmas: [0.1, 0.2, 0.3]}\n"),
    ("L308", "keypoint_schemas:\n  k:\n    points: [a, b]\n    skeleton: [[a, b], [b, a]]\n",
     (6, 24), "keypoint_schemas:\n  k:\n    points: [a, b]\n    skeleton: [[a, b]]\n"),
    # --- colours
    ("L309", "keypoint_schemas:\n  h:\n    points: [wrist, thumb_ip, thumb_tip]\n"
     "    flip: [[thumb_ip, thumb_tip]]\n", (6, 12),
     "keypoint_schemas:\n  h:\n    points: [wrist, thumb_ip, thumb_tip]\n    flip: []\n"),
    ("L309", "keypoint_schemas:\n  b:\n    points: [left_knee, right_knee, right_ankle]\n"
     "    flip: [[left_knee, right_ankle]]\n", (6, 12),
     "keypoint_schemas:\n  b:\n    points: [left_knee, right_knee, right_ankle]\n"
     "    flip: [[left_knee, right_knee]]\n"),
    ("L401", "classes:\n  - {id: 1, name: a, color: '#00008e'}\n"
     "  - {id: 2, name: b, color: '#00008E'}\n", (5, 29),
     "classes:\n  - {id: 1, name: a, color: '#00008e'}\n  - {id: 2, name: b, color: '#ff7f0e'}\n"),
    ("L402", "classes:\n  - {id: 1, name: a, color: '#00005a'}\n"
     "  - {id: 2, name: b, color: '#00006e'}\n", (5, 29),
     "classes:\n  - {id: 1, name: a, color: '#00005a'}\n  - {id: 2, name: b, color: '#2ca02c'}\n"),
    # --- attributes
    ("L501", "attributes:\n  occ: {type: enum, values: [none, heavy]}\n"
     "  occluder: {type: text, when: {occ: [hevy]}}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occ, occluder]}\n", (5, 39),
     "attributes:\n  occ: {type: enum, values: [none, heavy]}\n"
     "  occluder: {type: text, when: {occ: [heavy]}}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occ, occluder]}\n"),
    ("L502", "attributes:\n  n: {type: integer, min: 1, max: 48, step: 2, default: 4}\n"
     "classes:\n  - {id: 1, name: a, attributes: [n]}\n", (4, 57),
     "attributes:\n  n: {type: integer, min: 1, max: 48, step: 2, default: 5}\n"
     "classes:\n  - {id: 1, name: a, attributes: [n]}\n"),
    ("L502", "attributes:\n  t: {type: text, pattern: '[A-Z]+', default: abc}\n"
     "classes:\n  - {id: 1, name: a, attributes: [t]}\n", (4, 47),
     "attributes:\n  t: {type: text, pattern: '[A-Z]+', default: ABC}\n"
     "classes:\n  - {id: 1, name: a, attributes: [t]}\n"),
    ("L503", "attributes:\n  occ: {type: enum, values: [none, heavy]}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occ]}\n"
     "rules:\n  - {id: r, title: T, guideline: g, check: {attribute: occ, not_in: [hevy]}}\n",
     (8, 70),
     "attributes:\n  occ: {type: enum, values: [none, heavy]}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occ]}\n"
     "rules:\n  - {id: r, title: T, guideline: g, check: {attribute: occ, not_in: [heavy]}}\n"),
    ("L504", "attributes:\n  occ: {type: bool}\nclasses:\n  - {id: 1, name: a}\n", (4, 3),
     "attributes:\n  occ: {type: bool}\nclasses:\n  - {id: 1, name: a, attributes: [occ]}\n"),
    ("L505", "attributes:\n  n: {type: integer, min: 10, max: 1}\n"
     "classes:\n  - {id: 1, name: a, attributes: [n]}\n", (4, 27),
     "attributes:\n  n: {type: integer, min: 1, max: 10}\n"
     "classes:\n  - {id: 1, name: a, attributes: [n]}\n"),
    ("L506", "attributes:\n  occ: {type: enum, values: [none, heavy]}\n"
     "  occluder: {type: text, when: {occ: heavy}}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occluder]}\n", (7, 35),
     "attributes:\n  occ: {type: enum, values: [none, heavy]}\n"
     "  occluder: {type: text, when: {occ: heavy}}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occ, occluder]}\n"),
    ("L507", "attributes:\n  w: {type: enum, values: [rain, snow, rain]}\n"
     "classes:\n  - {id: 1, name: a, attributes: [w]}\n", (4, 40),
     "attributes:\n  w: {type: enum, values: [rain, snow]}\n"
     "classes:\n  - {id: 1, name: a, attributes: [w]}\n"),
    ("L508", "attributes:\n  a: {type: bool, when: {b: true}}\n  b: {type: bool, when: {a: true}}\n"
     "classes:\n  - {id: 1, name: c, attributes: [a, b]}\n", (4, 26),
     "attributes:\n  a: {type: bool}\n  b: {type: bool, when: {a: true}}\n"
     "classes:\n  - {id: 1, name: c, attributes: [a, b]}\n"),
    # --- rules and checks
    ("L601", "classes:\n  - {id: 1, name: car, shapes: [box]}\n"
     "rules:\n  - {id: r, title: T, applies_to: [car], check: {min_vertices: 4}}\n", (6, 36),
     "classes:\n  - {id: 1, name: car, shapes: [box, polygon]}\n"
     "rules:\n  - {id: r, title: T, applies_to: [car], check: {min_vertices: 4}}\n"),
    ("L602", "classes:\n  - id: 2\n    name: tag\n    shapes: [box]\n"
     "    text_region: {transcription: required}\n", (7, 5),
     "classes:\n  - id: 2\n    name: tag\n    shapes: [box, text_region]\n"
     "    text_region: {transcription: required}\n"),
    ("L603", "rules:\n  - {id: r, title: T, check: {min_area: 100, max_area: 10}}\n", (4, 41),
     "rules:\n  - {id: r, title: T, check: {min_area: 10, max_area: 100}}\n"),
    ("L604", "attributes:\n  occ: {type: bool}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occ]}\n  - {id: 2, name: b}\n"
     "rules:\n  - id: r\n    title: T\n    applies_to: [a, b]\n"
     "    check: {attribute: occ, in: [true]}\n", (11, 21),
     "attributes:\n  occ: {type: bool}\n"
     "classes:\n  - {id: 1, name: a, attributes: [occ]}\n  - {id: 2, name: b}\n"
     "rules:\n  - id: r\n    title: T\n    applies_to: [a]\n"
     "    check: {attribute: occ, in: [true]}\n"),
    ("L605", "classes:\n  - id: 1\n    name: car\n    shapes: [box]\n    examples:\n"
     "      - image: a.png\n        verdict: good\n"
     "        shapes: [{class: car, polygon: [[0, 0], [5, 0], [5, 5]]}]\n", (10, 31),
     "classes:\n  - id: 1\n    name: car\n    shapes: [box]\n    examples:\n"
     "      - image: a.png\n        verdict: good\n"
     "        shapes: [{class: car, box: [0, 0, 5, 5]}]\n"),
    # --- documentation
    ("L701", "classes:\n  - {id: 1, name: a}\n", (4, 19),
     "classes:\n  - {id: 1, name: a, definition: An a.}\n"),
    ("L702", "classes:\n  - {id: 1, name: a}\n", (4, 19),
     "classes:\n  - id: 1\n    name: a\n    examples: [{image: a.png, verdict: good}]\n"),
    ("L703", "classes:\n  - id: 1\n    name: a\n    examples: [{image: b.png, verdict: good}]\n",
     (6, 24), "classes:\n  - id: 1\n    name: a\n    examples: [{image: a.png, verdict: good}]\n"),
    ("L704", "classes:\n  - id: 1\n    name: a\n"
     "    examples: [{image: ../a.png, verdict: good}]\n", (6, 24),
     "classes:\n  - id: 1\n    name: a\n    examples: [{image: a.png, verdict: good}]\n"),
    ("L705", "rules:\n  - {id: tight, title: Tight boxes}\n", (4, 10),
     "rules:\n  - {id: tight, title: Tight boxes, guideline: Edges touch the object.}\n"),
    # --- QA
    ("L801", "qa:\n  max_error_rates: {missed_object: 5}\n", (4, 36),
     "qa:\n  max_error_rates: {missed_object: 0.05}\n"),
    ("L802", "qa:\n  max_error_rates: {mislabelled: 0.01}\n", (4, 21),
     "qa:\n  max_error_rates: {mislabelled: 0.01}\n"
     "  error_types: {mislabelled: Label on the wrong object.}\n"),
    ("L803", "splits:\n  names: [train, val, test]\n  ratios: {train: 0.8, val: 0.1, tset: 0.1}\n",
     (5, 34), "splits:\n  names: [train, val, test]\n  ratios: {train: 0.8, val: 0.1, test: 0.1}\n"),
    ("L804", "classes:\n  - {id: 1, name: car}\nsplits:\n  names: [train, val]\n"
     "  priors: {cra: {share: 0.5}}\n", (7, 12),
     "classes:\n  - {id: 1, name: car}\nsplits:\n  names: [train, val]\n"
     "  priors: {car: {share: 1, min: 5}}\n"),
    ("L804", "classes:\n  - {id: 1, name: car}\nsplits:\n  names: [train, val]\n"
     "  priors: {car: {min: {tset: 5}}}\n", (7, 24),
     "classes:\n  - {id: 1, name: car}\nsplits:\n  names: [train, val]\n"
     "  priors: {car: {min: {val: 5}}}\n"),
    ("L804", "classes:\n  - {id: 1, name: car}\nsplits:\n  names: [train, val]\n"
     "  ratios: {train: 1, val: 0}\n  priors: {car: {min: 5}}\n", (8, 23),
     "classes:\n  - {id: 1, name: car}\nsplits:\n  names: [train, val]\n"
     "  ratios: {train: 1, val: 0}\n  priors: {car: {min: {train: 5}}}\n"),
    ("L804", "classes:\n  - {id: 1, name: car}\n  - {id: 2, name: bus}\nsplits:\n"
     "  names: [train, val]\n  priors: {car: {share: 0.7}, bus: {share: 0.4}}\n", (8, 3),
     "classes:\n  - {id: 1, name: car}\n  - {id: 2, name: bus}\nsplits:\n"
     "  names: [train, val]\n  priors: {car: {share: 0.6}, bus: {share: 0.4}}\n"),
    ("L805", "splits:\n  names: [train, val]\n  hard_negatives: {min_share: 1.5}\n", (5, 31),
     "splits:\n  names: [train, val]\n  hard_negatives: {min_share: 0.1}\n"),
    ("L805", "classes:\n  - {id: 1, name: car}\nsplits:\n  names: [train, val]\n"
     "  priors: {car: {share: 0.9, of: images, tolerance: 0}}\n"
     "  hard_negatives: {min_share: 0.2}\n", (8, 31),
     "classes:\n  - {id: 1, name: car}\nsplits:\n  names: [train, val]\n"
     "  priors: {car: {share: 0.8, of: images, tolerance: 0}}\n"
     "  hard_negatives: {min_share: 0.2}\n"),
    ("L806", "splits:\n  names: [train, val]\n"
     "  strata: {region: {shares: {eu: 0.6, us: 0.6}}}\n", (5, 21),
     "splits:\n  names: [train, val]\n"
     "  strata: {region: {shares: {eu: 0.5, us: 0.5}}}\n"),
    ("L806", "splits:\n  names: [train, val]\n  group_by: store\n"
     "  strata: {store: {shares: {a: 1}}}\n", (6, 12),
     "splits:\n  names: [train, val]\n  group_by: store\n"
     "  strata: {region: {shares: {eu: 1}}}\n"),
    # --- project
    ("L901", "", (2, 37), ""),
    ("L902", "classes:\n  - {id: 5, name: a, since: 3.0.0}\n", (4, 29),
     "classes:\n  - {id: 5, name: a, since: 1.0.0}\n"),
    ("L903", "severity_overrides: {L999: warning}\n", (3, 22),
     "severity_overrides: {L101: warning}\n"),
    ("L904", "classes:\n  - {id: 1, name: a, shapes: [box]}\nexports:\n"
     "  - {format: yolo, variant: pose}\n", (6, 5),
     "classes:\n  - {id: 1, name: a, shapes: [box]}\nexports:\n"
     "  - {format: yolo, variant: detect}\n"),
    ("L905", "media: {labeling_resolution: original, proxy_max_side: 2048}\n", (3, 56),
     "media: {labeling_resolution: proxy, proxy_max_side: 2048}\n"),
]

PNG = b"\x89PNG\r\n\x1a\n"  # enough for a file that exists



@pytest.mark.parametrize(("code", "bad", "where", "good"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fails_and_passes(write, code, bad, where, good):
    files = {"a.png": PNG}
    head = HEAD.replace("1.0.0", "'1.0'") if code == "L901" else HEAD
    found = findings(write, bad, files, head=head)
    hits = [(d.line, d.col) for d in found if d.code == code]
    assert where in hits, f"{code}: expected at {where}, got {[(d.code, d.line, d.col, d.message) for d in found]}"
    assert all(d.file and d.file.endswith("spec.yaml") for d in found if d.code == code)
    ok = findings(write, good, files)
    assert code not in {d.code for d in ok}, [(d.code, d.message) for d in ok]


def test_every_lint_rule_has_a_failing_fixture():
    tested = {c[0] for c in CASES}
    registered = set(LINT_RULES)
    assert registered <= tested, sorted(registered - tested)


def test_every_code_is_documented():
    for c in all_codes():
        assert c.summary and c.name, c.code
        if c.code.startswith("L"):
            assert c.example, f"{c.code} has no example"


def test_ciede2000_matches_sharma_reference_data():
    """Reference pairs from Sharma, Wu & Dalal (2005), the CIEDE2000 test data."""
    from guidec.lint.colors import ciede2000

    a = np.array([[50, 2.6772, -79.7751], [50, -1.3802, -84.2814], [50, 2.5, 0],
                  [60.2574, -34.0099, 36.2677], [22.7233, 20.0904, -46.6940]])
    b = np.array([[50, 0, -82.7485], [50, 0, -82.7485], [50, 0, -2.5],
                  [60.4626, -34.1751, 39.4387], [23.0331, 14.9730, -42.5619]])
    expected = [2.0425, 1.0000, 4.3065, 1.2644, 2.0373]
    assert np.allclose(ciede2000(a, b), expected, atol=1e-4)


def test_similar_colour_search_matches_brute_force():
    from guidec.lint.colors import SIMILAR_DELTA_E, ciede2000, similar_pairs, srgb_to_lab

    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, size=(300, 3))
    colors = [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb]
    lab = srgb_to_lab(rgb)
    i, j = np.triu_indices(len(colors), 1)
    d = ciede2000(lab[i], lab[j])
    brute = {(a, b) for a, b, x in zip(i.tolist(), j.tolist(), d.tolist(), strict=True)
             if x < SIMILAR_DELTA_E and colors[a] != colors[b]}
    assert brute, "the sample should contain close pairs"
    assert {(a, b) for a, b, _ in similar_pairs(colors)} == brute


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.integers(0, 0xFFFFFF), min_size=0, max_size=70),
       st.floats(1.0, 30.0))
def test_plain_python_colour_pairs_match_the_numpy_search(values, threshold):
    """Small specs compare colours in plain Python (no numpy import); the pairs and the
    differences are those of the numpy grid search."""
    from guidec.lint.colors import similar_pairs

    colors = [f"#{v:06x}" for v in values]
    plain = similar_pairs(colors, threshold, small=10**6)
    grid = similar_pairs(colors, threshold, small=-1)
    assert [(a, b) for a, b, _ in plain] == [(a, b) for a, b, _ in grid]
    assert np.allclose([d for *_, d in plain], [d for *_, d in grid], atol=1e-9)


def test_mirror_names():
    from guidec.lint.keypoints import mirror_name

    assert mirror_name("left_eye") == "right_eye"
    assert mirror_name("Right-Hand") == "Left-Hand"
    assert mirror_name("hand_l") == "hand_r"
    assert mirror_name("nose") is None
    assert mirror_name("leftover") is None
    assert mirror_name("eyeL") == "eyeR"
    assert mirror_name("forelegR1") == "forelegL1"
    assert mirror_name("LeftHand") == "RightHand"
    assert mirror_name("wristRight") == "wristLeft"
    assert mirror_name("HL") is None  # no lower-case stem: not a side suffix


def test_severity_override_regrades_and_silences(write):
    body = "classes:\n  - {id: 1, name: a}\n"
    found = findings(write, "severity_overrides: {L701: error, missing-example: 'off'}\n" + body)
    codes = {d.code: d.severity.label for d in found}
    assert codes.get("L701") == "error"
    assert "L702" not in codes


@pytest.mark.parametrize(("key", "why"), [
    ("ctrl+w", "browser"), ("Ctrl+T", "browser"), ("cmd+w", "browser"), ("f5", "browser"),
    ("ctrl+shift+t", "browser"), ("<", "cannot bind"), ("&", "cannot bind"),
    ("foo", "cannot bind"), ("tab", "keep for themselves"), ("ctrl+", "not a key"),
    ("x+k", "not modifiers"),
])
def test_unusable_hotkeys_say_why(key, why):
    from guidec.lint.tool_values import hotkey_problem

    assert why in hotkey_problem(key)


@pytest.mark.parametrize("key", ["a", "7", "ctrl+k", "shift+1", "alt+f2", ",", "space"])
def test_usable_hotkeys_pass(key):
    from guidec.lint.tool_values import hotkey_problem

    assert hotkey_problem(key) is None


def test_control_character_in_a_name_never_reaches_a_target(write, cli):
    p = write("spec.yaml", HEAD + 'classes:\n  - {id: 1, name: "a\\x07b"}\n')
    r = cli("build", p, "--out", p.parent / "out")
    assert r.code == 1 and "L110" in r.err + r.out
    assert not (p.parent / "out").exists()

