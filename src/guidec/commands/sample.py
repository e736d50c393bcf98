"""guidec sample: draw the audit sample of a delivery, stratified by class and seeded."""

from __future__ import annotations

import argparse
import json

from guidec.commands._common import (
    add_input_options,
    apply_input_options,
    exit_code,
    jobs_of,
    project_or_report,
)
from guidec.diagnostics import GuidecError

NAME = "sample"
ORDER = 35
HELP = "draw the audit sample of a delivery (qa.audit): stratified by class, seeded"
DESCRIPTION = (
    "Draw max(ceil(rate x images), min) images of DELIVERY (the spec's qa.audit.sample_rate and "
    "min_sample, or --rate and --min), at most every image; every class present gets an image "
    "that contains it while the sample has room (rarest first), the rest is a seeded random "
    "draw. Writes OUT_DIR/sample.txt (file names, sorted) and OUT_DIR/tasks.json (Label Studio "
    "tasks for a project built from the same spec). The same inputs and --seed give the same "
    "files. Exit 0 written, 1 findings at or above --fail-on, 2 could not run.")

SAMPLE_TXT, TASKS_JSON = "sample.txt", "tasks.json"
CANNOT_READ = ("V001", "V002", "V003")  # a delivery file not read: its images would be missed


def add_arguments(p) -> None:
    from guidec.readers import READERS

    p.add_argument("files", nargs="+", metavar="DELIVERY", help="delivery files or folders")
    p.add_argument("--spec", required=True, metavar="SPEC", help="the spec the labels follow")
    p.add_argument("--out", "-o", required=True, metavar="OUT_DIR",
                   help="folder to write sample.txt and tasks.json to (atomically; never a folder "
                        "that is, holds or lies inside an input)")
    p.add_argument("--seed", type=_count, default=0, metavar="N",
                   help="random seed (default 0): the same seed draws the same sample")
    p.add_argument("--rate", type=_rate, metavar="R",
                   help="share of images to sample, 0-1 (default: qa.audit.sample_rate)")
    p.add_argument("--min", dest="minimum", type=_count, metavar="M",
                   help="sample at least this many images (default: qa.audit.min_sample, "
                        "else 0)")
    p.add_argument("--url-prefix", default="", metavar="PREFIX",
                   help="put PREFIX before each file name in tasks.json, e.g. "
                        "/data/local-files/?d=images/ or https://bucket.example/images/")
    add_input_options(p)
    p.add_argument("--input-format", choices=READERS.names(), metavar="F",
                   help="delivery format (default: detected per file): "
                        + ", ".join(READERS.names()))
    p.add_argument("--images", metavar="DIR",
                   help="folder of the images (sizes for formats that do not state them)")
    p.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default="error",
                   help="exit 1 when a finding has at least this severity (default: error)")


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, not {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number (0 or more), not {text!r}")
    return value


def _settings(args, project) -> tuple[float, int]:
    """(rate, minimum) from the options, else the spec's ``qa.audit``."""
    audit = project.spec.qa.audit
    if args.rate is None and audit is None:
        raise GuidecError(f"{args.spec} has no qa.audit (sample_rate, min_sample); give "
                          "--rate (and --min)")
    rate = args.rate if args.rate is not None else audit.sample_rate
    if args.minimum is not None:
        return rate, args.minimum
    return rate, (audit.min_sample or 0) if audit is not None else 0


def run(args, out, err) -> int:
    from guidec.output import refuse_inputs_in, write_tree
    from guidec.progress import Progress
    from guidec.readers import read_delivery
    from guidec.report import Context, render
    from guidec.sampling import draw

    apply_input_options(args)
    project = project_or_report(args.spec, NAME, err)
    if project is None:
        return 2
    rate, minimum = _settings(args, project)
    with Progress(err):  # a line on a terminal while a large delivery is read
        result = read_delivery(list(args.files), args.input_format, image_root=args.images,
                               project=project, jobs=jobs_of(args))
    unread = [d for d in result.diagnostics if d.code in CANNOT_READ]
    if unread:
        err.write(render(unread, "human", Context(NAME)))
        err.write("guidec: error: not sampling a delivery that could not be read whole\n")
        return 2
    refuse_inputs_in(args.out)
    where = args.files[0] if len(args.files) == 1 else None
    sample = draw(result.table, project, rate, minimum, args.seed, file=where)
    diags = sample.diagnostics
    if diags:
        err.write(render(diags, "human", Context(NAME)))
    others = len(result.diagnostics)
    if others:
        err.write(f"note: reading the delivery gave {others:,} finding"
                  f"{'s' if others != 1 else ''}; run: guidec validate --spec {args.spec} "
                  f"{' '.join(args.files)}\n")
    if not sample.names:  # Q200: nothing to write
        return exit_code(diags, args.fail_on) or 1
    write_tree(args.out, {SAMPLE_TXT: sample_txt(sample),
                          TASKS_JSON: tasks_json(sample, args.seed, args.url_prefix)})
    out.write(summary(sample, rate, minimum, args.seed, args.out))
    return exit_code(diags, args.fail_on)


def sample_txt(sample) -> str:
    """One file name a line, sorted (``picked`` is ascending over sorted names)."""
    return "".join(f"{sample.names[i]}\n" for i in sample.picked)


def tasks_json(sample, seed: int, url_prefix: str = "") -> str:
    """Label Studio tasks, one per sampled image, under the data key the Label Studio target's
    ``<Image value="$image">`` reads; ``meta`` says why the image was drawn."""
    from guidec.targets.label_studio import IMAGE_KEY

    tasks = [{"data": {IMAGE_KEY: url_prefix + sample.names[i]},
              "meta": {"classes": sample.classes_of[i],
                       "drawn_for": sample.drawn_for.get(i, []),
                       "seed": seed}}
             for i in sample.picked]
    return json.dumps(tasks, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def summary(sample, rate: float, minimum: int, seed: int, out_dir: str) -> str:
    n_img = len(sample.names)
    strata = sum(1 for i in sample.picked if i in sample.drawn_for)
    lines = [f"Sampled {sample.size:,} of {n_img:,} image{'s' if n_img != 1 else ''} "
             f"(rate {rate:g}, at least {minimum:,}, seed {seed}): {strata:,} drawn to cover "
             f"classes, {sample.size - strata:,} at random."]
    if sample.coverage:
        width = max(len("class"), *(len(c) for c in sample.coverage))
        lines.append(f"  {'class':<{width}}  {'images':>8}  {'sampled':>8}")
        for name, (total, got) in sample.coverage.items():
            lines.append(f"  {name:<{width}}  {total:>8,}  {got:>8,}")
    covered = sum(1 for _, got in sample.coverage.values() if got)
    lines.append(f"{covered:,} of {len(sample.coverage):,} classes in the sample; wrote "
                 f"{out_dir.rstrip('/')}/{SAMPLE_TXT} and {TASKS_JSON}.")
    return "\n".join(lines) + "\n"
