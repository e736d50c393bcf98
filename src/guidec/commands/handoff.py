"""guidec handoff: gate a split delivery before training — splits, leakage, class statistics."""

from __future__ import annotations

from guidec.commands._common import (
    add_input_options,
    add_report_options,
    apply_input_options,
    exit_code,
    jobs_of,
    project_or_report,
    report,
)

NAME = "handoff"
ORDER = 37
HELP = "gate a split delivery before training: split membership and ratios, group and " \
       "duplicate leakage across splits, class counts, imbalance and shift per split"
DESCRIPTION = HELP + ". Exit 0 clean, 1 findings at or above --fail-on, 2 could not run."
FORMATS = ["human", "json", "junit", "sarif", "github", "summary"]
MAX_PAIRS = 500  # near-duplicate pairs reported one by one; the rest are counted


def add_arguments(p) -> None:
    from guidec.readers import READERS

    p.add_argument("files", nargs="+", metavar="DELIVERY",
                   help="the split delivery: files or folders named after the spec's splits "
                        "(train.json, val/, ...)")
    p.add_argument("--spec", required=True, metavar="SPEC", help="the spec (its splits:)")
    p.add_argument("--groups", metavar="FILE.csv",
                   help="a CSV sidecar of image file name and group value (default: the "
                        "image attribute splits.group_by)")
    p.add_argument("--images", metavar="DIR",
                   help="folder of the images: identical image files across splits (H054)")
    p.add_argument("--manifest", metavar="MANIFEST",
                   help="also verify the delivery against a manifest written by guidec "
                        "manifest (files, sizes and SHA-256, counts per class and split, the "
                        "spec version: H001-H012), as guidec validate --manifest does")
    p.add_argument("--reviewed-empty", metavar="FILE",
                   help="a list of image file names (one a line) reviewed and empty on "
                        "purpose, for formats with no image-level mark (COCO, VOC, YOLO)")
    p.add_argument("--tolerance", type=float, default=0.05, metavar="T",
                   help="share of images a split may miss its ratio by (default 0.05)")
    p.add_argument("--hamming", type=int, default=10, metavar="D",
                   help="with --images: perceptual hashes at most D bits apart are near-"
                        "duplicates (default 10, as imagededup); -1 turns the search off")
    p.add_argument("--verify-pixels", action="store_true",
                   help="with --images: also decode every image whole (finds files damaged in "
                        "the middle; slower)")
    p.add_argument("--html", metavar="REPORT.html",
                   help="also write a static report page: verdict, splits, leaking groups, "
                        "duplicate pairs (thumbnails with --images), classes against the "
                        "priors, strata, hard negatives")
    p.add_argument("--input-format", choices=READERS.names(), metavar="F",
                   help="delivery format (default: detected per file)")
    add_input_options(p)
    add_report_options(p, formats=FORMATS)


def run(args, out, err) -> int:
    import numpy as np

    from guidec.codes import code
    from guidec.commands.split import _sidecar
    from guidec.handoff import FEW, IMBALANCE, SHIFT_V, cramers_v, measure, split_of_path
    from guidec.readers import read_delivery
    from guidec.report import Context

    apply_input_options(args)
    project = project_or_report(args.spec, "handoff", err)
    if project is None:
        return 2
    sp = project.spec.splits
    if sp is None:
        err.write("guidec: error: the spec declares no splits (splits: {names: [train, val, "
                  "test]})\n")
        return 2
    from guidec.progress import Progress

    with Progress(err):  # a line on a terminal while a large delivery is read
        res = read_delivery(list(args.files), args.input_format, image_root=args.images,
                            project=project, jobs=jobs_of(args))
    diags = list(res.diagnostics)
    if args.manifest:
        from guidec.commands.manifest import verify

        diags += verify(args.manifest, project, res, list(args.files), args.images)
    file_split = {}
    for f in res.formats:
        s = split_of_path(f, list(sp.names))
        if s is None:
            diags.append(code("H050")(f"{f} names none of the splits "
                                      f"{', '.join(sp.names)}", file=f))
        else:
            file_split[f] = s
    if not file_split:
        diags.append(code("H051")(f"no delivery file names a split ({', '.join(sp.names)})",
                                  file=(list(args.files) or [None])[0]))
        report(diags, args, out, Context("handoff", files=sorted(res.formats)))
        return 2
    groups = None
    if args.groups:
        sidecar = _sidecar(args.groups, err)
        if sidecar is None:
            return 2
        groups = {img: value for value, members in sidecar.items() for img in members}
    hashes, unhashed = _hashes(res.table, args.images) if args.images else (None, [])
    st = measure(res.table, project, list(sp.names), file_split, groups, sp.group_by, hashes)
    first = {s: f for f, s in sorted(file_split.items())}
    total = max(int(st.images.sum()), 1)
    if sp.ratios:
        norm = sum(sp.ratios.get(n, 0) for n in sp.names) or 1.0
        for i, n in enumerate(st.names):
            want = sp.ratios.get(n, 0) / norm
            share = st.images[i] / total
            if abs(share - want) > args.tolerance:
                diags.append(code("H052")(f"{n} holds {share:.3f} of the images; ratio "
                                          f"{want:.3f}", file=first[n]))
    for value, where in st.leaks:
        text = "; ".join(f"{s} {len(v)} image(s) ({', '.join(v[:3])}{', ...' if len(v) > 3 else ''})"
                         for s, v in sorted(where.items()))
        diags.append(code("H053")(f"group {value!r} is in {len(where)} splits: {text}",
                                  file=first[sorted(where)[0]], group=value,
                                  splits={s: v for s, v in sorted(where.items())}))
    for h, where in st.same_files:
        across = len({s for s, _ in where}) > 1  # leakage; within one split, a copy (H069)
        diags.append(code("H054" if across else "H069")(
            "the same image bytes in " + ", ".join(f"{s}/{n}" for s, n in where),
            file=first[where[0][0]], sha256=h, images=[f"{s}/{n}" for s, n in where]))
    skipped = ""
    if args.images and args.hamming >= 0:
        from guidec.diagnostics import GuidecError

        try:
            pairs, unhashed2 = _near(res.table, st, args.images, args.hamming, jobs_of(args))
        except GuidecError as exc:  # Pillow is an optional extra: say so, gate the rest
            pairs, unhashed2, skipped = [], [], f"\nNear-duplicates not searched: {exc}"
            diags.append(code("H082")(f"near-duplicate images not searched: {exc}",
                                      file=args.images))
        unhashed += [u for u in unhashed2 if u not in unhashed]
        same = {n: k for k, (_, where) in enumerate(st.same_files) for _, n in where}
        shown = {"H059": 0, "H069": 0}
        for a, b, d in pairs:
            if same.get(a[1], -1) == same.get(b[1], -2):
                continue  # the same bytes: H054 or H069 already
            c = "H059" if a[0] != b[0] else "H069"
            if shown[c] < MAX_PAIRS:
                diags.append(code(c)(f"{a[0]}/{a[1]} and {b[0]}/{b[1]}: Hamming distance "
                                     f"{d}", file=first[a[0]], distance=d,
                                     images=[f"{a[0]}/{a[1]}", f"{b[0]}/{b[1]}"]))
            shown[c] += 1
        for c, where in (("H059", "across splits"), ("H069", "within a split")):
            if shown[c] > MAX_PAIRS:
                diags.append(code(c)(f"... and {shown[c] - MAX_PAIRS:,} more near-duplicate "
                                     f"pairs {where}", file=first[st.names[0]]))
    if args.images:
        diags += _integrity(res.table, project, args, first, jobs_of(args))
    plan_diags, plan = _plan(res.table, project, st, first, args, err)
    if plan_diags is None:
        return 2
    diags += plan_diags
    present = st.counts.sum(axis=0) > 0
    for i, n in enumerate(st.names):
        for c in map(int, np.flatnonzero(present)):
            k = int(st.counts[i, c])
            if k == 0:
                diags.append(code("H055")(f"{n} holds no {st.classes[c]!r} "
                                          f"({int(st.counts[:, c].sum())} in the other splits)",
                                          file=first[n], **{"class": st.classes[c]}))
            elif k <= FEW:
                diags.append(code("H056")(f"{n} holds {k} {st.classes[c]!r}", file=first[n],
                                          **{"class": st.classes[c]}))
        row = st.counts[i][st.counts[i] > 0]
        if len(row) > 1 and row.max() > IMBALANCE * row.min():
            hi, lo = int(np.argmax(np.where(st.counts[i] > 0, st.counts[i], -1))), int(
                np.argmin(np.where(st.counts[i] > 0, st.counts[i], np.iinfo(np.int64).max)))
            diags.append(code("H057")(
                f"{n}: {st.classes[hi]} {int(st.counts[i, hi]):,}, {st.classes[lo]} "
                f"{int(st.counts[i, lo]):,} (ratio {st.counts[i, hi] / st.counts[i, lo]:.0f})",
                file=first[n]))
    v = cramers_v(st.counts)
    if v is not None and v > SHIFT_V:
        diags.append(code("H058")(f"Cramér's V {v:.3f} over {', '.join(st.names)}",
                                  file=first[st.names[0]]))
    norm = sum((sp.ratios or {}).get(n, 0) for n in sp.names) or 1.0
    extra = {"splits": {n: {"images": int(st.images[i]),
                            "share": float(st.images[i] / total),
                            "ratio": (sp.ratios.get(n, 0) / norm) if sp.ratios else None,
                            "objects": int(st.counts[i].sum()),
                            "counts": {c: int(st.counts[i, j]) for j, c in enumerate(st.classes)
                                       if present[j]}} for i, n in enumerate(st.names)},
             "cramers_v": v, "group_leaks": len(st.leaks), "duplicate_images": len(st.same_files),
             "tolerance": args.tolerance,
             "group_key": "--groups" if args.groups else sp.group_by,
             "plan": plan}
    extra["verdict"] = "pass" if exit_code(diags, args.fail_on) == 0 else "fail"
    ctx = Context("handoff", files=sorted(res.formats), extra={
        "spec": {"file": args.spec, "id": project.spec.project.id,
                 "version": project.spec.project.version}, "handoff": extra,
        "delivery": {"files": sorted(res.formats), "formats": dict(sorted(res.formats.items())),
                     "images": len(res.table.images), "annotations": len(res.table)}})
    ctx.footer = "\n".join(
        f"{n}: {int(st.images[i]):,} images, {int(st.counts[i].sum()):,} objects"
        for i, n in enumerate(st.names)) + (f"\nCramér's V of split x class: {v:.3f}"
                                           if v is not None else "") + (
        f"\n{len(unhashed)} image(s) not compared for duplicates (not found or unreadable "
        f"under --images): {'; '.join(sorted(unhashed)[:3])}" if unhashed else "") + skipped
    if args.html:
        _html(diags, ctx, args)
    return report(diags, args, out, ctx)


def _html(diags, ctx, args) -> None:
    """The report page, built from the JSON report (so every number on it is the JSON's)."""
    import json

    from guidec.output import write_atomic
    from guidec.report import render
    from guidec.report.handoff_html import handoff_page

    doc = json.loads(render(diags, "json", ctx))
    write_atomic(args.html, handoff_page(doc, args.images).encode("utf-8"))


def _plan(table, project, st, first, args, err):
    """The checks against the spec's composition plan (H060-H068, guidec.handoff_plan);
    (None, None) when the --reviewed-empty list cannot be read."""
    from guidec.handoff_plan import check_plan

    reviewed = None
    if args.reviewed_empty:
        try:
            with open(args.reviewed_empty, encoding="utf-8") as f:
                reviewed = {ln.strip() for ln in f if ln.strip() and not ln.startswith("#")}
        except (OSError, UnicodeDecodeError) as exc:
            err.write(f"guidec: error: --reviewed-empty {args.reviewed_empty}: {exc}\n")
            return None, None
    return check_plan(table, project, st, first, reviewed, sidecar=bool(args.groups))


def _near(table, st, root: str, hamming: int, jobs: int):
    """Near-duplicate image pairs, in one split or two: ((split, name), (split, name), d)."""
    from guidec import imagehash
    from guidec.imagesize import find_image

    found, missing = {}, []
    for k, name in enumerate(st.image_names):
        if st.image_split[k] < 0 or name in found:
            continue
        path = find_image(name, root)
        if path is None:
            missing.append(f"{name}: not found under {root}")
        else:
            found[name] = (path, st.names[st.image_split[k]])
    names = sorted(found)
    hashes = imagehash.phash_many([found[n][0] for n in names], jobs=jobs)
    missing += [f"{n}: not a readable image" for n, h in zip(names, hashes, strict=True)
                if h is None]
    values, index = imagehash.hash_array(hashes)
    out = []
    for i, j, d in imagehash.near_duplicates(values, hamming):
        a, b = names[index[i]], names[index[j]]
        out.append(((found[a][1], a), (found[b][1], b), d))
    return out, missing


def _hashes(table, root: str) -> tuple[dict[str, str], list[str]]:
    """sha256 of every image file the delivery names, found under ``root``; and the images
    that could not be hashed (not found, unreadable), which the report says."""
    import hashlib

    from guidec import inputs
    from guidec.imagesize import find_image

    out: dict = {}
    unreadable: list[str] = []
    for name in sorted({n for n in table.images.file_name.tolist() if isinstance(n, str)}):
        cand = find_image(name, root)
        if cand is None:
            unreadable.append(f"{name}: not found under {root}")
            continue
        try:
            out[name] = hashlib.sha256(inputs.read_bytes(cand)).hexdigest()
        except OSError as exc:
            out[name] = None
            unreadable.append(f"{cand}: {exc}")
    return {k: v for k, v in out.items() if v is not None}, unreadable


def _integrity(table, project, args, first: dict, jobs: int) -> list:
    """H070-H081: every image file against what the delivery declares and media expects."""
    from guidec import imagecheck
    from guidec.codes import code

    names = [str(n) for n in table.images.file_name.tolist() if n is not None]
    declared = {str(n): (float(w), float(h)) for n, w, h in zip(
        table.images.file_name.tolist(), table.images.width.tolist(),
        table.images.height.tolist(), strict=True) if n is not None}
    out = []
    for p in imagecheck.check(names, declared, args.images, project.spec.media,
                              args.verify_pixels, jobs):
        out.append(code(p.code)(p.message, file=args.images, image=p.image, **p.extra))
    return out
