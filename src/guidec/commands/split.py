"""guidec split: train/val/test splits that keep groups whole and balance every class."""

from __future__ import annotations

from guidec.commands._common import (
    add_input_options,
    apply_input_options,
    jobs_of,
    project_or_report,
)

NAME = "split"
ORDER = 36
HELP = "split a delivery into the spec's splits: groups kept whole, every class balanced " \
       "(grouped iterative stratification), deterministic by --seed"
DESCRIPTION = HELP + ". Exit 0 written, 1 findings at or above --fail-on, 2 could not run."


def add_arguments(p) -> None:
    from guidec.readers import READERS

    p.add_argument("files", nargs="+", metavar="DELIVERY", help="delivery files or folders")
    p.add_argument("--spec", required=True, metavar="SPEC", help="the spec (its splits:)")
    p.add_argument("--out", "-o", required=True, metavar="DIR",
                   help="folder for splits.json, one <split>.txt image list per split and "
                        "each split as a delivery in the delivery's format (<split>/)")
    p.add_argument("--seed", type=int, default=0, help="random seed for ties (default 0)")
    p.add_argument("--ratios", metavar="NAME=R,...",
                   help="split ratios (default: splits.ratios of the spec), e.g. "
                        "train=0.8,val=0.1,test=0.1")
    p.add_argument("--group-by", metavar="KEY",
                   help="image attribute whose images stay in one split (default: "
                        "splits.group_by of the spec)")
    p.add_argument("--groups", metavar="FILE.csv",
                   help="a CSV sidecar of image file name and group value (a header row, then "
                        "one image a row): images of one value stay in one split, as with "
                        "--group-by")
    p.add_argument("--tolerance", type=float, default=0.05, metavar="T",
                   help="share of images or of a class a split may miss its ratio by before a "
                        "finding (default 0.05)")
    p.add_argument("--input-format", choices=READERS.names(), metavar="F",
                   help="delivery format (default: detected per file)")
    p.add_argument("--images", metavar="DIR",
                   help="folder of the images: their sizes where the delivery lacks them, and "
                        "the same picture kept in one split (identical files and perceptual "
                        "hashes within --hamming bits)")
    p.add_argument("--hamming", type=int, default=10, metavar="D",
                   help="with --images: images whose 64-bit perceptual hashes differ in at most "
                        "D bits are one picture and stay in one split (default 10, as "
                        "imagededup; -1 turns it off)")
    p.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default="error",
                   help="exit 1 when a finding has at least this severity (default: error)")
    add_input_options(p)


def _ratios(text: str | None, spec) -> dict[str, float] | None:
    if text:
        out = {}
        for part in text.split(","):
            name, _, value = part.partition("=")
            try:
                out[name.strip()] = float(value)
            except ValueError:
                return None
        return out if out and all(v >= 0 for v in out.values()) and sum(out.values()) > 0 \
            else None
    sp = spec.splits
    if sp is None:
        return None
    if sp.ratios:
        return {n: sp.ratios.get(n, 0.0) for n in sp.names}
    return None


def _sidecar(path: str, err) -> dict[str, list[str]] | None:
    """Groups from a CSV of (image file name, group value) rows after a header: value ->
    image file names, values sorted."""
    import csv
    import io

    from guidec import inputs

    try:
        text = inputs.read_bytes(path).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        err.write(f"guidec: error: {path}: cannot read the groups: {exc}\n")
        return None
    by: dict[str, list[str]] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text))):
        if n == 0:
            continue
        if len(row) < 2 or not row[0].strip():
            err.write(f"guidec: error: {path}:{n + 1}: expected 'image,group', found "
                      f"{','.join(row)!r}\n")
            return None
        by.setdefault(row[1].strip(), []).append(row[0].strip())
    return dict(sorted(by.items()))


def run(args, out, err) -> int:
    import json

    import numpy as np

    from guidec.codes import code
    from guidec.commands._common import exit_code
    from guidec.output import refuse_inputs_in, write_tree
    from guidec.readers import read_delivery
    from guidec.report import Context, render
    from guidec.splitting import deviation, plan
    from guidec.table import image_metadata

    apply_input_options(args)
    project = project_or_report(args.spec, "split", err)
    if project is None:
        return 2
    ratios = _ratios(args.ratios, project.spec)
    if ratios is None:
        err.write("guidec: error: no split ratios: give --ratios train=0.8,val=0.2 or "
                  "splits: {names: [...], ratios: {...}} in the spec\n")
        return 2
    from guidec.progress import Progress

    with Progress(err):  # a line on a terminal while a large delivery is read
        res = read_delivery(list(args.files), args.input_format, image_root=args.images,
                            project=project, jobs=jobs_of(args))
    diags = [d for d in res.diagnostics if d.code in ("V001", "V002", "V003")]
    if diags:
        err.write(render(diags, "human", Context("split")))
        return 2
    key = args.group_by or (project.spec.splits.group_by if project.spec.splits else None)
    first = (list(res.formats) or list(args.files))[0]
    if not len(res.table.images):
        d = code("H040")("the delivery holds no image to split", file=first)
        err.write(render([d], "human", Context("split")))
        return 2
    sidecar = _sidecar(args.groups, err) if args.groups else {}
    if sidecar is None:
        return 2
    extra = list(sidecar.values())
    dup_note = ""
    if args.images and args.hamming >= 0:
        from guidec import imagehash
        from guidec.diagnostics import GuidecError

        names = [str(n) for n in res.table.images.file_name.tolist() if n is not None]
        try:
            dups, missing = imagehash.duplicate_clusters(names, args.images, args.hamming,
                                                         jobs_of(args))
        except GuidecError as exc:  # no Pillow, or most images one picture: said, not skipped
            diags.append(code("H044")(f"near-duplicate images not grouped: {exc}",
                                      file=args.images))
            dups, missing = [], []
        extra += dups
        if missing:
            diags.append(code("H045")(
                f"{len(missing):,} image(s) not compared for duplicates: "
                + "; ".join(missing[:3]) + ("; ..." if len(missing) > 3 else ""),
                file=args.images, images=missing[:100]))
        dup_note = (f", {len(dups):,} clusters of the same picture "
                    f"({sum(len(c) for c in dups):,} images) kept whole") if dups else ""
    if key and not args.groups and all(v is None for v in image_metadata(res.table, key) or []):
        diags.append(code("H041")(f"no image carries the group key {key!r}: every image is "
                                  f"its own group (give the groups with --groups FILE.csv)",
                                  file=first))
    sp = plan(res.table, project, ratios, key, extra_groups=extra, seed=args.seed)
    total = max(len(sp.image_names), 1)
    dev = deviation(sp)
    for s, name in enumerate(sp.names):
        share = sp.images[s] / total
        if abs(share - sp.wanted[s]) > args.tolerance:
            diags.append(code("H042")(f"{name}: {share:.3f} of the images, ratio "
                                      f"{sp.wanted[s]:.3f}", file=first))
        for c, cname in enumerate(sp.classes):
            if np.isfinite(dev[s, c]) and abs(dev[s, c]) > args.tolerance:
                total_c = int(sp.counts[:, c].sum())
                diags.append(code("H043")(
                    f"{name} holds {int(sp.counts[s, c])} of the {total_c} {cname!r} objects "
                    f"({dev[s, c] + sp.wanted[s]:.3f}; ratio {sp.wanted[s]:.3f})",
                    file=first, **{"class": cname}))
    doc = {
        "seed": args.seed, "group_by": key, "tolerance": args.tolerance,
        "hamming": args.hamming if args.images and args.hamming >= 0 else None,
        "ratios": {n: float(sp.wanted[i]) for i, n in enumerate(sp.names)},
        "groups": sp.groups,
        "images": {n: int(sp.images[i]) for i, n in enumerate(sp.names)},
        "counts": {n: {c: int(sp.counts[i, j]) for j, c in enumerate(sp.classes)
                       if sp.counts[:, j].sum()} for i, n in enumerate(sp.names)},
        "splits": {n: [sp.image_names[k] for k in np.flatnonzero(sp.split_of == i).tolist()]
                   for i, n in enumerate(sp.names)},
    }
    files = {"splits.json": json.dumps(doc, indent=2) + "\n"}
    for n, names in doc["splits"].items():
        files[f"{n}.txt"] = "".join(f"{x}\n" for x in names)
    # each split as a delivery in the delivery's own format (the first file's, if several)
    from guidec.table import select_images
    from guidec.writers import load_writers

    fmt = next(iter(res.formats.values()), None)
    writer = load_writers().get(fmt) if fmt else None
    if writer is not None:
        keys = np.array([str(f) if f is not None else f"#{k}" for f, k in zip(
            res.table.images.file_name.tolist(), res.table.images.key.tolist(), strict=True)],
            dtype=object)
        for n in sp.names:
            chosen = np.isin(keys, np.array(doc["splits"][n], dtype=object))
            for name, data in writer.write(select_images(res.table, chosen), project).items():
                files[f"{n}/{name}"] = data
    refuse_inputs_in(args.out)
    write_tree(args.out, files)
    lines = [f"{len(sp.image_names):,} images in {sp.groups:,} groups"
             + (f" (by {key})" if key else "") + dup_note + f", seed {args.seed}:"]
    for i, n in enumerate(sp.names):
        worst = np.nanmax(np.abs(dev[i])) if np.isfinite(dev[i]).any() else 0.0
        lines.append(f"  {n:<10} {int(sp.images[i]):>8,} images ({sp.images[i] / total:.3f}, "
                     f"ratio {sp.wanted[i]:.3f}); worst class off by {worst:.3f}")
    lines.append(f"Wrote {args.out}/splits.json, " + ", ".join(f"{n}.txt" for n in sp.names)
                 + (f" and a {fmt} delivery per split ({', '.join(f'{n}/' for n in sp.names)})"
                    if writer is not None else "") + ".")
    out.write("\n".join(lines) + "\n")
    if diags:
        err.write(render(diags, "human", Context("split")))
    return exit_code(diags, args.fail_on)
