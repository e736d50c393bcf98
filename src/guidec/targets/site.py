"""The annotator playbook: an mkdocs-material project (``mkdocs.yml`` + ``docs/``).

Pages are Markdown rendered from Jinja templates in ``templates/site/`` (``StrictUndefined``);
every value a template prints is escaped as literal text unless it was made safe on purpose
(:mod:`guidec.playbook.text`), so raw HTML in a spec never executes in the site. ``mkdocs.yml``
is built as data. Example images are copied into ``docs/assets/examples/`` under a content hash
and drawn over with SVG (:mod:`guidec.playbook.overlay`); keypoint schemas get a diagram.

Navigation stays usable at any size: up to :data:`NAV_LIMIT` classes each class page is in the
navigation (subclasses nested under their parent); beyond that the navigation lists groups (one
per top-level class, or alphabetical buckets of them) and the class pages are reached through
the catalogue, the group pages and search.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from guidec.codes import register as register_code
from guidec.diagnostics import Diagnostic, Severity
from guidec.imagesize import image_format, size_of_bytes
from guidec.playbook import overlay, skeleton
from guidec.playbook.changes import Change, changes_since
from guidec.playbook.text import code, literal, prose, prose_inline
from guidec.playbook.words import (
    CORE_ERRORS,
    STANDARD_ERRORS,
    check_code,
    check_in_words,
    media_in_words,
    percent,
    splits_in_words,
)
from guidec.resources import template_path
from guidec.spec.model import Attribute, Example
from guidec.targets import Target, register
from guidec.view import ExampleRef, Project, ResolvedClass, ResolvedRule

NAV_LIMIT = 60  # more pages than this in a section: group them
GROUP_BY_LETTER = 30  # more top-level classes than this: bucket them by first letter

T401 = register_code(
    "T401", "example-image-missing", Severity.WARNING,
    "An example image named in the spec does not exist.",
    why="The playbook shows the example's shapes on a blank canvas instead of the photo, so "
        "annotators cannot see what the example is about.",
    example="examples:\n  - image: img/missing.jpg   # no such file next to the spec\n"
            "    verdict: good")
T402 = register_code(
    "T402", "example-image-outside-spec", Severity.WARNING,
    "An example image path leaves the spec's folder (absolute, or through '..').",
    why="The site copies example images into the published site; a path outside the spec's "
        "folder could publish an unrelated file. The image is left out.",
    example="examples:\n  - image: ../../secrets/photo.jpg\n    verdict: bad")
T403 = register_code(
    "T403", "example-image-unreadable", Severity.WARNING,
    "An example image is not a PNG, JPEG, GIF, WebP or BMP file whose size can be read.",
    why="The playbook needs the image's width and height to draw shapes in the right place; "
        "browsers also need a web format to show it.",
    example="examples:\n  - image: img/scan.tiff\n    verdict: good")


@dataclass
class ImageInfo:
    rel: str | None  # docs-relative path of the copy, None when not copied
    size: tuple[int, int] | None
    data: bytes | None = None


@dataclass
class _Ctx:
    project: Project
    since: Project | None
    images: dict[str, ImageInfo] = field(default_factory=dict)
    files: dict[str, str | bytes] = field(default_factory=dict)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x"


def swatch(color: str) -> Markup:
    if not re.fullmatch(r"#[0-9a-f]{6}", color):  # resolved colours are always #rrggbb
        color = "#9e9e9e"
    return Markup(f'<span class="guidec-swatch" style="background:{color}"></span>')


def link(text: Any, href: str) -> Markup:
    return Markup(f"[{literal(text)}]({href})")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_path("site")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML: finalize escapes every value instead
        finalize=lambda v: literal(v) if not isinstance(v, Markup) and v is not None else
        (v if v is not None else Markup("")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(prose=prose, prose_inline=prose_inline, code=code, literal=literal)
    return env


@register
class SiteTarget(Target):
    name = "site"
    description = "annotator playbook: an mkdocs-material project (mkdocs.yml + docs/)"

    def __init__(self, since: Project | None = None):
        self.since = since

    # ------------------------------------------------------------------ images
    def _image(self, project: Project, rel: str) -> tuple[ImageInfo, Diagnostic | None, bool]:
        """The example image ``rel`` (relative to the spec folder) read, hashed and sized."""
        folder = os.path.realpath(project.loaded.folder)
        norm = rel.replace("\\", "/")
        full = os.path.realpath(os.path.join(folder, norm))
        if os.path.isabs(norm) or os.path.commonpath([folder, full]) != folder:
            return ImageInfo(None, None), T402(
                f"example image {rel!r} is outside the spec's folder; it is left out"), True
        try:
            with open(full, "rb") as fh:
                data = fh.read()
        except OSError:
            return ImageInfo(None, None), T401(
                f"example image {rel!r} not found", hint=f"looked for {full}"), True
        size = size_of_bytes(data)
        kind = image_format(data)
        if size is None or kind is None:
            return ImageInfo(None, None), T403(
                f"example image {rel!r} is not a PNG, JPEG, GIF, WebP or BMP image "
                "whose size can be read"), True
        digest = hashlib.sha256(data).hexdigest()[:16]
        ext = "jpg" if kind == "jpeg" else kind
        return ImageInfo(f"assets/examples/{digest}.{ext}", size, data), None, False

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
                info, diag, _ = self._image(project, rel)
                infos[rel] = info
                if diag is not None:
                    diags.append(source.place(
                        Diagnostic(diag.code, diag.severity, diag.message,
                                   path=(*ref.spec_path, "image"), hint=diag.hint)))
        self._image_cache = (project, infos, diags)
        return infos, diags

    def check(self, project: Project) -> list[Diagnostic]:
        return list(self._images(project)[1])

    # ------------------------------------------------------------------ emit
    def emit(self, project: Project) -> dict[str, str | bytes]:
        return _Builder(project, self.since, self._images(project)[0]).build()


class _Builder:
    def __init__(self, project: Project, since: Project | None, images: dict[str, ImageInfo]):
        self.p = project
        self.since = since
        self.images = images
        self.env = _environment()
        self.files: dict[str, str | bytes] = {}

    # -- naming ------------------------------------------------------------
    @cached_property
    def class_slug(self) -> dict[str, str]:
        out: dict[str, str] = {}
        used = {"index", "groups"}
        for c in self.p.classes:
            s = slugify(c.name)
            if s in used:
                s = f"{s}-{c.id}"
            while s in used:
                s += "-x"
            used.add(s)
            out.setdefault(c.name, s)
        return out

    @cached_property
    def rule_slug(self) -> dict[str, str]:
        out: dict[str, str] = {}
        used = {"index"}
        for i, r in enumerate(self.p.rules):
            s = slugify(r.id)
            if s in used:
                s = f"{s}-{i}"
            used.add(s)
            out.setdefault(r.id, s)
        return out

    @cached_property
    def schema_slug(self) -> dict[str, str]:
        out: dict[str, str] = {}
        used = {"index"}
        for name in self.p.keypoint_schemas:
            s = slugify(name)
            while s in used:
                s += "-x"
            used.add(s)
            out[name] = s
        return out

    def class_href(self, name: str, where: str) -> str | None:
        slug = self.class_slug.get(name)
        if slug is None:
            return None
        return {"classes": f"{slug}.md", "groups": f"../{slug}.md"}.get(
            where, f"{'../' if where in ('rules', 'keypoints') else ''}classes/{slug}.md")

    def class_link(self, name: str, where: str, title: bool = True) -> Markup:
        c = self.p.lookup(name)
        href = self.class_href(c.name, where) if c else None
        if c is None or href is None:
            return code(name)
        return link(c.title if title else c.name, href)

    def rule_link(self, rid: str, where: str) -> Markup:
        r = self.p.rules_by_id[rid]
        prefix = {"rules": "", "root": "rules/"}.get(where, "../rules/")
        return link(r.title, f"{prefix}{self.rule_slug[rid]}.md")

    # -- render --------------------------------------------------------------
    def render(self, template: str, rel: str, **ctx: Any) -> None:
        text = self.env.get_template(template).render(**ctx)
        text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
        self.files[f"docs/{rel}"] = text

    def build(self) -> dict[str, str | bytes]:
        p = self.p
        title = p.spec.project.title
        self.files["docs/assets/guidec.css"] = _read_asset("assets/guidec.css")
        self.home()
        groups = self.catalogue()
        for c in p.classes:
            self.class_page(c)
        self.rules_pages()
        self.attributes_page()
        self.keypoint_pages()
        self.qa_page()
        self.checks_page()
        self.files["mkdocs.yml"] = self.mkdocs_yml(title, groups)
        return dict(sorted(self.files.items()))

    # -- pages -----------------------------------------------------------------
    def home(self) -> None:
        p, proj = self.p, self.p.spec.project
        roots = [c for c in p.classes if c.parent is None]
        changes: list[Change] = changes_since(self.since, p) if self.since else []
        image_attrs = [{"name": code(n), "summary": _attr_summary(p.attributes[n])}
                       for n in p.image_attributes]
        exports = ", ".join(e.format + (f" ({e.variant})" if e.variant else "")
                            for e in p.spec.export_list)
        byline = Markup(f"**Version {literal(proj.version)}**")
        if proj.owners:
            byline += Markup(" · maintained by ") + literal(", ".join(proj.owners))
        n_dep = sum(c.deprecated for c in p.classes)
        counts = _plural(len(p.classes), "class", "classes")
        if n_dep:
            counts += f" ({n_dep} deprecated, kept only so old labels stay readable)"
        counts += (f", {_plural(len(p.rules), 'rule', 'rules')} and "
                   f"{_plural(len(p.keypoint_schemas), 'keypoint schema', 'keypoint schemas')}")
        roots_ = []
        for c in roots:
            line = self.class_link(c.name, "root")
            n = len(p.descendants(c.name))
            if n:
                line += literal(f" and {_plural(n, 'subclass', 'subclasses')}")
            roots_.append({"line": line})
        self.render(
            "home.md.j2", "index.md",
            title=proj.title, byline=byline,
            summary=prose(proj.summary), description=prose(proj.description),
            counts=literal(f"This program has {counts}. The top-level classes:"),
            roots=roots_,
            media=[prose_inline(s) for s in media_in_words(p.spec.media)],
            splits=[prose_inline(s) for s in splits_in_words(p.spec)],
            image_attributes=image_attrs, exports=exports,
            since=self.since.spec.project.version if self.since else None,
            changes=[{"kind": ch.kind, "message": prose_inline(ch.message)} for ch in changes],
        )

    @cached_property
    def groups(self) -> list[tuple[str, str, list[ResolvedClass]]]:
        """``[(slug, title, classes)]`` when the catalogue is too big for the navigation."""
        p = self.p
        if len(p.classes) <= NAV_LIMIT:
            return []
        roots = [c for c in p.classes if c.parent is None]
        members = {c.name: [c, *p.descendants(c.name)] for c in roots}
        if len(roots) <= GROUP_BY_LETTER:
            return [(f"group-{self.class_slug[c.name]}", c.title, members[c.name]) for c in roots]
        buckets: dict[str, list[ResolvedClass]] = {}
        for c in roots:
            first = c.title[:1].upper()
            key = first if first.isascii() and first.isalpha() else "#"
            buckets.setdefault(key, []).extend(members[c.name])
        return [(f"letter-{slugify(k) if k != '#' else 'other'}",
                 f"Classes {k}" if k != "#" else "Other classes", v)
                for k, v in sorted(buckets.items())]

    def _status(self, c: ResolvedClass, where: str) -> Markup:
        if c.deprecated:
            if c.replaced_by:
                repl = ", ".join(self.class_link(r, where, title=False) for r in c.replaced_by)
                return Markup(f"deprecated → {repl}")
            return Markup("deprecated")
        return Markup("experimental") if c.experimental else Markup("")

    def catalogue(self) -> list[tuple[str, str, list[ResolvedClass]]]:
        p = self.p
        rows = []
        for c in p.classes:
            rows.append({
                "swatch": swatch(c.color),
                "indent": Markup("&emsp;" * c.depth + ("↳ " if c.depth else "")),
                "link": self.class_link(c.name, "classes"),
                "name_code": code(c.name), "id": c.id, "hotkey": c.hotkey or "",
                "shapes": ", ".join(c.shapes),
                "parent": self.class_link(c.parent, "classes", title=False)
                if c.parent else Markup(""),
                "status": self._status(c, "classes"),
            })
        groups = self.groups
        self.render("catalogue.md.j2", "classes/index.md", title=p.spec.project.title,
                    classes=rows, groups=[{"link": link(t, f"groups/{s}.md"), "count": len(m)}
                                          for s, t, m in groups])
        for slug, gtitle, members in groups:
            base = min(c.depth for c in members)
            items = []
            for c in members:
                line = Markup("    " * (c.depth - base) + "- ") + swatch(c.color) + " " + \
                    self.class_link(c.name, "groups") + " " + code(c.name)
                status = self._status(c, "groups")
                if status:
                    line += Markup(" — ") + status
                items.append({"line": line})
            self.render("group.md.j2", f"classes/groups/{slug}.md",
                        group={"title": gtitle, "count": len(members)}, classes=items)
        return groups

    def _attr_row(self, name: str, a: Attribute, where: str) -> dict[str, Any]:
        return {
            "name": code(name), "type": _attr_type(a), "allowed": _attr_allowed(a),
            "required": "yes" if a.required else "no",
            "default": code(_show(a.default)) if a.default is not None else "",
            "when": _attr_when(a), "description": prose_inline(a.description),
            "scope": a.scope,
        }

    def class_page(self, c: ResolvedClass) -> None:
        p = self.p
        attrs = [self._attr_row(n, p.attributes[n], "classes") for n in c.attributes
                 if n in p.attributes]
        tr = c.text_region
        text_words: list[Markup] = []
        if tr is not None:
            text_words.append(literal({"required": "A transcription is required.",
                                       "optional": "A transcription is optional.",
                                       "none": "Draw the region only; no transcription."}
                                      [tr.transcription]))
            if tr.pattern:
                text_words.append(Markup(f"It matches the pattern {code(tr.pattern)}."))
            if tr.alphabet:
                text_words.append(Markup(f"Allowed characters: {code(tr.alphabet)}."))
            if tr.language:
                text_words.append(Markup(f"Language: {code(tr.language)}."))
            if tr.max_length:
                text_words.append(literal(f"At most {tr.max_length} characters."))
            if tr.illegible:
                text_words.append(Markup(f"Write {code(tr.illegible)} when the text is "
                                         "illegible."))
        rules = []
        for rid in c.rules:
            r = p.rules_by_id[rid]
            checks = check_in_words(r.model.check) if r.model.check else []
            line = self.rule_link(rid, "classes") + literal(f" ({r.severity})")
            if checks:
                line += Markup(": checked by the validator: ") + prose_inline(
                    "; ".join(w for _, w in checks))
            rules.append({"line": line})
        crumbs = [self.class_link(n, "classes") for n in c.path[:-1]]
        header = swatch(c.color) + Markup(" **Name** ") + code(c.name) + \
            Markup(" · **Id** ") + literal(c.id)
        if c.hotkey:
            header += Markup(" · **Hotkey** ") + code(c.hotkey)
        header += Markup(" · **Shapes** ") + literal(", ".join(c.shapes))
        if c.category:
            header += Markup(" · **Category** ") + literal(c.category)
        deprecation = Markup("Do not use this class for new labels.")
        if c.replaced_by:
            deprecation += Markup(" Use ") + Markup(", ").join(
                self.class_link(r, "classes") for r in c.replaced_by) + Markup(" instead.")
        ctx = {
            "title": c.title, "header": header, "deprecation": deprecation,
            "breadcrumb": Markup(" › ".join([*crumbs, literal(c.title)])) if crumbs else None,
            "deprecated": c.deprecated,
            "experimental": c.experimental,
            "aliases": Markup(", ".join(code(a) for a in c.aliases)),
            "definition": prose(c.definition),
            "include": [prose_inline(x) for x in c.include],
            "exclude": [prose_inline(x) for x in c.exclude],
            "attributes": attrs,
            "keypoints": link(c.keypoints, f"../keypoints/{self.schema_slug[c.keypoints]}.md")
            if c.keypoints else None,
            "text_region": text_words,
            "children": [self.class_link(ch, "classes") for ch in c.children],
            "rules": rules,
            "examples": [self.figure(ref, "classes", c.name, c.title) for ref in
                         self.p.examples_for(c.name)],
        }
        self.render("class.md.j2", f"classes/{self.class_slug[c.name]}.md", c=ctx)

    def figure(self, ref: ExampleRef, where: str, owner: str, alt: str) -> dict[str, Any]:
        ex = ref.example
        up = "../" if where != "root" else ""
        info = self.images.get(ex.image) or ImageInfo(None, None)
        size = info.size or overlay.shape_bounds(ex)
        key = hashlib.sha256(json.dumps(
            [ex.model_dump(mode="json", by_alias=True), info.rel],
            sort_keys=True).encode()).hexdigest()[:16]
        svg_rel = f"assets/examples/{key}.svg"
        if info.rel is not None and info.data is not None:
            self.files[f"docs/{info.rel}"] = info.data
        if svg_rel not in self.files:
            img_href = os.path.basename(info.rel) if info.rel else None
            self.files[f"docs/{svg_rel}"] = overlay.standalone_svg(ex, self.p, size, img_href)
        html_text = overlay.figure_html(
            ex, self.p, size, up + info.rel if info.rel else None, up + svg_rel,
            f"{'Good' if ex.verdict == 'good' else 'Bad'} example of {alt}")
        if ref.owner == owner:
            source = Markup("")
        elif ref.owner_kind == "rule":
            source = Markup("from the rule ") + self.rule_link(ref.owner, where)
        else:
            source = Markup("from the class ") + self.class_link(ref.owner, where)
        caption = prose_inline(ex.caption)
        if caption and source:
            caption += Markup(" (") + source + Markup(")")
        return {"html": Markup(html_text), "caption_line": caption or source}

    def rules_pages(self) -> None:
        p = self.p
        rows = []
        for r in p.rules:
            checks = check_in_words(r.model.check) if r.model.check else []
            codes_ = []
            for key, words in checks:
                entry = check_code(key)
                ref = f"../checks.md#{key}"
                codes_.append({
                    "words": prose_inline(words),
                    "code": Markup(f"**{entry.code}** {code(entry.name)} ([reference]({ref}))")
                    if entry else Markup(f"no validator code yet ([reference]({ref}))"),
                })
            applies = self._applies(r, "rules")
            ctx = {
                "title": r.title, "id_code": code(r.id), "severity": r.severity,
                "review": r.model.review, "applies": applies,
                "guideline": prose(r.model.guideline), "checks": codes_,
                "examples": [self.figure(ref, "rules", r.id, r.title) for ref in p.examples
                             if ref.owner_kind == "rule" and ref.owner == r.id],
            }
            self.render("rule.md.j2", f"rules/{self.rule_slug[r.id]}.md", r=ctx)
            rows.append({"link": self.rule_link(r.id, "rules"), "applies": applies,
                         "severity": r.severity,
                         "check_short": "yes" if checks else "no"})
        self.render("rules.md.j2", "rules/index.md", title=p.spec.project.title, rules=rows)

    def _applies(self, r: ResolvedRule, where: str) -> Markup:
        if r.applies_to_all:
            return Markup("every class")
        named = [self.class_link(n, where) for n in r.model.applies_to]
        sub = any(self.p.by_name[n].children for n in r.model.applies_to if n in self.p.by_name)
        return Markup(", ".join(named) + (" (and their subclasses)" if sub else ""))

    def attributes_page(self) -> None:
        p = self.p
        users: dict[str, list[str]] = {}
        for c in p.classes:
            for a in c.attributes:
                users.setdefault(a, []).append(c.name)
        rows = []
        for name, a in p.attributes.items():
            row = self._attr_row(name, a, "root")
            names = users.get(name, [])
            if a.scope == "image":
                row["classes"] = Markup("every image")
            elif len(names) > 12:
                row["classes"] = literal(f"{len(names)} classes")
            else:
                row["classes"] = Markup(", ".join(
                    link(n, f"classes/{self.class_slug[n]}.md") for n in names)) or "none"
            rows.append(row)
        self.render("attributes.md.j2", "attributes.md", title=p.spec.project.title,
                    attributes=rows)

    def keypoint_pages(self) -> None:
        p = self.p
        rows = []
        for name, ks in p.keypoint_schemas.items():
            slug = self.schema_slug[name]
            users = [c.name for c in p.classes if c.keypoints == name]
            classes = Markup(", ".join(self.class_link(n, "keypoints") for n in users)) \
                if users else Markup("no class")
            self.files[f"docs/keypoints/{slug}.svg"] = skeleton.diagram_svg(ks)
            sig = ks.sigmas or ()
            vis = {"coco": "Visibility: 0 = not labeled, 1 = labeled but hidden, 2 = visible "
                           "(COCO).",
                   "binary": "Visibility: 0 = hidden, 1 = visible.",
                   "none": "No visibility flag."}[ks.visibility]
            self.render("schema.md.j2", f"keypoints/{slug}.md", s={
                "name": name, "description": prose(ks.model.description),
                "svg": f"{slug}.svg", "classes": classes, "visibility": vis,
                "points": [{"index": i, "name": code(pt),
                            "flip": code(ks.points[ks.flip_idx[i]])
                            if ks.flip_idx[i] != i else "—",
                            "sigma": f"{sig[i]:g}" if i < len(sig) else "—"}
                           for i, pt in enumerate(ks.points)],
                "edges": [Markup(f"{code(ks.points[a])} — {code(ks.points[b])}")
                          for a, b in ks.skeleton],
                "flips": [Markup(f"{code(ks.points[i])} ↔ {code(ks.points[j])}")
                          for i, j in enumerate(ks.flip_idx) if j > i],
            })
            rows.append({"link": link(name, f"{slug}.md"), "n_points": len(ks.points),
                         "n_edges": len(ks.skeleton), "classes": classes})
        self.render("keypoints.md.j2", "keypoints/index.md", schemas=rows)

    def qa_page(self) -> None:
        p = self.p
        qa = p.spec.qa
        names = {"box_iou": "Box IoU with the reference", "polygon_iou": "Polygon IoU",
                 "mask_iou": "Mask IoU", "mask_boundary_f": "Mask boundary F-score",
                 "keypoint_oks": "Keypoint OKS", "text_cer": "Character error rate (maximum)",
                 "attribute_accuracy": "Attribute accuracy"}
        thresholds = [{"name": names.get(k, k), "value": f"{v:g}"}
                      for k, v in qa.agreement.model_dump(exclude_none=True).items()]
        words: list[str] = []
        if qa.golden_set:
            g = qa.golden_set
            size = f" of {g.size} items" if g.size else ""
            words.append(f"Golden set{size}: at least {percent(g.min_accuracy)} accuracy.")
        if qa.audit:
            a = qa.audit
            extra = f" (at least {a.min_sample} items)" if a.min_sample else ""
            words.append(f"Audit: reviewers re-check {percent(a.sample_rate)} of the "
                         f"delivered items{extra}.")
        if qa.reviewers is not None:
            words.append(f"Every item gets {qa.reviewers} review pass(es).")
        errors = []
        seen: list[str] = []
        for k in (*CORE_ERRORS, *qa.max_error_rates, *qa.error_types):
            if k not in seen:
                seen.append(k)
        for k in seen:
            definition = qa.error_types.get(k) or STANDARD_ERRORS.get(k) or \
                "(no definition in the spec)"
            rate = qa.max_error_rates.get(k)
            errors.append({"name": code(k), "definition": prose_inline(definition),
                           "max_rate": percent(rate) if rate is not None else "—"})
        roles = {"annotator": "Everyone (annotators and reviewers)",
                 "reviewer": "Reviewers", "specialist": "Specialist review"}
        checklist = []
        for role, rtitle in roles.items():
            items = []
            for r in p.rules:
                if r.model.review != role:
                    continue
                line = self.rule_link(r.id, "root") + Markup(": ") + self._applies(r, "root")
                if r.model.check is not None:
                    line += Markup(" (machine-checked)")
                items.append({"line": line})
            if items:
                checklist.append({"title": rtitle, "items": items})
        self.render("qa.md.j2", "qa.md", title=p.spec.project.title, thresholds=thresholds,
                    qa_words=words, errors=errors, checklist=checklist)

    def checks_page(self) -> None:
        used: dict[str, list[str]] = {}
        meaning: dict[str, str] = {}
        for r in self.p.rules:
            if r.model.check is None:
                continue
            for key, words in check_in_words(r.model.check):
                used.setdefault(key, [])
                if r.id not in used[key]:
                    used[key].append(r.id)
                meaning.setdefault(key, words)
        rows = []
        for key in sorted(used):
            entry = check_code(key)
            rows.append({
                "key": key, "meaning": prose_inline(f"For example: {meaning[key]}."),
                "code": entry.code if entry else None,
                "name": code(entry.name) if entry else "",
                "severity": entry.severity.label if entry else "",
                "summary": prose_inline(entry.summary) if entry else "",
                "rules": Markup(", ".join(self.rule_link(rid, "root") for rid in used[key])),
            })
        self.render("checks.md.j2", "checks.md", title=self.p.spec.project.title, checks=rows)

    # -- mkdocs.yml -----------------------------------------------------------
    def mkdocs_yml(self, title: str, groups: list) -> str:
        p = self.p
        # Nav titles are printed unescaped by mkdocs' theme templates: escape them here.
        esc = html.escape
        classes_nav: list[Any] = ["classes/index.md"]
        not_in_nav: list[str] = []
        if groups:
            classes_nav += [{esc(t): f"classes/groups/{s}.md"} for s, t, _ in groups]
            not_in_nav.append("/classes/*.md")
        else:
            classes_nav += self._class_tree([c for c in p.classes if c.parent is None])
        rules_nav: list[Any] = ["rules/index.md"]
        if len(p.rules) <= NAV_LIMIT:
            rules_nav += [f"rules/{self.rule_slug[r.id]}.md" for r in p.rules]
        else:
            not_in_nav.append("/rules/*.md")
        kp_nav: list[Any] = ["keypoints/index.md"]
        kp_nav += [f"keypoints/{s}.md" for s in self.schema_slug.values()]
        nav = [
            {"Home": "index.md"},
            {"Classes": classes_nav},
            {"Rules": rules_nav},
            {"Attributes": "attributes.md"},
            {"Keypoints": kp_nav},
            {"Quality": ["qa.md", "checks.md"]},
        ]
        cfg: dict[str, Any] = {
            "site_name": esc(f"{title} {p.spec.project.version}"),
            "site_description": esc(" ".join(p.spec.project.summary.split())),
            "docs_dir": "docs",
            "use_directory_urls": False,
            "theme": {"name": "material",
                      "features": ["navigation.tabs", "navigation.top", "search.suggest",
                                   "search.highlight", "toc.follow"]},
            "plugins": ["search"],
            "markdown_extensions": ["admonition", "tables", "sane_lists",
                                    {"toc": {"permalink": True}}],
            "extra_css": ["assets/guidec.css"],
            "nav": nav,
            "validation": {
                "nav": {"omitted_files": "warn", "not_found": "warn",
                        "absolute_links": "warn"},
                "links": {"not_found": "warn", "absolute_links": "warn",
                          "unrecognized_links": "warn", "anchors": "warn"},
            },
        }
        if not_in_nav:
            cfg["not_in_nav"] = "\n".join(not_in_nav) + "\n"
        return ("# Generated by guidec from the spec; edit the spec, not this file.\n"
                + yaml.safe_dump(cfg, sort_keys=True, allow_unicode=True, width=100))

    def _class_tree(self, classes: Iterable[ResolvedClass]) -> list[Any]:
        out: list[Any] = []
        for c in classes:
            page = f"classes/{self.class_slug[c.name]}.md"
            if c.children:
                kids = [self.p.by_name[n] for n in c.children if n in self.p.by_name]
                out.append({html.escape(c.title): [page, *self._class_tree(kids)]})
            else:
                out.append(page)
        return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# -- attribute words ---------------------------------------------------------------
def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _attr_type(a: Attribute) -> str:
    if a.type == "enum":
        return "several of a list" if a.multiple else "one of a list"
    return {"bool": "yes / no", "integer": "whole number", "number": "number",
            "text": "text"}[a.type]


def _attr_allowed(a: Attribute) -> Markup:
    if a.type == "enum":
        vals = a.values or []
        if isinstance(vals, dict):
            return Markup(", ".join(f"{code(k)} ({literal(v)})" if v else str(code(k))
                                    for k, v in vals.items()))
        return Markup(", ".join(code(v) for v in vals))
    if a.type == "bool":
        return Markup(f"{code('true')}, {code('false')}")
    if a.type in ("integer", "number"):
        parts = []
        if a.min is not None:
            parts.append(f"≥ {a.min:g}")
        if a.max is not None:
            parts.append(f"≤ {a.max:g}")
        if a.step is not None:
            parts.append(f"in steps of {a.step:g}")
        return literal(", ".join(parts) or "any")
    parts = []
    if a.pattern:
        parts.append(Markup(f"matches {code(a.pattern)}"))
    if a.min_length is not None:
        parts.append(literal(f"at least {a.min_length} characters"))
    if a.max_length is not None:
        parts.append(literal(f"at most {a.max_length} characters"))
    return Markup(", ".join(parts)) if parts else literal("any text")


def _attr_when(a: Attribute) -> Markup:
    if not a.when:
        return literal("always")
    conds = []
    for k, v in a.when.items():
        vals = v if isinstance(v, list) else [v]
        conds.append(Markup(f"{code(k)} is " + " or ".join(str(code(_show(x))) for x in vals)))
    return Markup("only when " + " and ".join(conds))


def _attr_summary(a: Attribute) -> Markup:
    return Markup(f"{literal(_attr_type(a))}, {_attr_allowed(a)}")


def _read_asset(rel: str) -> str:
    with open(template_path("site", rel), encoding="utf-8") as fh:
        return fh.read()


__all__ = ["NAV_LIMIT", "SiteTarget", "changes_since", "slugify"]
_ = Example  # re-exported type for tests
