"""Pascal VOC label map (``pascal_voc/labelmap.txt``) as CVAT and Datumaro read it.

One line per label, ``name:r,g,b::`` (parts and actions empty), after the header comment and
``background:0,0,0::`` (mask index 0). Active classes in id order; deprecated ones are left out.
A class name with ``:`` cannot be written (T302).
"""

from __future__ import annotations

from guidec.codes import code
from guidec.diagnostics import Diagnostic
from guidec.targets import TARGETS, Target
from guidec.view import Project

T302 = code("T302")

BACKGROUND = "background"


def rgb(color: str) -> str:
    return ",".join(str(int(color[i:i + 2], 16)) for i in (1, 3, 5))


def labelmap(project: Project) -> str:
    lines = ["# label:color_rgb:parts:actions"]
    classes = sorted(project.active_classes, key=lambda c: c.id)
    if not any(c.name == BACKGROUND for c in classes):
        lines.append(f"{BACKGROUND}:0,0,0::")
    lines.extend(f"{c.name}:{rgb(c.color)}::" for c in classes)
    return "\n".join(lines) + "\n"


@TARGETS.add
class PascalVoc(Target):
    name = "pascal_voc"
    description = "Pascal VOC label map with colours (labelmap.txt)"

    def check(self, project: Project) -> list[Diagnostic]:
        return [project.loaded.source.place(T302(
            f"class {c.name!r} cannot be written to a VOC label map (':' or line break)",
            path=(*c.spec_path, "name")))
            for c in project.active_classes if any(ch in c.name for ch in ":\n\r")]

    def emit(self, project: Project) -> dict[str, str | bytes]:
        return {"labelmap.txt": labelmap(project)}
