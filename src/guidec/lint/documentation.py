"""Lint rules about what annotators read: definitions, examples and their images."""

from __future__ import annotations

import os

from guidec.lint import lint_rule
from guidec.view import Project


@lint_rule("L701")
def missing_definition(project: Project):
    for c in project.active_classes:
        if not c.definition.strip():
            yield missing_definition.code(f"class {c.name!r} has no definition",
                                          path=(*c.spec_path, "name"))


@lint_rule("L702")
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


@lint_rule("L703")
def image_missing(project: Project):
    for (code, msg), path in _image_findings(project):
        if code == "L703":
            yield image_missing.code(msg, path=path)


@lint_rule("L704")
def image_outside(project: Project):
    for (code, msg), path in _image_findings(project):
        if code == "L704":
            yield image_outside.code(msg, path=path)


@lint_rule("L705")
def empty_rule(project: Project):
    for r in project.rules:
        if not r.model.guideline.strip() and r.model.check is None and not r.model.examples:
            yield empty_rule.code(f"rule {r.id!r} has no guideline, check or example",
                                  path=(*r.spec_path, "id"))
