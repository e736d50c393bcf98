"""Lint rules about what annotators read: definitions, examples and their images."""

from __future__ import annotations

import os

from guidec.diagnostics import Severity
from guidec.lint import lint_rule
from guidec.view import Project


@lint_rule("L701", "missing-definition", Severity.WARNING,
           "A class in use has no `definition`.",
           why="The definition is the first thing an annotator reads on the class page; without "
               "it every annotator draws the boundary of the class somewhere else.",
           example="classes:\n  - {id: 1, name: car}  # definition: ...")
def missing_definition(project: Project):
    for c in project.active_classes:
        if not c.definition.strip():
            yield missing_definition.code(f"class {c.name!r} has no definition",
                                          path=(*c.spec_path, "name"))


@lint_rule("L702", "missing-example", Severity.INFO,
           "A class in use has no example image: none of its own and none drawn by a rule's "
           "example.",
           why="Edge cases are learnt from pictures; a class without one is where agreement "
               "drops first.",
           example="classes:\n  - id: 1\n    name: car\n    definition: A passenger car.\n"
                   "    # examples: [{image: examples/car.png, verdict: good}]")
def missing_example(project: Project):
    shown: set[str] = set()
    for ex in project.examples:
        shown.update(ex.classes)
    for c in project.active_classes:
        if c.name not in shown:
            yield missing_example.code(f"class {c.name!r} has no example image",
                                       path=(*c.spec_path, "name"))


def _image_problem(image: str, folder: str) -> tuple[str, str] | None:
    if os.path.isabs(image) or image.startswith(("~", "\\")) or ":" in image.split("/")[0]:
        return "L704", f"example image {image!r} is absolute; paths are relative to the spec"
    real_folder = os.path.realpath(folder)
    target = os.path.realpath(os.path.join(real_folder, image))
    if os.path.commonpath([target, real_folder]) != real_folder:
        return "L704", f"example image {image!r} leaves the spec's folder"
    if not os.path.isfile(target):
        return "L703", f"example image {image!r} does not exist"
    return None


def _image_findings(project: Project):
    folder = project.loaded.folder
    cache: dict[str, tuple[str, str] | None] = {}
    for ex in project.examples:
        image = ex.example.image
        if image not in cache:
            cache[image] = _image_problem(image, folder)
        if cache[image] is not None:
            yield cache[image], (*ex.spec_path, "image")


@lint_rule("L703", "example-image-missing", Severity.ERROR,
           "An example's image file does not exist (paths are relative to the spec's folder).",
           example="examples:\n  - {image: examples/missing.png, verdict: good}")
def image_missing(project: Project):
    for (code, msg), path in _image_findings(project):
        if code == "L703":
            yield image_missing.code(msg, path=path)


@lint_rule("L704", "example-image-outside-folder", Severity.ERROR,
           "An example's image path is absolute or leaves the spec's folder.",
           why="The playbook copies example images next to its pages; a spec compiled on CI must "
               "not read arbitrary files of the machine.",
           example="examples:\n  - {image: ../../secret.png, verdict: good}")
def image_outside(project: Project):
    for (code, msg), path in _image_findings(project):
        if code == "L704":
            yield image_outside.code(msg, path=path)


@lint_rule("L705", "empty-rule", Severity.WARNING,
           "A rule has neither guideline prose nor a check.",
           why="Its title alone is all annotators get, and nothing verifies it.",
           example="rules:\n  - {id: tight, title: Tight boxes}")
def empty_rule(project: Project):
    for r in project.rules:
        if not r.model.guideline.strip() and r.model.check is None and not r.model.examples:
            yield empty_rule.code(f"rule {r.id!r} has no guideline, check or example",
                                  path=(*r.spec_path, "id"))
