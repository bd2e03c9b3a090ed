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
