"""guidec qa: measure a delivery against a golden set, and judge it by the spec's thresholds."""

from __future__ import annotations

from guidec.commands._common import (
    add_input_options,
    add_report_options,
    apply_input_options,
    jobs_of,
    project_or_report,
    report,
)

NAME = "qa"
ORDER = 35
HELP = "match a delivery against a golden set (any format) and judge it by the spec's " \
       "qa thresholds"
DESCRIPTION = HELP + (". Exit 0 pass, 1 a threshold failed (or findings at --fail-on), "
                      "2 could not run.")
FORMATS = ["human", "json", "junit", "sarif", "github", "summary"]
CANNOT_RUN = ("V001", "V003", "Q003", "Q005")
MAX_SHOWN = 5  # names listed in a finding about many images


def add_arguments(p) -> None:
    from guidec.readers import READERS

    sub = p.add_subparsers(dest="qa_action", metavar="report",
                           description="guidec qa report RECORD...: the weekly report from "
                                       "the records of several runs")
    r = sub.add_parser("report", help="trends per class and per error type over the records "
                                      "of several runs, regressions flagged (Markdown on "
                                      "standard output unless --html / --markdown)")
    r.add_argument("records", nargs="+", metavar="RECORD", help="files written by --record")
    r.add_argument("--html", metavar="REPORT.html", help="write the report page with plots")
    r.add_argument("--markdown", metavar="REPORT.md",
                   help="write the report as Markdown (for a client email)")
    p.add_argument("--spec", metavar="SPEC", help="the spec the labels follow (required)")
    p.add_argument("--reference", "--golden", nargs="+", metavar="FILE",
                   help="the reference: golden-set files or folders, in any format guidec "
                        "reads (required)")
    p.add_argument("--candidate", nargs="+", metavar="FILE",
                   help="the delivery judged against the reference (required)")
    p.add_argument("--annotators", nargs="+", metavar="DELIVERY",
                   help="instead of --reference/--candidate: one delivery per annotator of the "
                        "same images (2 or more); pairwise agreement, Krippendorff's alpha, "
                        "disagreements (Q030, Q031)")
    p.add_argument("--consensus", metavar="OUT",
                   help="with --annotators: write the merged delivery (quorum, majority class "
                        "and attributes, mean boxes) in the first delivery's format")
    p.add_argument("--quorum", type=_unit, default=0.5, metavar="Q",
                   help="with --consensus: keep an object drawn by at least ceil(n x Q) "
                        "annotators (default 0.5)")
    p.add_argument("--record", metavar="FILE.json",
                   help="also write this run's record for guidec qa report (spec, batch, date, "
                        "metrics, verdict)")
    p.add_argument("--batch", metavar="NAME",
                   help="the batch name in the record (default: the first candidate file's "
                        "name without its extension)")
    p.add_argument("--date", metavar="YYYY-MM-DD", type=_date,
                   help="the date in the record (default: today, UTC)")
    p.add_argument("--input-format", choices=READERS.names(), metavar="F",
                   help="format of both sides (default: detected per file)")
    p.add_argument("--match-threshold", type=_unit, default=0.5, metavar="T",
                   help="least similarity (IoU, OKS) at which two objects are the same object "
                        "(default 0.5)")
    p.add_argument("--annotator-key", metavar="KEY",
                   help="image attribute that names who labelled each candidate image (Label "
                        "Studio's completed_by is used without it)")
    p.add_argument("--images", metavar="DIR",
                   help="folder of the images (sizes for formats that do not state them)")
    p.add_argument("--html", metavar="REPORT.html",
                   help="also write the QA report page: verdict, classes, confusion matrix, "
                        "error types, the classes to fix first, the worst conflicts drawn over "
                        "their images (found under --images or beside the files)")
    p.add_argument("--playbook", metavar="URL",
                   help="where the playbook site is served (its root): the report links each "
                        "class to fix to its page and rules there")
    p.add_argument("--metrics", metavar="FILE.json",
                   help="also write the metrics and the verdict as JSON (the 'qa' object of "
                        "--format json)")
    add_input_options(p)
    add_report_options(p, formats=FORMATS)


def _unit(text: str) -> float:
    import argparse

    try:
        v = float(text)
    except ValueError:
        v = -1.0
    if not 0.0 < v <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1], not {text!r}")
    return v


def _date(text: str) -> str:
    import argparse
    import datetime

    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, not {text!r}") from None


def run(args, out, err) -> int:
    from guidec.progress import Progress

    if getattr(args, "qa_action", None) == "report":
        return _report(args, out)
    if args.annotators:
        if args.reference or args.candidate:
            err.write("guidec: error: --annotators compares annotators with each other; it "
                      "takes no --reference or --candidate\n")
            return 2
        other = [o for o, v in (("--html", args.html), ("--record", args.record),
                                ("--annotator-key", args.annotator_key),
                                ("--playbook", args.playbook)) if v]
        if other:
            err.write(f"guidec: error: {', '.join(other)} belong to a --reference/--candidate "
                      f"run, not to --annotators (which writes --metrics, --consensus and the "
                      f"report)\n")
            return 2
        if len(args.annotators) < 2 or not args.spec:
            err.write("guidec: error: --annotators needs --spec and two or more deliveries\n")
            return 2
        apply_input_options(args)
        project = project_or_report(args.spec, "qa", err)
        if project is None:
            return 2
        with Progress(err) as progress:
            return _annotators(args, out, project, progress)
    elif args.consensus:
        err.write("guidec: error: --consensus needs --annotators\n")
        return 2
    missing = [o for o, v in (("--spec", args.spec), ("--reference", args.reference),
                              ("--candidate", args.candidate)) if not v]
    if missing:
        err.write(f"guidec: error: the following arguments are required: "
                  f"{', '.join(missing)} (or: guidec qa report RECORD...)\n")
        return 2
    apply_input_options(args)
    project = project_or_report(args.spec, "qa", err)
    if project is None:
        return 2
    with Progress(err) as progress:
        return _qa(args, out, project, progress)


def _read(files, args, project):
    from guidec.commands.validate import regrade
    from guidec.readers import read_delivery

    res = read_delivery(list(files), args.input_format, image_root=args.images,
                        project=project, jobs=jobs_of(args))
    return res, regrade(res.diagnostics, project)


def _qa(args, out, project, progress) -> int:
    import json

    from guidec.codes import code
    from guidec.qa.match import by_id, compare, image_names
    from guidec.qa.review import review
    from guidec.report import Context

    ref, ref_diags = _read(args.reference, args, project)
    cand, cand_diags = _read(args.candidate, args, project)
    diags = ref_diags + cand_diags
    progress(f"matching {len(cand.table):,} annotations against {len(ref.table):,}")
    cmp = compare(ref.table, cand.table, project, args.match_threshold, args.annotator_key)
    units = cmp.units
    ids = by_id(ref.table, cand.table)
    ref_names = image_names(ref.table.images, ids)
    cand_names = image_names(cand.table.images, ids)
    for i, first in units.ref_duplicates:
        loc = ref.table.image_location(i)
        diags.append(code("Q004")(
            f"the reference holds {ref_names[i]!r} twice; the image at "
            f"{_where(ref.table.image_location(first))} is the reference", **_at(loc),
            image=ref_names[i]))
    for i in units.ref_only.tolist():
        diags.append(code("Q001")(
            f"reference image {ref_names[i]!r} is not in the candidate delivery; its "
            f"objects are not judged", **_at(ref.table.image_location(i)), image=ref_names[i]))
    if len(units.cand_only):
        names = [cand_names[j] for j in units.cand_only[:MAX_SHOWN].tolist()]
        more = len(units.cand_only) - len(names)
        first = cand.table.image_location(int(units.cand_only[0]))
        diags.append(code("Q002")(
            f"{len(units.cand_only):,} candidate image(s) are not in the reference and are not "
            f"judged: {', '.join(map(repr, names))}" + (f" and {more:,} more" if more else ""),
            **_at(first)))
    stop = False
    if not len(units.cand_img):
        diags.append(code("Q003")(
            f"no candidate image corresponds to a reference image ({len(ref_names):,} "
            f"reference, {len(cand_names):,} candidate images; images correspond by file "
            f"name)", file=(list(args.candidate) or [None])[0]))
        stop = True
    elif not len(cmp.er_row):
        diags.append(code("Q005")(
            f"the reference holds no annotation on the {len(units.cand_img):,} compared "
            f"image(s)", file=(list(args.reference) or [None])[0]))
        stop = True
    result = None
    conflicts: list = []
    if not stop:
        progress("measuring")
        result = review(cmp, project, project.spec.qa.boundary_dilation)
        conflicts = _conflict_diags(result, project)
        diags += conflicts
        diags += _verdict_diags(result, project)
    qa_doc = _document(args, project, ref, cand, cmp, result)
    ctx = Context("qa", files=sorted(set(ref.formats) | set(cand.formats)), extra={
        "spec": {"file": args.spec, "id": project.spec.project.id,
                 "version": project.spec.project.version},
        "qa": qa_doc})
    ctx.footer = _footer(qa_doc)
    if args.metrics:
        from guidec.output import write_atomic

        write_atomic(args.metrics, (json.dumps(qa_doc, indent=2) + "\n").encode("utf-8"))
    if args.record and result is not None:
        import datetime
        import os

        from guidec.output import write_atomic
        from guidec.qa.history import make_record

        batch = args.batch or os.path.splitext(os.path.basename(
            os.path.normpath(args.candidate[0])))[0]
        date = args.date or datetime.datetime.now(datetime.UTC).date().isoformat()
        rec = make_record(qa_doc, project.spec, batch, date)
        write_atomic(args.record, (json.dumps(rec, indent=2) + "\n").encode("utf-8"))
    if args.html:
        from guidec.output import write_atomic
        from guidec.report.qa_html import qa_page

        progress("writing the HTML report")
        page = qa_page(qa_doc, result, project, args.html, image_root=args.images,
                       playbook=args.playbook, conflicts=conflicts)
        write_atomic(args.html, page.encode("utf-8"))
    progress.done()
    rc = report(diags, args, out, ctx)
    if stop or any(d.code in CANNOT_RUN for d in diags):
        return 2
    return rc


def _report(args, out) -> int:
    """guidec qa report: exit 0, or 1 when the newest batch regressed against the one before."""
    from guidec.output import write_atomic
    from guidec.qa.history import markdown, read_records, regressions
    from guidec.report.qa_html import trend_page

    records = read_records(list(args.records))
    regs = regressions(records)
    text = markdown(records, regs)
    if args.markdown:
        write_atomic(args.markdown, text.encode("utf-8"))
    if args.html:
        write_atomic(args.html, trend_page(records, regs).encode("utf-8"))
    if not args.markdown and not args.html:
        out.write(text)
    latest = records[-1]["batch"] if records else None
    return 1 if any(g.batch == latest for g in regs) else 0


def _annotators(args, out, project, progress) -> int:
    import json
    import os
    from dataclasses import replace

    from guidec.codes import code
    from guidec.qa.nway import compare_all, consensus
    from guidec.report import Context

    tables, names, diags, formats = [], [], [], {}
    for path in args.annotators:
        res, found = _read([path], args, project)
        tables.append(res.table)
        diags += found
        formats.update(res.formats)
        stem = os.path.splitext(os.path.basename(os.path.normpath(path)))[0] or path
        names.append(stem if stem not in names else f"{stem}#{len(names) + 1}")
    if any(d.code in CANNOT_RUN for d in diags):
        ctx = Context("qa", files=sorted(formats))
        report(diags, args, out, ctx)
        return 2
    progress(f"matching {len(names)} annotators pairwise")
    nw = compare_all(tables, names, project, args.match_threshold)
    for u in nw.units:
        labelled = [a for a in range(len(names)) if u.image in nw.labelled[a]]
        votes = {names[a]: _cls(project, nw.classes[a][r]) for a, r in sorted(u.members.items())}
        a0, r0 = min(u.members.items())
        loc = tables[a0].location(r0)
        if len(set(votes.values())) > 1:
            diags.append(_located(code("Q030")(
                f"{u.image}: annotators disagree on the class: " + ", ".join(
                    f"{k} {v}" for k, v in votes.items()), **_at(loc), image=u.image,
                **{"class": votes[names[a0]], "votes": votes}), loc))
        absent = [names[a] for a in labelled if a not in u.members]
        if absent:
            diags.append(_located(code("Q031")(
                f"{u.image}: {votes[names[a0]]} drawn by {len(u.members)} of {len(labelled)} "
                f"annotators; not by {', '.join(absent)}", **_at(loc), image=u.image,
                **{"class": votes[names[a0]], "missing_from": absent}), loc))
    doc = {"mode": "annotators", "annotators": names, "match_threshold": args.match_threshold,
           "units": len(nw.units), "pairs": nw.pairs, "mean_similarity": nw.similarity,
           "alpha": nw.alpha}
    thresholds = _pairwise_thresholds(project, nw)
    doc["thresholds"] = thresholds
    doc["verdict"] = "fail" if any(t["pass"] is False for t in thresholds) else "pass"
    for t in thresholds:
        if t["pass"] is False:
            f, line, col = project.locate(tuple(t["name"].split(".")))
            word = "above" if t["direction"] == "<=" else "below"
            diags.append(replace(code("Q100")(
                f"{t['name']}: mean over annotator pairs {t['measured']:.4f}, {word} "
                f"{t['threshold']}", file=f, path=tuple(t["name"].split("."))),
                line=line, col=col))
    if args.consensus:
        from guidec.output import write_atomic, write_tree
        from guidec.writers import load_writers

        merged, kept, need = consensus(nw, project, args.quorum)
        fmt = next(iter(formats.values()), "coco")
        writer = load_writers().get(fmt) or load_writers()["coco"]
        files = writer.write(merged, project)
        if len(files) == 1:
            write_atomic(args.consensus, next(iter(files.values())))
        else:
            write_tree(args.consensus, files)
        doc["consensus"] = {"file": args.consensus, "format": writer.FORMAT, "kept": kept,
                            "units": len(nw.units), "quorum": args.quorum,
                            "needed": need, "of": len(names)}
    if args.metrics:
        from guidec.output import write_atomic

        write_atomic(args.metrics, (json.dumps(doc, indent=2) + "\n").encode("utf-8"))
    ctx = Context("qa", files=sorted(formats), extra={
        "spec": {"file": args.spec, "id": project.spec.project.id,
                 "version": project.spec.project.version}, "qa": doc})
    lines = [f"{len(names)} annotators, {len(nw.units):,} objects (units); Krippendorff's "
             f"alpha of the classes: " + ("-" if nw.alpha["class"] is None
                                          else f"{nw.alpha['class']:.3f}")]
    lines += [f"  {p['a']} vs {p['b']}: F1 {p['f1'] if p['f1'] is None else round(p['f1'], 3)}"
              f", class kappa {p['class_kappa'] if p['class_kappa'] is None else round(p['class_kappa'], 3)}"
              for p in nw.pairs]
    if "consensus" in doc:
        c = doc["consensus"]
        lines.append(f"Consensus: {c['kept']:,} of {c['units']:,} objects drawn by at least "
                     f"{c['needed']} of {c['of']} annotators, written to {c['file']}.")
    lines.append(f"Verdict: {doc['verdict']}.")
    ctx.footer = "\n".join(lines)
    progress.done()
    return report(diags, args, out, ctx)


def _cls(project, ci) -> str:
    return project.classes[int(ci)].name if ci >= 0 else "(unknown)"


def _pairwise_thresholds(project, nw) -> list[dict]:
    import numpy as np

    ag = project.spec.qa.agreement
    out = []

    def mean(key):
        vals = [p[key] for p in nw.pairs if p[key] is not None]
        return float(np.mean(vals)) if vals else None

    sims = nw.similarity
    measured = {
        "box_iou": np.mean([sims[k] for k in ("box", "rotated_box") if k in sims])
        if any(k in sims for k in ("box", "rotated_box")) else None,
        "polygon_iou": sims.get("polygon"), "mask_iou": sims.get("mask"),
        "keypoint_oks": sims.get("keypoints"), "mask_boundary_f": mean("mean_boundary_iou"),
        "text_cer": mean("mean_cer"), "attribute_accuracy": mean("attribute_accuracy")}
    for key, value in measured.items():
        limit = getattr(ag, key)
        if limit is None:
            continue
        at_least = key != "text_cer"
        value = None if value is None else float(value)
        ok = None if value is None else bool(value >= limit if at_least else value <= limit)
        out.append({"name": f"qa.agreement.{key}", "threshold": limit, "measured": value,
                    "direction": ">=" if at_least else "<=", "pass": ok})
    return out


# --------------------------------------------------------------------------- findings
def _where(loc) -> str:
    f, line, pointer = loc
    if line is not None:
        return f"{f}:{line}"
    return f + (f"#{pointer}" if pointer else "")


def _at(loc) -> dict:
    from guidec.validation.frame import pointer_path

    f, line, pointer = loc
    out = {"file": f}
    if pointer and line is None:
        out["path"] = pointer_path(pointer)
    return out


def _located(diag, loc):
    from dataclasses import replace

    return replace(diag, line=loc[1]) if loc[1] is not None else diag


def _obj(cmp, entry: int, ref: bool, project) -> tuple[str, tuple]:
    side = cmp.ref if ref else cmp.cand
    row = int((cmp.er_row if ref else cmp.ec_row)[entry])
    t = side.table
    ci = int(side.cls[row])
    name = project.classes[ci].name if ci >= 0 else (
        str(t.label[row]) if t.label[row] is not None else f"#{int(t.label_id[row])}")
    ident = t.ann_id[row]
    text = f"{name}" + (f" {ident}" if ident is not None else f" (row {row})")
    return text, t.location(row)


def _conflict_diags(result, project) -> list:
    from guidec.codes import code
    from guidec.qa.match import by_id, image_names

    cmp = result.cmp
    names = image_names(cmp.ref.table.images, by_id(cmp.ref.table, cmp.cand.table))
    out = []
    for c in result.conflicts:
        unit = int(cmp.er_unit[c.ref]) if c.ref >= 0 else int(cmp.ec_unit[c.cand])
        image = names[int(cmp.units.ref_img[unit])]
        who = cmp.units.annotator[unit]
        rtext, rloc = _obj(cmp, c.ref, True, project) if c.ref >= 0 else (None, None)
        ctext, cloc = _obj(cmp, c.cand, False, project) if c.cand >= 0 else (None, None)
        msg = _message(c, rtext, ctext, rloc, cmp, project)
        loc = cloc or rloc
        d = code(c.code)(f"{image}: {msg}", **_at(loc), image=image,
                         reference_at=_where(rloc) if rloc else None,
                         candidate_at=_where(cloc) if cloc else None,
                         **{"class": (rtext or ctext).split(" ")[0],
                            "error_types": list(c.types)},
                         **({"annotator": who} if who is not None else {}),
                         **{k: v for k, v in c.detail.items()
                            if k not in ("best", "matched_to") and v is not None})
        out.append(_located(d, loc))
    return out


def _message(c, rtext, ctext, rloc, cmp, project) -> str:
    d = c.detail
    if c.code == "Q010":
        best = d.get("best")
        tail = ""
        if best:
            other, _ = _obj(cmp, best["entry"], False, project)
            tail = f" (closest: candidate {other}, similarity {best['similarity']:.2f})"
        return f"reference {rtext} at {_where(rloc)} has no match in the candidate{tail}"
    if c.code == "Q011":
        best = d.get("best")
        tail = ""
        if best:
            other, _ = _obj(cmp, best["entry"], True, project)
            tail = f" (closest: reference {other}, similarity {best['similarity']:.2f})"
        return f"candidate {ctext} matches no reference object{tail}"
    if c.code == "Q012":
        return (f"candidate {ctext} is on reference {rtext} at {_where(rloc)} "
                f"(similarity {d['similarity']:.2f}): wrong class")
    if c.code == "Q013":
        return (f"{d['shape']} {ctext} matches reference {rtext} at {_where(rloc)} with IoU "
                f"{d['iou']:.3f}, below {d['threshold']}")
    if c.code == "Q014":
        also = "another missed reference" if d["matched_to"] is None else \
            f"reference {_obj(cmp, d['matched_to'], True, project)[0]}, its match"
        return (f"candidate {ctext} covers reference {rtext} at {_where(rloc)} "
                f"({d['covered']:.0%}) and {also}: merged objects")
    if c.code == "Q015":
        also = "another unmatched candidate" if d["matched_to"] is None else \
            f"candidate {_obj(cmp, d['matched_to'], False, project)[0]}, its match"
        return (f"candidate {ctext} lies {d['inside']:.0%} inside reference {rtext} at "
                f"{_where(rloc)}, as does {also}: split object")
    if c.code == "Q016":
        return (f"candidate {ctext} says {d['attribute']}={d['candidate']!r}, reference "
                f"{rtext} at {_where(rloc)} says {d['reference']!r}")
    if c.code == "Q017":
        return (f"keypoints of {ctext} match reference {rtext} at {_where(rloc)} with OKS "
                f"{d['oks']:.3f}, below {d['threshold']}")
    if c.code == "Q018":
        pts = ", ".join(f"{a}/{b}" for a, b in d["points"]) or "left/right"
        return (f"keypoints of {ctext} are mirrored against reference {rtext} at "
                f"{_where(rloc)}: {pts} swapped")
    if c.code == "Q019":
        return (f"mask {ctext} matches reference {rtext} at {_where(rloc)} with Boundary IoU "
                f"{d['boundary_iou']:.3f}, below {d['threshold']}")
    if c.code == "Q020":
        return (f"text of {ctext} is {d['candidate']!r}, reference {rtext} at {_where(rloc)} "
                f"says {d['reference']!r}: CER {d['cer']:.2f} above {d['threshold']}")
    if c.code == "Q022":
        return (f"candidate {ctext} duplicates the match of reference {rtext} at "
                f"{_where(rloc)} (similarity {d['similarity']:.2f})")
    if c.code == "Q021":
        return f"polyline {ctext} runs opposite to reference {rtext} at {_where(rloc)}"
    raise AssertionError(c.code)


def _verdict_diags(result, project) -> list:
    from dataclasses import replace

    from guidec.codes import code

    def at(path: tuple) -> dict:
        f, line, col = project.locate(path)
        return {"file": f, "path": path, "_line": line, "_col": col}

    out = []
    for t in result.thresholds:
        if t["pass"] is not False:
            continue
        name = t["name"]
        if name.startswith("qa.max_error_rates."):
            r = result.error_rates[name.rsplit(".", 1)[1]]
            out.append(code("Q102")(
                f"{name}: {r['count']:,} of {r['of']:,} = {t['measured']:.4f}, above "
                f"{t['threshold']}", **at(tuple(name.split(".")))))
        elif name == "qa.golden_set.min_accuracy":
            out.append(code("Q101")(f"{name}: accuracy {t['measured']:.4f}, below "
                                    f"{t['threshold']}", **at(tuple(name.split(".")))))
        else:
            word = "above" if t["direction"] == "<=" else "below"
            out.append(code("Q100")(f"{name}: measured {t['measured']:.4f}, {word} "
                                    f"{t['threshold']}", **at(tuple(name.split(".")))))
    for name, side in result.not_delivered.items():
        other = "reference" if side == "candidate" else "candidate"
        if name == "(transcription)":
            out.append(code("Q007")(
                f"the {side} carries no transcription at all (the {other} does); "
                f"transcriptions are not compared", **at(("qa", "agreement"))))
            continue
        out.append(code("Q006")(
            f"the {side} carries no value of attribute {name!r} (the {other} does); it "
            f"is not compared", **at(("attributes", name))))
    for t in result.unmeasured:
        out.append(code("Q103")(f"qa.max_error_rates.{t}: guidec qa does not count the error "
                                f"type {t!r}; its limit is not judged",
                                **at(("qa", "max_error_rates", t))))
    return [replace(d, line=d.extra.pop("_line"), col=d.extra.pop("_col")) for d in out]


# --------------------------------------------------------------------------- the document
def _document(args, project, ref, cand, cmp, result) -> dict:
    units = cmp.units
    doc = {
        "reference": {"files": sorted(ref.formats), "images": len(ref.table.images),
                      "annotations": len(ref.table)},
        "candidate": {"files": sorted(cand.formats), "images": len(cand.table.images),
                      "annotations": len(cand.table)},
        "match_threshold": args.match_threshold,
        "images": {"compared": len(units.cand_img), "reference_only": len(units.ref_only),
                   "candidate_only": len(units.cand_only)},
    }
    if result is None:
        doc["verdict"] = "not run"
        return doc
    doc.update(result.metrics)
    doc["error_types"] = result.error_rates
    doc["thresholds"] = result.thresholds
    doc["verdict"] = "pass" if result.passed else "fail"
    return doc


def _footer(doc: dict) -> str:
    """The verdict table at the end of the human report."""
    if doc.get("verdict") == "not run":
        return "Verdict: not run."
    o = doc["overall"]
    im = doc["images"]

    def pct(v):
        return "-" if v is None else f"{v:.3f}"

    lines = [f"Compared {im['compared']:,} images: {o['reference']:,} reference and "
             f"{o['candidate']:,} candidate objects, {o['matched']:,} matched; precision "
             f"{pct(o['precision'])}, recall {pct(o['recall'])}, F1 {pct(o['f1'])}, accuracy "
             f"{pct(o['accuracy'])}."]
    if doc["thresholds"]:
        lines.append(f"{'threshold':<44} {'limit':>8} {'measured':>9}  result")
        for t in doc["thresholds"]:
            res = {True: "pass", False: "FAIL", None: "not measured"}[t["pass"]]
            lines.append(f"{t['name']:<44} {t['direction'] + str(t['threshold']):>8} "
                         f"{pct(t['measured']):>9}  {res}")
    lines.append(f"Verdict: {doc['verdict']}.")
    return "\n".join(lines)
