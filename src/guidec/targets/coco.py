"""COCO ``categories`` (``coco/categories.json``): the class list a COCO training set carries.

Active classes in id order; ``supercategory`` is the class's ``category`` (given, or the name of
its root ancestor; a root class without one is its own supercategory). Classes with a keypoint
schema carry ``keypoints`` (point names) and ``skeleton`` (1-based point index pairs, as COCO
writes them). Deprecated classes are left out: a training set of this version has none.
"""

from __future__ import annotations

from guidec.targets import TARGETS, Target
from guidec.targets._common import json_text
from guidec.view import Project


def categories(project: Project) -> list[dict]:
    out = []
    for c in sorted(project.active_classes, key=lambda c: c.id):
        cat: dict = {"id": c.id, "name": c.name, "supercategory": c.category or c.name}
        if c.keypoints and "keypoints" in c.shapes:
            ks = project.keypoint_schemas[c.keypoints]
            cat["keypoints"] = list(ks.points)
            cat["skeleton"] = [[a + 1, b + 1] for a, b in ks.skeleton]
        out.append(cat)
    return out


@TARGETS.add
class Coco(Target):
    name = "coco"
    description = "COCO categories with keypoints and skeletons (categories.json)"

    def emit(self, project: Project) -> dict[str, str | bytes]:
        return {"categories.json": json_text({"categories": categories(project)})}
