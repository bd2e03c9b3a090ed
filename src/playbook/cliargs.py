"""What the command-line modules share: argument types, the playbook's folder, output helpers."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Iterable

from .limits import DATE_RANGE, in_range
from .locate import find_playbook
from .problems import Problem, UsageError, escape_controls, format_github, format_plain
from .whens import FORMS, NotADate, parse_when


def date_arg(text: str) -> date:
    """A date as people type it (`yesterday`, `mon`, `3 days ago`, `2026-11-20`), counted from today."""
    try:
        day = parse_when(text, date.today())
    except NotADate as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not in_range(day):
        raise argparse.ArgumentTypeError(f"'{text}' is out of range; give a date {DATE_RANGE}")
    return day


DATE_FORMS = f"DATE is {FORMS}; a weekday is the last one before today."


def root_args(p: argparse.ArgumentParser, positional: bool) -> None:
    """The playbook's folder: `--root` on every command, and the positional FOLDER where a
    command had one."""
    help_ = ("the playbook folder (holding playbook.yaml or content/); default: this folder or the nearest "
             "one above it that is a playbook")
    if positional:
        p.add_argument("folder", nargs="?", type=Path, metavar="FOLDER", help=help_)
        p.add_argument("--root", type=Path, metavar="DIR", help="the same as FOLDER")
    else:
        p.add_argument("--root", type=Path, metavar="DIR", help=help_)


def playbook_root(args: argparse.Namespace) -> Path:
    """The playbook the command works on (see locate.py); exit 2 when there is none."""
    given = getattr(args, "folder", None)
    if given is not None and args.root is not None and given.resolve() != args.root.resolve():
        raise UsageError(f"two playbook folders given ({given} and --root {args.root}); give one")
    return find_playbook(given if given is not None else args.root, Path.cwd())


def shown(path: Path) -> str:
    """A path relative to the working folder when it is below it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive
        return str(path)
    return str(path) if rel.startswith("..") else rel


def where_from_here(root: Path) -> str:
    """The playbook's folder as seen from the working folder ('../..'), for saying where it was found."""
    try:
        return os.path.relpath(root)
    except ValueError:
        return str(root)


def print_problems(problems: list[Problem], fmt: str = "plain", stream=None) -> None:
    stream = stream or sys.stderr
    formatter = format_github if fmt == "github" else format_plain
    for p in problems:
        print(formatter(p), file=stream)


def warn(messages: Iterable[str]) -> None:
    for m in messages:
        print(f"playbook: warning: {escape_controls(m)}", file=sys.stderr)


def check_text(args: argparse.Namespace) -> None:
    """Arguments that are not UTF-8 (argv bytes Python could not decode are kept as lone
    surrogates) are a usage problem, found before anything is written."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    shown_ = os.fsencode(text).decode("utf-8", "backslashreplace")  # the bytes as typed
                    if name == "post":  # a webhook address is a secret (digest_cli.py)
                        raise UsageError("the webhook address given to --post is not UTF-8 text") from None
                    raise UsageError(f"the {name.rstrip('_').replace('_', '-')} argument '{shown_}' is not "
                                     "UTF-8 text; retype it or set a UTF-8 locale") from None
