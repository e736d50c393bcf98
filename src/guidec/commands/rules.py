"""guidec rules: every rule code with its documentation."""

from __future__ import annotations

import json

from guidec.codes import FAMILIES, all_codes, lookup

NAME = "rules"
ORDER = 80
HELP = "list every rule code (load, schema, lint, target, validate, diff) with its docs"


def add_arguments(p) -> None:
    p.add_argument("codes", nargs="*", metavar="CODE", help="show only these codes or names")
    p.add_argument("--format", choices=["human", "json", "markdown"], default="human")


def markdown(codes) -> str:
    """The rule reference page (also used for the docs site)."""
    lines = ["# Rule reference", "",
             "Every finding guidec reports carries one of these codes. Families: "
             + ", ".join(f"**{k}** {v}" for k, v in FAMILIES.items()
                         if any(c.code[0] == k for c in codes)) + ".",
             "A retired code no longer fires; it stays reserved and is never reused.", ""]
    family = None
    for c in codes:
        if c.family != family:
            family = c.family
            lines += [f"## {c.code[0]}: {family}", ""]
        lines += [f"### {c.code} `{c.name}`", "",
                  f"Default severity: **{c.severity.label}**", ""]
        if c.retired:
            lines += [f"**Retired.** {c.retired}", ""]
        lines += ["**What it checks.** " + c.summary, ""]
        if c.why:
            lines += ["**Why.** " + c.why, ""]
        if c.example:
            lines += ["**Example.**", "", "```yaml", c.example, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def run(args, out, err) -> int:
    codes = all_codes()
    if args.codes:
        wanted = []
        for key in args.codes:
            entry = lookup(key)
            if entry is None:
                err.write(f"guidec: error: unknown rule {key!r}\n")
                return 2
            wanted.append(entry)
        codes = wanted
    if args.format == "json":
        out.write(json.dumps([{"code": c.code, "name": c.name, "family": c.family,
                               "severity": c.severity.label, "status": c.status,
                               "retired": c.retired or None, "summary": c.summary,
                               "why": c.why, "example": c.example} for c in codes],
                             indent=2) + "\n")
    elif args.format == "markdown":
        out.write(markdown(codes))
    else:
        for c in codes:
            status = "retired " if c.retired else ""
            out.write(f"{c.code}  {c.name:<32} {c.severity.label:<8} {status}"
                      f"{c.summary.splitlines()[0]}\n")
            if args.codes and c.retired:
                out.write(f"\n  Retired: {c.retired}\n")
            if args.codes:
                if c.why:
                    out.write(f"\n  Why: {c.why}\n")
                if c.example:
                    out.write("\n  Example:\n" + "".join(
                        f"    {line}\n" for line in c.example.splitlines()))
                out.write("\n")
    return 0
