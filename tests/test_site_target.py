"""The site target: golden pages, every spec element present, navigation at scale, images."""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.diff import changes_since
from guidec.spec.loader import load_spec_text
from guidec.targets.site import NAV_LIMIT, SiteTarget, slugify
from guidec.targets.site.skeleton import diagram_svg, layout
from guidec.view import load_project, resolve
from tests.budget import examples
from tests.conftest import SPECS
from tests.site_specs import generated_spec, png_bytes

ROOT = Path(__file__).resolve().parent
GOLDEN = ROOT / "golden" / "site"
FIXTURE = ROOT / "fixtures" / "site" / "playbook" / "spec.yaml"
UPDATE = os.environ.get("GUIDEC_UPDATE_GOLDEN") == "1"


def emit(path) -> dict[str, str | bytes]:
    return SiteTarget().emit(load_project(str(path)))


def text_files(files) -> dict[str, str]:
    return {k: v for k, v in files.items() if isinstance(v, str)
            and (k.endswith(".md") or k.endswith(".yml"))}


@pytest.mark.parametrize("name,spec", [("retail-shelf", SPECS / "retail-shelf" / "spec.yaml"),
                                       ("launch-site", FIXTURE)])
def test_golden_markdown(name, spec):
    files = text_files(emit(spec))
    folder = GOLDEN / name
    if UPDATE:
        shutil.rmtree(folder, ignore_errors=True)
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
    expected = {str(p.relative_to(folder)): p.read_text(encoding="utf-8")
                for p in folder.rglob("*") if p.is_file()}
    assert sorted(files) == sorted(expected), "set GUIDEC_UPDATE_GOLDEN=1 to regenerate"
    for rel in files:
        assert files[rel] == expected[rel], f"{rel} differs from the golden file"


def test_output_is_deterministic():
    assert emit(FIXTURE) == emit(FIXTURE)


def test_example_images_are_copied_once_and_drawn():
    files = emit(FIXTURE)
    photos = sorted(k for k in files if k.startswith("docs/assets/examples/")
                    and not k.endswith(".svg"))
    assert sorted(os.path.splitext(k)[1] for k in photos) == [".jpg", ".png"]  # deduplicated by hash
    page = files["docs/classes/rocket.md"]
    assert page.count('<figure class="guidec-example') == 3  # 2 own + 1 from a rule
    assert "guidec-good" in page and "guidec-bad" in page
    fig = re.search(r"<figure.*?</figure>", page).group(0)
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", fig).group(0))
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("viewBox") == "0 0 640 427"
    assert len(svg.findall(f".//{ns}rect")) == 1 and len(svg.findall(f".//{ns}line")) == 4
    tower = files["docs/classes/tower.md"]
    for shape in ("<polygon", "<polyline", "<circle"):
        assert shape in tower
    formula = files["docs/classes/formula.md"]
    assert "(t-x)p2s" in formula and 'stroke-dasharray="6 3"' in formula
    standalone = [v for k, v in files.items() if k.endswith(".svg") and "examples" in k]
    for doc in standalone:
        root = ET.fromstring(doc)
        assert root.find(f"{ns}image") is not None


def test_unreadable_image_is_a_diagnostic_with_position(write, tmp_path, cli):
    (tmp_path / "bad.jpg").write_bytes(b"not an image")
    spec = write("spec.yaml", """guidec: 1
project: {id: p, title: P, version: 1.0.0}
classes:
  - id: 1
    name: a
    definition: A.
    examples:
      - {image: bad.jpg, verdict: bad, shapes: [{class: a, box: [1, 2, 30, 40]}]}
""")
    res = cli("build", spec, "--out", tmp_path / "out", "--target", "site")
    assert res.code == 0, res
    assert "spec.yaml:8:17: T401" in res.err
    page = (tmp_path / "out" / "site" / "docs" / "classes" / "a.md").read_text()
    assert "image not available" in page and 'viewBox="0 0 33 45"' in page  # canvas from shapes
    copied = list((tmp_path / "out" / "site" / "docs" / "assets" / "examples").iterdir())
    assert all(p.suffix == ".svg" for p in copied)


def test_target_never_reads_outside_the_spec_folder(write, tmp_path):
    secret = tmp_path.parent / "secret.png"
    secret.write_bytes(png_bytes(4, 4))
    spec = write("spec.yaml", f"""guidec: 1
project: {{id: p, title: P, version: 1.0.0}}
classes:
  - id: 1
    name: a
    examples:
      - {{image: ../secret.png, verdict: good}}
      - {{image: {secret}, verdict: good}}
      - {{image: missing.png, verdict: good}}
""")
    files = emit(spec)  # lint (L703, L704) would stop the CLI; the target stays safe alone
    assert not [k for k in files if k.endswith(".png")]
    assert files["docs/classes/a.md"].count("image not available") == 3


XSS = '</title><script>alert("x")</script><img src=x onerror=alert(1)>'
EVIL_NAME = "x" + XSS.replace('alert("x")', "alert(0)")  # class names are <= 64 characters


def xss_spec_text() -> str:
    return f"""guidec: 1
project: {{id: p, title: 'Shelf {XSS}', version: 1.0.0, summary: 'Sum {XSS}'}}
attributes:
  occ: {{type: enum, values: {{a: 'A {XSS}'}}, description: 'D {XSS}'}}
classes:
  - id: 1
    name: '{EVIL_NAME}'
    title: 'Evil {XSS}'
    definition: 'Def {XSS} [x](javascript:alert(3))'
    include: ['Inc {XSS}']
    attributes: [occ]
    shapes: [box, text_region]
    text_region: {{transcription: required}}
    examples:
      - image: x.png
        verdict: bad
        caption: 'Cap {XSS}'
        shapes:
          - {{class: '{EVIL_NAME}', box: [2, 2, 10, 10], text: 'T {XSS}'}}
rules:
  - id: r1
    title: 'Rule {XSS}'
    applies_to: ['{EVIL_NAME}']
    guideline: 'Guide {XSS}'
"""


def write_xss_spec(write) -> Path:
    """The hostile spec and its example image, in a fresh folder."""
    spec = write("spec.yaml", xss_spec_text())
    (spec.parent / "x.png").write_bytes(png_bytes(20, 16))
    return spec


def test_hostile_text_never_reaches_markdown_as_html(write):
    files = emit(write_xss_spec(write))
    for rel, text in text_files(files).items():
        if rel == "mkdocs.yml":
            cfg = yaml.safe_load(text)
            assert "<" not in cfg["site_name"] and "<" not in str(cfg["nav"])
            continue
        rendered = markdown.markdown(text, extensions=["tables", "admonition"])
        tags = _tags(rendered)
        assert "script" not in {t for t, _ in tags}, rel
        assert not [(t, a) for t, attrs in tags for a in attrs if a.startswith("on")], rel
        assert not [v for _, attrs in tags for k, v in attrs.items()
                    if k in ("href", "src") and "javascript" in (v or "").lower()], rel


def _tags(html_text: str) -> list[tuple[str, dict]]:
    from html.parser import HTMLParser

    found: list[tuple[str, dict]] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    P().feed(html_text)
    return found


def every_name(project) -> dict[str, list[str]]:
    return {
        "class": [c.name for c in project.classes],
        "attribute": list(project.attributes),
        "rule": [r.id for r in project.rules],
        "keypoint": [p for ks in project.keypoint_schemas.values() for p in ks.points],
    }


def site_text(files) -> str:
    """What a reader sees: every page rendered, tags stripped, entities decoded."""
    out = []
    for rel, text in text_files(files).items():
        if rel.endswith(".md"):
            rendered = markdown.markdown(text, extensions=["tables", "admonition"])
            out.append(htmllib.unescape(re.sub(r"<[^>]+>", " ", rendered)))
    return " ".join(" ".join(out).split())


name_st = st.text(alphabet=st.sampled_from(list("abcxyz019 _.-/()&*<>|#")), min_size=1,
                  max_size=12).map(lambda s: " ".join(s.split())).filter(
    lambda s: s and s[0].isalnum())
ident_st = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(name_st, min_size=1, max_size=6, unique=True),
       st.lists(ident_st, min_size=0, max_size=4, unique=True),
       st.lists(ident_st, min_size=1, max_size=4, unique=True),
       st.lists(ident_st, min_size=1, max_size=5, unique=True))
def test_property_every_element_appears_in_the_site(names, attrs, rules, points):
    spec = {
        "guidec": 1, "project": {"id": "p", "title": "P", "version": "1.0.0"},
        "attributes": {a: {"type": "bool"} for a in attrs},
        "keypoint_schemas": {"k": {"points": points, "skeleton": [points[:2]]
                                   if len(points) > 1 else []}},
        "classes": [{"id": i, "name": n, "attributes": attrs[:1],
                     **({"keypoints": "k"} if i == 0 else {})} for i, n in enumerate(names)],
        "rules": [{"id": r, "title": f"T {r}", "applies_to": [names[0]]} for r in rules],
    }
    project = resolve(load_spec_text(yaml.safe_dump(spec)))
    text = site_text(SiteTarget().emit(project))
    for kind, values in every_name(project).items():
        for v in values:
            assert v in text, f"{kind} {v!r} missing from the site"


def test_every_shipped_spec_element_appears():
    for spec in [*sorted(SPECS.glob("*/spec.yaml")), FIXTURE]:
        project = load_project(str(spec))
        text = site_text(SiteTarget().emit(project))
        for kind, values in every_name(project).items():
            for v in values:
                assert v in text, f"{spec}: {kind} {v!r} missing"


def test_navigation_for_a_thousand_classes(tmp_path):
    files = emit(generated_spec(tmp_path, 1000, n_images=2))
    cfg = yaml.safe_load(files["mkdocs.yml"])
    classes_nav = next(item["Classes"] for item in cfg["nav"] if "Classes" in item)
    assert len(classes_nav) <= 1 + 1000 // 40  # catalogue + groups, not 1,000 entries
    assert cfg["not_in_nav"].strip() == "/classes/*.md"
    groups = [k for k in files if k.startswith("docs/classes/groups/")]
    assert 10 <= len(groups) <= 40
    listed = "".join(files[g] for g in groups)
    assert all(f"class_{i:04d}" in listed for i in range(1000))  # every class in a group
    for rel, text in text_files(files).items():
        headings = len(re.findall(r"^#{1,6} ", text, re.MULTILINE))
        assert headings < 60, f"{rel} has {headings} headings"


def test_small_taxonomy_lists_every_class_page_in_the_navigation():
    cfg = yaml.safe_load(emit(SPECS / "retail-shelf" / "spec.yaml")["mkdocs.yml"])
    classes_nav = next(item["Classes"] for item in cfg["nav"] if "Classes" in item)
    assert {"Product facing": ["classes/product.md", "classes/product-private-label.md"]} \
        in classes_nav
    assert "not_in_nav" not in cfg
    assert len(cfg["nav"]) >= 5 and NAV_LIMIT >= 10


def test_slugs_are_unique_and_safe(write):
    files = emit(write("spec.yaml", """guidec: 1
project: {id: p, title: P, version: 1.0.0}
classes:
  - {id: 1, name: "Truck w/Box"}
  - {id: 2, name: "truck-w-box"}
  - {id: 3, name: "index"}
  - {id: 4, name: "../../etc"}
"""))
    pages = sorted(k for k in files if k.startswith("docs/classes/"))
    assert pages == ["docs/classes/etc.md", "docs/classes/index-3.md",
                     "docs/classes/index.md", "docs/classes/truck-w-box-2.md",
                     "docs/classes/truck-w-box.md"]
    assert slugify("   ") == "x"


def test_skeleton_layout_mirrors_flip_pairs():
    project = load_project(str(FIXTURE))
    ks = project.keypoint_schemas["rocket-axis"]
    pos = layout(ks)
    left, right = ks.index("left_fin"), ks.index("right_fin")
    assert pos[left][0] == -pos[right][0] != 0 and pos[left][1] == pos[right][1]
    assert pos[ks.index("nose")][0] == 0
    svg = ET.fromstring(diagram_svg(ks))
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in svg.iter(f"{ns}text")]
    assert {"0: nose", "1: left_fin", "2: right_fin", "3: base"} <= set(texts)
    assert len([e for e in svg.iter(f"{ns}path") if e.get("class") == "flip"]) == 1
    assert len([e for e in svg.iter(f"{ns}line") if e.get("class") == "edge"]) == 4


def test_changes_since_lists_added_removed_renamed_deprecated():
    old = resolve(load_spec_text("""guidec: 1
project: {id: p, title: P, version: 1.0.0}
classes:
  - {id: 1, name: car}
  - {id: 2, name: van}
  - {id: 3, name: bike}
"""))
    new = resolve(load_spec_text("""guidec: 1
project: {id: p, title: P, version: 2.0.0}
classes:
  - {id: 1, name: automobile}
  - {id: 2, name: van, deprecated: true, replaced_by: automobile}
  - {id: 4, name: truck}
"""))
    got = {(c.kind, c.subject) for c in changes_since(old, new)}
    # 'car' became 'automobile' without declaring the alias: the diff calls it a removal
    assert got == {("removed", "class:car"), ("deprecated", "class:van"),
                   ("added", "class:truck"), ("removed", "class:bike")}
    assert changes_since(new, new) == []
    page = SiteTarget(since=old).emit(new)["docs/index.md"]
    assert "## What changed since 1\\.0.0" in page
    changes = page.split("## What changed since")[1]
    assert "bike" in changes and "truck" in changes and "automobile" in changes


def test_checks_link_to_the_validation_rule_code():
    from guidec.spec.check_keywords import KEYWORDS
    from guidec.targets.site import words

    assert words.check_code("min_box_side").code == "V400"
    assert words.check_code("max_box_side").name == "check-box-side"
    files = emit(SPECS / "retail-shelf" / "spec.yaml")
    rule = next(v for k, v in files.items() if k.startswith("docs/rules/")
                and "min_box_side" in v)
    assert "**V400** `check-box-side` ([reference](../checks.md#min_box_side))" in rule
    assert "Reported as **V400**" in files["docs/checks.md"]
    # every keyword of the spec's check has a validator code
    assert all(words.check_code(k.name) is not None for k in KEYWORDS)


def test_home_page_lists_the_same_changes_as_guidec_diff():
    """The site shows the classified diff itself (shared code, not a copy)."""
    from guidec.diff import changes_since as diff_changes

    old = resolve(load_spec_text("""guidec: 1
project: {id: p, title: P, version: 1.0.0}
classes:
  - {id: 1, name: car}
"""))
    new = resolve(load_spec_text("""guidec: 1
project: {id: p, title: P, version: 1.1.0}
classes:
  - {id: 1, name: car}
  - {id: 2, name: bus}
"""))
    page = SiteTarget(since=old).emit(new)["docs/index.md"]
    changes = diff_changes(old, new)
    assert changes
    for c in changes:
        assert c.kind in page and "bus" in page


def test_home_page_states_the_composition_plan():
    project = resolve(load_spec_text("""guidec: 1
project: {id: p, title: P, version: 1.0.0}
classes:
  - {id: 1, name: forklift}
  - {id: 2, name: pallet}
splits:
  names: [train, val]
  priors:
    forklift: {share: 0.05, tolerance: 0.02, min: {train: 200, val: 30}}
    pallet: {share: 0.3, of: images, min: 10}
  hard_negatives: {min_share: 0.1}
  strata:
    region: {shares: {eu: 0.5, us: 0.5}, tolerance: 0.05}
"""))
    page = SiteTarget().emit(project)["docs/index.md"]
    plan = page.split("## Dataset composition")[1].split("\n## ")[0]
    lines = [ln for ln in plan.splitlines() if ln.startswith("- ")]
    assert lines == [
        "- `forklift`: 5 % of each split's objects, give or take 2 points; at least 200 in "
        "train, 30 in val.",
        "- `pallet`: 30 % of each split's images (holding at least one), give or take 5 "
        "points; at least 10 objects in every split.",
        "- Hard negatives: at least 10 % of each split's images hold no object on purpose, "
        "each marked `reviewed_empty`; an empty image without the mark is taken as forgotten "
        "and sent back.",
        "- Each split's images by `region`: eu 50 %, us 50 %, give or take 5 points."]
    assert "## Dataset composition" not in SiteTarget().emit(resolve(load_spec_text(
        "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n")))["docs/index.md"]
