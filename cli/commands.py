"""The analyzer's sub-commands: lint, explain, rules."""

from __future__ import annotations

import sys
from pathlib import Path

from goperf.analyzer import config as configuration
from goperf.analyzer import registry
from goperf.analyzer.model import Applicability, Severity

from . import output
from .files import InputError, collect


def _names(value: str) -> list[str]:
    """--enable/--disable take one name or a comma-separated list, as golangci-lint's -E/-D do."""
    return [n.strip() for n in value.split(",") if n.strip()]


def add_lint(sub) -> None:
    p = sub.add_parser("lint", help="report performance findings in Go packages",
                       description="Lint Go files, folders and ./... patterns.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or PATTERN/... (default: .)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument("--enable", action="extend", type=_names, default=[], metavar="RULE|FAMILY[,...]",
                   help="turn rules or families on (preview rules too)")
    p.add_argument("--disable", action="extend", type=_names, default=[], metavar="RULE|FAMILY[,...]")
    p.add_argument("--min-severity", choices=[str(s) for s in Severity], default=None,
                   help="lowest severity reported (default: info; hints are for editors)")
    p.add_argument("--tests", action="store_true", default=None, help="also lint _test.go files")
    p.add_argument("--generated", action="store_true", default=None,
                   help='also lint files marked "// Code generated ... DO NOT EDIT."')
    p.add_argument("--config", type=Path, help="goperf.toml to use (default: found next to go.mod)")
    p.add_argument("--fix", action="store_true", help="apply safe fixes, writing files atomically")
    p.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply unsafe fixes too")
    p.add_argument("--diff", action="store_true", help="print the fixes as a unified diff instead of writing them")
    p.add_argument("--compiler", action="store_true", help="confirm escape findings with the Go compiler")
    p.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: CPUs)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--no-cache", action="store_true",
                   help="analyze every package, even one unchanged since a previous run (also: GOPERF_NO_CACHE=1)")
    p.set_defaults(run=run_lint)


def add_explain(sub) -> None:
    p = sub.add_parser("explain", help="print a rule's documentation page")
    p.add_argument("rule", metavar="RULE")
    p.set_defaults(run=run_explain)


def add_rules(sub) -> None:
    p = sub.add_parser("rules", help="list the rules")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run_rules)


def _error(message: str) -> int:
    print(f"goperf: {message}", file=sys.stderr)
    return 2


def load_config(args, start: Path) -> configuration.Config:
    path = args.config or configuration.find_config(start)
    base = configuration.load(path) if path else configuration.Config()
    for name in args.enable + args.disable + list(base.enable) + list(base.disable):
        registry.check_selector(name)
    # On the command line hints ("up to n", "consider …") stay hidden unless asked for;
    # editors show them, unobtrusively.
    severity = Severity.parse(args.min_severity) if args.min_severity else base.min_severity or Severity.INFO
    return base.merged(enable=args.enable, disable=args.disable, tests=args.tests, generated=args.generated,
                       min_severity=severity)


def run_lint(args) -> int:
    from . import lint

    try:
        first = Path(args.paths[0].removesuffix("...") or ".") if args.paths else Path(".")
        config = load_config(args, first if first.exists() else Path("."))
        packages = collect(args.paths, tests=config.tests)
    except (InputError, configuration.ConfigError, ValueError) as e:
        return _error(str(e))
    if args.unsafe_fixes and not (args.fix or args.diff):
        return _error("--unsafe-fixes needs --fix or --diff")
    fix_level = None
    if args.fix or args.diff:
        fix_level = {Applicability.SAFE} | ({Applicability.UNSAFE} if args.unsafe_fixes else set())

    results = _run_with_progress(lint, packages, config, fix_level, args)
    notes = [e for r in results for e in r.errors]
    if args.compiler:
        notes += _confirm_with_compiler(results, config)
    findings = sorted((f for r in results for f in r.findings), key=lambda f: (f.path, f.start, f.rule))
    locator = output.Locator({p: s for r in results for p, s in r.sources.items()})

    status = 0
    if args.diff:
        for r in results:
            sys.stdout.writelines(lint.unified_diff(r))
        return 1 if any(r.fixed for r in results) else 0
    if args.fix:
        for r in results:
            try:
                lint.write_fixed(r)
            except lint.WriteError as e:
                lint.warn(str(e))
                status = 2
        fixed = sum(r.fixed for r in results)
        if fixed:
            print(f"goperf: applied {fixed} fix{'es' if fixed != 1 else ''}", file=sys.stderr)

    if args.format == "json":
        output.write_json(findings, locator, sys.stdout, notes)
    elif args.format == "sarif":
        output.write_sarif(findings, locator, sys.stdout)
    else:
        output.write_text(findings, locator, sys.stdout, colour=sys.stdout.isatty())
        for note in notes:
            lint.warn(note)
    return status or (1 if findings else 0)


def _run_with_progress(lint, packages, config, fix_level, args):
    from .cache import disabled_by_env

    use_cache = not (args.no_cache or disabled_by_env())
    show = not args.no_progress and sys.stderr.isatty() and len(packages) >= 20
    if not show:
        return lint.lint_all(packages, config, fix_level, args.jobs, use_cache=use_cache)
    from rich.progress import Progress  # only for long runs on a terminal

    with Progress(transient=True) as progress:
        task = progress.add_task("linting", total=len(packages))
        return lint.lint_all(packages, config, fix_level, args.jobs, lambda n: progress.advance(task, n),
                             use_cache=use_cache)


def _confirm_with_compiler(results, config) -> list[str]:
    try:
        from goperf.analyzer.compiler import apply_compiler
    except ImportError:
        return ["compiler mode is not available in this build"]
    notes = []
    for r in results:
        r.findings, note = apply_compiler(r.findings, r.folder, config)
        if note:
            notes.append(f"{r.folder}: {note}")
    return notes


def run_explain(args) -> int:
    rule = registry.lookup(args.rule)
    if rule is None:
        return _error(f"unknown rule {args.rule!r} (see `goperf rules`)")
    status = "" if rule.status == "stable" else f" ({rule.status}: enable with --enable {rule.id})"
    print(f"{rule.id}: {rule.doc.strip()}\n\nSeverity: {rule.severity}. Fixes: {rule.fix.value}.{status}")
    return 0


def run_rules(args) -> int:
    if args.format == "json":
        import json

        json.dump([{"id": r.id, "title": r.title, "severity": str(r.severity), "fix": r.fix.value,
                    "status": r.status, "peers": list(r.peers)} for r in registry.RULES], sys.stdout, indent=2)
        print()
        return 0
    width = max(len(r.id) for r in registry.RULES)
    for r in registry.RULES:
        flags = ("fix" if r.fix.value != "none" else "   ") + (" preview" if r.status != "stable" else "")
        print(f"{r.id:<{width}}  {flags:<11}  {r.title}")
    return 0
