"""Every page of the playbook site, rendered from the Jinja templates in ``templates/site/``."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from functools import cached_property
from typing import Any

import yaml
from markupsafe import Markup

from guidec.diff import Change, changes_since
from guidec.spec.error_types import CORE_ERRORS, known
from guidec.spec.model import Attribute
from guidec.targets.site import overlay, skeleton
from guidec.targets.site.helpers import (
    ImageInfo,
    attr_allowed,
    attr_summary,
    attr_type,
    attr_when,
    link,
    plural,
    read_asset,
    show,
    swatch,
)
from guidec.targets.site.navigation import Navigation
from guidec.targets.site.text import code, literal, prose, prose_inline
from guidec.targets.site.words import (
    check_code,
    check_in_words,
    media_in_words,
    percent,
    splits_in_words,
)
from guidec.view import ExampleRef, ResolvedClass, ResolvedRule


class Pages(Navigation):
    """Every page of the site, rendered from the templates into ``files``."""

    # -- render --------------------------------------------------------------
    def render(self, template: str, rel: str, page_title: str, boost: float | None = None,
               **ctx: Any) -> None:
        text = self.env.get_template(template).render(**ctx)
        text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
        # mkdocs-material prints the page title into <title> through `striptags`, which
        # *unescapes* it: a heading with '&lt;/title&gt;&lt;script&gt;' would become live
        # markup. A front-matter title is printed as given, so give it, HTML-escaped.
        front: dict[str, Any] = {"title": html.escape(" ".join(page_title.split()), quote=False)}
        if boost is not None:  # mkdocs-material ranks boosted pages first in search
            front["search"] = {"boost": boost}
        meta = yaml.safe_dump(front, allow_unicode=True, width=10_000, sort_keys=True)
        self.files[f"docs/{rel}"] = f"---\n{meta}---\n\n{text}"

    def build(self) -> dict[str, str | bytes]:
        p = self.p
        title = p.spec.project.title
        self.files["docs/assets/guidec.css"] = read_asset("assets/guidec.css")
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
        image_attrs = [{"name": code(n), "summary": attr_summary(p.attributes[n])}
                       for n in p.image_attributes]
        exports = ", ".join(e.format + (f" ({e.variant})" if e.variant else "")
                            for e in p.spec.export_list)
        byline = Markup(f"**Version {literal(proj.version)}**")
        if proj.owners:
            byline += Markup(" · maintained by ") + literal(", ".join(proj.owners))
        n_dep = sum(c.deprecated for c in p.classes)
        counts = plural(len(p.classes), "class", "classes")
        if n_dep:
            counts += f" ({n_dep} deprecated, kept only so old labels stay readable)"
        counts += (f", {plural(len(p.rules), 'rule', 'rules')} and "
                   f"{plural(len(p.keypoint_schemas), 'keypoint schema', 'keypoint schemas')}")
        roots_ = []
        for c in roots:
            line = self.class_link(c.name, "root")
            n = len(p.descendants(c.name))
            if n:
                line += literal(f" and {plural(n, 'subclass', 'subclasses')}")
            roots_.append({"line": line})
        self.render(
            "home.md.j2", "index.md", proj.title,
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
        self.render("catalogue.md.j2", "classes/index.md", "Class catalogue", title=p.spec.project.title,
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
            self.render("group.md.j2", f"classes/groups/{slug}.md", gtitle,
                        group={"title": gtitle, "count": len(members)}, classes=items)
        return groups

    def _attr_row(self, name: str, a: Attribute, where: str) -> dict[str, Any]:
        return {
            "name": code(name), "type": attr_type(a), "allowed": attr_allowed(a),
            "required": "yes" if a.required else "no",
            "default": code(show(a.default)) if a.default is not None else "",
            "when": attr_when(a), "description": prose_inline(a.description),
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
        # Rules that name this class (or an ancestor) in full; rules for every class in one
        # line, since they repeat on every page.
        rules = [{"line": self.rule_line(rid)} for rid in c.rules
                 if not p.rules_by_id[rid].applies_to_all]
        general = Markup(", ").join(self.rule_link(rid, "classes") for rid in c.rules
                                    if p.rules_by_id[rid].applies_to_all)
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
            "rules": rules, "general_rules": general,
            "examples": [self.figure(ref, "classes", c.name, c.title) for ref in
                         self.examples_by_class.get(c.name, [])],
        }
        self.render("class.md.j2", f"classes/{self.class_slug[c.name]}.md", c.title,
                    boost=2, c=ctx)

    def rule_line(self, rid: str) -> Markup:
        """A rule as a line of a class page (cached: '*' rules repeat on every page)."""
        if rid in self._rule_lines:
            return self._rule_lines[rid]
        r = self.p.rules_by_id[rid]
        checks = check_in_words(r.model.check) if r.model.check else []
        line = self.rule_link(rid, "classes") + literal(f" ({r.severity})")
        if checks:
            line += Markup(": checked by the validator: ") + prose_inline(
                "; ".join(w for _, w in checks))
        self._rule_lines[rid] = line
        return line

    @cached_property
    def examples_by_class(self) -> dict[str, list[ExampleRef]]:
        """``Project.examples_for`` for every class at once (linear, not quadratic)."""
        out: dict[str, list[ExampleRef]] = {}
        for ref in self.p.examples:
            names = list(ref.classes)
            if ref.owner_kind == "class" and ref.owner not in names:
                names.insert(0, ref.owner)
            for n in names:
                out.setdefault(n, []).append(ref)
        return out

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
            self.render("rule.md.j2", f"rules/{self.rule_slug[r.id]}.md", r.title, r=ctx)
            rows.append({"link": self.rule_link(r.id, "rules"), "applies": applies,
                         "severity": r.severity,
                         "check_short": "yes" if checks else "no"})
        self.render("rules.md.j2", "rules/index.md", "Rules", title=p.spec.project.title, rules=rows)

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
        self.render("attributes.md.j2", "attributes.md", "Attributes", title=p.spec.project.title,
                    attributes=rows)

    def keypoint_pages(self) -> None:
        p = self.p
        if not p.keypoint_schemas:
            return  # no Keypoints tab either (see mkdocs_yml)
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
            self.render("schema.md.j2", f"keypoints/{slug}.md", f"Keypoint schema {name}", s={
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
        self.render("keypoints.md.j2", "keypoints/index.md", "Keypoint schemas", schemas=rows)

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
        defined = known(p.spec)
        seen: list[str] = []
        for k in (*CORE_ERRORS, *qa.max_error_rates, *qa.error_types):
            if k not in seen:
                seen.append(k)
        for k in seen:
            definition = defined.get(k) or "(no definition in the spec)"
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
        self.render("qa.md.j2", "qa.md", "Quality", title=p.spec.project.title, thresholds=thresholds,
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
        self.render("checks.md.j2", "checks.md", "Validator checks", title=self.p.spec.project.title, checks=rows)

