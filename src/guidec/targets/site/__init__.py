"""The annotator playbook: an mkdocs-material project (``mkdocs.yml`` + ``docs/``).

Pages are Markdown rendered from Jinja templates in ``templates/site/`` (``StrictUndefined``);
every value a template prints is escaped as literal text unless it was made safe on purpose
(:mod:`guidec.targets.site.text`), so raw HTML in a spec never executes in the site. ``mkdocs.yml``
is built as data. Example images are copied into ``docs/assets/examples/`` under a content hash
and drawn over with SVG (:mod:`guidec.targets.site.overlay`); keypoint schemas get a diagram.

The package: this module is the target (example images read and checked, then the pages built);
:mod:`.navigation` names pages and builds ``mkdocs.yml``; :mod:`.pages` renders every page;
:mod:`.helpers` holds what they share; :mod:`.text`, :mod:`.words`, :mod:`.overlay` and
:mod:`.skeleton` turn spec text, checks, examples and keypoint schemas into page content.
"""

from __future__ import annotations

import hashlib
import os

from guidec import codes
from guidec.diagnostics import Diagnostic
from guidec.imagesize import image_format, size_of_bytes
from guidec.targets import TARGETS, Target
from guidec.targets.site.helpers import ImageInfo, slugify
from guidec.targets.site.navigation import GENERATED_MARK, NAV_LIMIT
from guidec.targets.site.pages import Pages
from guidec.view import Project

__all__ = ["GENERATED_MARK", "NAV_LIMIT", "SiteTarget", "slugify"]

# Missing images and paths leaving the spec's folder are lint errors (L703, L704) that stop
# `guidec build` and `guidec site` before this target runs; called directly, the target still
# never reads outside the spec's folder and draws the shapes on a blank canvas instead.
T401 = codes.code("T401")



@TARGETS.add
class SiteTarget(Target):
    name = "site"
    description = "annotator playbook: an mkdocs-material project (mkdocs.yml + docs/)"

    def __init__(self, since: Project | None = None):
        self.since = since

    # ------------------------------------------------------------------ images
    def _image(self, project: Project, rel: str) -> tuple[ImageInfo, str | None]:
        """The example image ``rel`` (relative to the spec folder) read, hashed and sized,
        or an empty :class:`ImageInfo` and (for an unreadable image) what is wrong."""
        folder = os.path.realpath(project.loaded.folder)
        norm = rel.replace("\\", "/")
        full = os.path.realpath(os.path.join(folder, norm))
        if os.path.isabs(norm) or os.path.commonpath([folder, full]) != folder:
            return ImageInfo(None, None), None  # L704 reports it
        try:
            with open(full, "rb") as fh:
                data = fh.read()
        except OSError:
            return ImageInfo(None, None), None  # L703 reports it
        size = size_of_bytes(data)
        kind = image_format(data)
        if size is None or kind is None:
            return ImageInfo(None, None), (f"example image {rel!r} is not a PNG, JPEG, GIF, "
                                           "WebP or BMP image whose size can be read")
        digest = hashlib.sha256(data).hexdigest()[:16]
        ext = "jpg" if kind == "jpeg" else kind
        return ImageInfo(f"assets/examples/{digest}.{ext}", size, data), None

    def _images(self, project: Project) -> tuple[dict[str, ImageInfo], list[Diagnostic]]:
        cache = getattr(self, "_image_cache", None)
        if cache is not None and cache[0] is project:
            return cache[1], cache[2]
        infos: dict[str, ImageInfo] = {}
        diags: list[Diagnostic] = []
        source = project.loaded.source
        for ref in project.examples:
            rel = ref.example.image
            if rel not in infos:
                info, problem = self._image(project, rel)
                infos[rel] = info
                if problem is not None:
                    diags.append(source.place(T401(problem, path=(*ref.spec_path, "image"))))
        self._image_cache = (project, infos, diags)
        return infos, diags

    def check(self, project: Project) -> list[Diagnostic]:
        return list(self._images(project)[1])

    # ------------------------------------------------------------------ emit
    def emit(self, project: Project) -> dict[str, str | bytes]:
        return Pages(project, self.since, self._images(project)[0]).build()

