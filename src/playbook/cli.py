"""Command-line interface: argument parsing and exit codes only.

Exit codes: 0 success, 1 content errors (or warnings with --strict), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Sequence

from . import __version__
from .problems import Problem, format_github, format_plain, summary


class UsageError(Exception):
    """Wrong arguments: exit 2 with the message."""


def _date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write YYYY-MM-DD") from None


def _root_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("root", nargs="?", default=".", type=Path,
                   help="the playbook folder (holding playbook.yaml and content/); default: here")


def _as_of_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=_date_arg, metavar="DATE",
                   help="analyse as if today were DATE (default: as_of in playbook.yaml, else today)")


def print_problems(problems: list[Problem], fmt: str = "plain", stream=None) -> None:
    stream = stream or sys.stderr
    formatter = format_github if fmt == "github" else format_plain
    for p in problems:
        print(formatter(p), file=stream)


def _check_root(root: Path) -> Path:
    if not root.exists():
        raise UsageError(f"{root}: no such folder")
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder; give the playbook folder (the one holding content/)")
    return root


# -- commands ------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from .check import check
    root = _check_root(args.root)
    problems, files = check(root, as_of=args.as_of)
    print_problems(problems, args.format, sys.stdout)
    errors = sum(1 for p in problems if p.severity == "error")
    if args.format != "github" or problems:
        print(summary(problems, files), file=sys.stdout if args.format == "plain" else sys.stderr)
    if errors or (args.strict and problems):
        return 1
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildError, build
    root = _check_root(args.root)
    try:
        report = build(root, args.out, args.as_of)
    except BuildError as exc:
        raise UsageError(str(exc)) from None
    print_problems(report.problems, "plain", sys.stderr)
    if not report.ok:
        errors = sum(1 for p in report.problems if p.severity == "error")
        print(f"Build stopped: {errors} error{'s' if errors != 1 else ''} to fix first (see above). "
              f"The previous site in {report.out} is untouched.", file=sys.stderr)
        return 1
    if not args.quiet:
        index = report.out / "index.html"
        where = index.as_uri() if index.exists() else str(report.out)
        print(f"Built {report.customers} customers, {report.files} files in {report.seconds:.2f}s "
              f"as of {report.as_of.isoformat()}.\nOpen {where}")
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    from .actions_cli import run_actions
    return run_actions(_check_root(args.root), args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="A git-native relationship playbook: customer files in, a browsable site out.",
        epilog="Run 'playbook COMMAND --help' for a command's options and an example.",
    )
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "check", help="validate a playbook and report every problem",
        description="Validate a whole playbook and report every problem at once, as path:line:column.",
        epilog="example: playbook check . --strict",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root_arg(p)
    _as_of_arg(p)
    p.add_argument("--format", choices=("plain", "github"), default="plain",
                   help="'github' prints GitHub Actions annotations")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "build", help="compile the playbook into a static site",
        description="Compile the playbook into a static site (HTML, playbook.json, calendars, feed). "
                    "The output folder is replaced only when the build succeeds.",
        epilog="example: playbook build . --out public --as-of 2026-11-20",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root_arg(p)
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: ROOT/site)")
    _as_of_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "actions", help="list the suggested next actions in the terminal",
        description="The ranked next actions for the team or one person: priority first, then due date.",
        epilog="example: playbook actions --owner maya --due-within 7",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _root_arg(p)
    p.add_argument("--owner", metavar="HANDLE", help="only this person's actions and customers")
    p.add_argument("--kind", metavar="KIND", help="only this kind (follow-up, reach-out, personal, renewal, "
                                                  "repair, broaden, answer, play)")
    p.add_argument("--due-within", type=int, metavar="DAYS", help="only actions due within DAYS (overdue included)")
    _as_of_arg(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_actions)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"playbook: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `playbook actions | head` is fine
        return 0
