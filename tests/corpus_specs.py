"""Express real taxonomies from ../shared/corpus as guidec specs, at test time.

The corpus holds files under licences we must not copy (ultralytics is AGPL-3.0), so nothing
here is vendored: each converter reads the original file, builds a spec as plain data, and the
tests run `guidec check` on it. Python sources are read with :mod:`ast`, never imported.

    python -m tests.corpus_specs OUT_DIR      # writes every converted spec, for a look by hand
"""

from __future__ import annotations

import ast
import operator
import re
import sys
from pathlib import Path

import yaml

from tests.conftest import CORPUS

ULTRALYTICS = "pypi/ultralytics-8.4.190/ultralytics/cfg/datasets"
MMPOSE = "pypi/mmpose-1.3.2/mmpose/.mim/configs/_base_/datasets"
CITYSCAPES = "pypi/cityscapesscripts-2.3.0/cityscapesscripts/helpers/labels.py"

_OPS = {ast.Add: operator.add, ast.Mult: operator.mul, ast.Sub: operator.sub,
        ast.Div: operator.truediv}


def literal(node: ast.AST):
    """Evaluate the literal subset config files use: constants, containers, dict(...), +, *."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return {kw.arg: _soft(kw.value) for kw in node.keywords}
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](literal(node.left), literal(node.right))
    if isinstance(node, ast.Dict):
        return {literal(k): _soft(v) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.List | ast.Tuple):
        return [literal(e) for e in node.elts]
    return ast.literal_eval(node)


def _soft(node: ast.AST):
    """A value that is not a literal (a name, a subscript) reads as None."""
    try:
        return literal(node)
    except (ValueError, TypeError, KeyError):
        return None


def assignment(path: Path, name: str):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            return stmt.value
    raise KeyError(f"{name} not assigned in {path}")


def _head(pid: str, title: str, summary: str) -> dict:
    return {"guidec": 1, "project": {"id": re.sub(r"[^A-Za-z0-9_.\-]+", "-", pid).strip("-"),
                                     "title": title, "version": "1.0.0", "summary": summary}}


def point_name(name: str) -> str:
    """Keypoint names are identifiers in guidec; mmpose's 'left collar' becomes left_collar."""
    return re.sub(r"\s+", "_", name.strip())


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in rgb)


# --------------------------------------------------------------------------- Cityscapes
#: guidec ids are >= 0; Cityscapes gives 'license plate' id -1 ("not in ground truth images").
#: The converter gives it the next free id, 34, and keeps it out of evaluation as Cityscapes does.
NO_ID_CITYSCAPES = 34

def cityscapes(corpus: Path = CORPUS, problems: list[str] | None = None) -> dict:
    """labels.py: 35 labels, category, trainId (255 ignore, -1 none), instances, eval flags."""
    problems = [] if problems is None else problems
    node = assignment(corpus / CITYSCAPES, "labels")
    classes = []
    for call in node.elts:
        name, id_, train_id, category, _cat_id, has_inst, ignore, color = (
            literal(a) for a in call.args)
        c = {"id": id_, "name": name, "color": _hex(color), "category": category,
             "shapes": ["polygon", "mask"], "instances": has_inst, "ignore_in_eval": ignore,
             "definition": f"Cityscapes label {name!r} ({category})."}
        if 0 <= train_id <= 255:
            c["train_id"] = train_id
        else:
            problems.append(f"labels.py: {name!r} has trainId {train_id} (train ids are 0-255)")
        if id_ < 0:  # 'license plate': id -1 means "no id in ground-truth images"
            problems.append(f"labels.py: {name!r} has id {id_}; given id {NO_ID_CITYSCAPES}")
            c["id"] = NO_ID_CITYSCAPES
        classes.append(c)
    spec = _head("cityscapes", "Cityscapes", "The 35 Cityscapes labels (cityscapesscripts).")
    spec["classes"] = classes
    spec["exports"] = ["semantic_mask", "panoptic"]
    return spec


# --------------------------------------------------------------------------- mmpose
def mmpose(path: Path, problems: list[str] | None = None) -> dict:
    """A dataset_info file: keypoint_info (name, id, swap), skeleton_info (links), sigmas.

    What a guidec spec cannot hold (mmpose's per-point ids, one-way swaps, joint_weights) is
    checked here and appended to ``problems``.
    """
    problems = [] if problems is None else problems
    info = literal(assignment(path, "dataset_info"))
    kinfo = info["keypoint_info"]
    points = [point_name(kinfo[i]["name"]) for i in sorted(kinfo)]
    ids: dict[int, str] = {}
    wrong = []
    for i in sorted(kinfo):
        kid, name = kinfo[i].get("id"), kinfo[i]["name"]
        if kid != i:
            wrong.append(f"{name!r} at index {i} has id {kid}"
                         + (f", the id of {ids[kid]!r}" if kid in ids else ""))
        ids.setdefault(kid, name)
    if wrong:
        problems.append(f"{path.name}: {len(wrong)} keypoint(s) with an id that is not their "
                        f"index ({len(ids)} distinct ids for {len(kinfo)} keypoints); first: "
                        + wrong[0])
    swap = {point_name(kinfo[i]["name"]): point_name(kinfo[i].get("swap") or "") for i in kinfo}
    flip: list[list[str]] = []
    for a, b in swap.items():
        if not b:
            continue
        if swap.get(b) != a:
            problems.append(f"{path.name}: {a!r} swaps with {b!r}, but {b!r} swaps with "
                            f"{swap.get(b) or 'nothing'!r}")
        if a < b or swap.get(b) != a:
            flip.append([a, b])
    weights = info.get("joint_weights")
    if weights is not None and len(weights) != len(points):
        problems.append(f"{path.name}: {len(weights)} joint_weights for {len(points)} keypoints")
    skeleton = [[point_name(p) for p in s["link"]]
                for _, s in sorted((info.get("skeleton_info") or {}).items())]
    schema = {"points": points, "skeleton": skeleton, "flip": flip}
    sigmas = info.get("sigmas")
    if sigmas:
        schema["sigmas"] = [float(s) for s in sigmas]
    name = info.get("dataset_name", path.stem)
    spec = _head(f"mmpose-{name}", f"mmpose {name}", f"Keypoints of {path.name} (mmpose 1.3.2).")
    spec["keypoint_schemas"] = {"kp": schema}
    spec["classes"] = [{"id": 1, "name": "instance", "shapes": ["box", "keypoints"],
                        "keypoints": "kp", "definition": f"An instance of {name}."}]
    spec["exports"] = [{"format": "coco", "variant": "keypoints"}]
    return spec


# --------------------------------------------------------------------------- ultralytics
def ultralytics(path: Path, problems: list[str] | None = None) -> dict:
    """A YOLO data.yaml: names {id: name}, and for pose kpt_shape, flip_idx, kpt_names."""
    problems = [] if problems is None else problems
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = data["names"]
    items = sorted(names.items()) if isinstance(names, dict) else list(enumerate(names))
    spec = _head(f"yolo-{path.stem}", path.stem, f"Classes of {path.name} (ultralytics).")
    shapes = ["box"]
    kpt = data.get("kpt_shape")
    if kpt:
        n = kpt[0]
        kn = (data.get("kpt_names") or {}).get(0) or [f"kp{i}" for i in range(n)]
        flip_idx = data.get("flip_idx")
        pairs: list[list[str]] = []
        if flip_idx is None:
            problems.append(f"{path.name}: no flip_idx for {n} keypoints")
        else:
            if len(flip_idx) != n:
                problems.append(f"{path.name}: flip_idx has {len(flip_idx)} entries for {n} "
                                "keypoints")
            for i, j in enumerate(flip_idx):
                if not 0 <= j < n:
                    problems.append(f"{path.name}: flip_idx[{i}] = {j} is not a keypoint")
                elif i < j or (i > j and flip_idx[j] != i):
                    pairs.append([kn[i], kn[j]])
        spec["keypoint_schemas"] = {"kp": {"points": kn, "flip": pairs,
                                           "visibility": "coco" if kpt[1] == 3 else "none"}}
        shapes = ["box", "keypoints"]
    if "DOTA" in path.stem or "dota" in path.stem:
        shapes = ["rotated_box"]
    classes = []
    for i, n in items:
        # LVIS names list synonyms: 'aerosol_can/spray_can' -> name + aliases
        first, *synonyms = str(n).split("/") if "lvis" in path.stem else [str(n)]
        c = {"id": int(i), "name": first, "shapes": shapes, "definition": f"YOLO class {i}."}
        if synonyms:
            c["aliases"] = synonyms
        if kpt:
            c["keypoints"] = "kp"
        classes.append(c)
    spec["classes"] = classes
    variant = "pose" if kpt else ("obb" if shapes == ["rotated_box"] else "detect")
    spec["exports"] = [{"format": "yolo", "variant": variant}]
    return spec


def all_specs(corpus: Path = CORPUS) -> dict[str, tuple[dict, list[str]]]:
    """Every convertible corpus file: ``{key: (spec, conversion problems)}``."""
    out: dict[str, tuple[dict, list[str]]] = {}
    problems: list[str] = []
    out["cityscapes"] = (cityscapes(corpus, problems), problems)
    for p in sorted((corpus / MMPOSE).glob("*.py")):
        problems = []
        out[f"mmpose-{p.stem}"] = (mmpose(p, problems), problems)
    for p in sorted((corpus / ULTRALYTICS).glob("*.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("names"):
            problems = []
            out[f"yolo-{p.stem}"] = (ultralytics(p, problems), problems)
    return out


def write(spec: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100),
                    encoding="utf-8")
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "build/corpus-specs")
    for key, (spec, problems) in all_specs().items():
        print(write(spec, out / key / "spec.yaml"))
        for problem in problems:
            print("   ", problem)
