"""guidec import: a spec from another tool's taxonomy, with a report of what was not carried over."""

from __future__ import annotations

import json
import os

from guidec.diagnostics import GuidecError

NAME = "import"
ORDER = 6
HELP = "write a spec from a Label Studio, CVAT, COCO, YOLO, mmpose, Cityscapes, Labelbox, " \
       "Encord or Kili taxonomy, or from a delivery (--from-delivery)"


def add_arguments(p) -> None:
    from guidec.importing import SOURCES

    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="the taxonomy file (or, with --from-delivery, the delivery files)")
    p.add_argument("--out", "-o", required=True, metavar="SPEC",
                   help="spec file to write (refuses to overwrite a SOURCE)")
    p.add_argument("--from", dest="fmt", choices=list(SOURCES), metavar="FORMAT",
                   help=f"the source format (default: detected from the content): "
                        f"{', '.join(SOURCES)}")
    p.add_argument("--from-delivery", action="store_true",
                   help="infer a draft spec from delivery files (any format guidec validates)")
    p.add_argument("--delivery-format", metavar="FORMAT",
                   help="with --from-delivery: the delivery format (default: detected)")
    p.add_argument("--report", metavar="FILE",
                   help="also write the loss report as JSON to FILE")


def run(args, out, err) -> int:
    from guidec.output import write_atomic
    from guidec.report import Context, render

    out_path = os.path.abspath(args.out)
    if any(os.path.abspath(s) == out_path for s in args.sources):
        err.write(f"guidec: error: --out {args.out} is one of the sources; import never "
                  "writes over its input\n")
        return 2
    try:
        if args.from_delivery:
            from guidec.importing.delivery import import_delivery

            result = import_delivery(args.sources, fmt=args.delivery_format)
        else:
            if len(args.sources) != 1:
                err.write("guidec: error: give one taxonomy file (several files only with "
                          "--from-delivery)\n")
                return 2
            from guidec.importing import import_source

            result = import_source(args.sources[0], args.fmt)
    except GuidecError as exc:
        if exc.diagnostics:
            err.write(render(exc.diagnostics, "human", Context("import")))
        err.write(f"guidec: error: {exc}\n")
        return 2
    write_atomic(args.out, result.text.encode("utf-8"))
    if result.losses:
        out.write(render(result.losses, "human", Context("import")))
    else:
        out.write("nothing lost: every part of the source is in the spec\n")
    out.write(f"wrote {args.out} (from {result.fmt}); next: guidec check {args.out}\n")
    if args.report:
        write_atomic(args.report, report_json(result, args).encode("utf-8"))
    return 0


def report_json(result, args) -> str:
    data = {
        "format": 1,
        "source": list(args.sources),
        "from": result.fmt,
        "spec": args.out,
        "losses": [{"code": d.code, "severity": d.severity.label, "message": d.message,
                    "file": d.file, "where": list(d.path), "hint": d.hint}
                   for d in result.losses],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
