"""Command-line interface: argument parsing and exit codes only.

Exit codes: 0 success, 1 content errors (or warnings with --strict), 2 wrong usage, no
playbook where one was looked for, or a machine problem (a full disk, a folder it may not
write, arguments that are not UTF-8).

Every command finds its playbook the same way (cliargs.playbook_root, locate.py): the folder
given (the positional FOLDER or --root), else this folder or the nearest one above it.
The commands that write into the playbook are in cli_capture.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from . import __version__
from .cliargs import DATE_FORMS, check_text, date_arg, playbook_root, print_problems, root_args, where_from_here
from .problems import UsageError, counted, describe_os_error, escape_controls, escape_lines, summary


def _as_of_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", type=date_arg, metavar="DATE",
                   help="analyse as if today were DATE (default: as_of in playbook.yaml, else today)")


def terminal_progress(quiet: bool):
    """A one-line progress display on an interactive terminal; silent in CI, in pipes and with
    --quiet, so logs stay clean."""
    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        return lambda _text: None

    def show(text: str) -> None:
        sys.stderr.write("\r\033[K" + text)
        sys.stderr.flush()
    return show


def _say_where(root: Path, args: argparse.Namespace) -> None:
    """Problems name paths from the playbook's folder: when it was found above the working
    folder, say which it is, so a path is not looked for from here."""
    if getattr(args, "folder", None) is None and args.root is None and root != Path.cwd().resolve():
        print(f"playbook: the playbook in {where_from_here(root)} (paths are relative to it)", file=sys.stderr)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


# -- commands ------------------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from .check import check
    root = playbook_root(args)
    if args.format == "plain":
        _say_where(root, args)
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
    root = playbook_root(args)
    if args.since:
        from .gitinfo import read_git
        git = read_git(root)
        if not git.log:
            raise UsageError("--since needs the playbook to be a git work tree with committed content")
        if git.changes_after(args.since) is None:
            raise UsageError(f"--since {args.since}: not a date (YYYY-MM-DD) nor a commit that changed content/")
    out = (args.out or root / "site").resolve()
    had_site = out.exists()  # so a failed build says truthfully what it left
    try:
        report = build(root, args.out, args.as_of, args.since, use_cache=not args.no_cache, jobs=args.jobs,
                       progress=terminal_progress(args.quiet))
    except BuildError as exc:
        raise UsageError(str(exc)) from None
    finally:
        terminal_progress(args.quiet)("")  # clear the progress line
    _say_where(root, args)
    print_problems(report.problems, "plain", sys.stderr)
    if not report.ok:
        errors = sum(1 for p in report.problems if p.severity == "error")
        left = (f"The previous site in {report.out} is untouched." if had_site else
                f"Nothing was written (there was no site in {report.out}).")
        print(f"Build stopped: {_plural(errors, 'error')} to fix first (see above). {left}", file=sys.stderr)
        return 1
    warnings = sum(1 for p in report.problems if p.severity == "warning")
    if args.strict and warnings:
        # As MkDocs' --strict: the site is written, and the run fails so CI does not publish it.
        print(f"Build failed in --strict mode: {_plural(warnings, 'warning')} (see above). The site in "
              f"{report.out} was written; fix the warnings, or build without --strict.", file=sys.stderr)
        return 1
    if not args.quiet:
        index = report.out / "index.html"
        where = index.as_uri() if index.exists() else str(report.out)
        if report.unchanged:
            print(f"Up to date: nothing changed since the last build ({counted(report.customers, 'customer')}, "
                  f"{counted(report.files, 'file')}, as of {report.as_of.isoformat()}; checked in "
                  f"{report.seconds:.2f}s).\nOpen {where}")
        else:
            print(f"Built {counted(report.customers, 'customer')}, {counted(report.files, 'file')} in "
                  f"{report.seconds:.2f}s as of {report.as_of.isoformat()}.\nOpen {where}")
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    from .actions_cli import run_actions
    return run_actions(playbook_root(args), args)


def cmd_asks(args: argparse.Namespace) -> int:
    from .asks_cli import run_asks
    return run_asks(playbook_root(args), args)


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve
    root = playbook_root(args)
    return serve(root, args.host, args.port, args.open, args.out, args.as_of, args.quiet)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="A git-native relationship playbook: customer files in, a browsable site out.",
        epilog="Every command works on the playbook in this folder or the nearest one above it, or on the\n"
               "one given with --root DIR (or as FOLDER). Run 'playbook COMMAND --help' for a command's\n"
               "options and an example.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"playbook {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "check", help="validate a playbook and report every problem",
        description="Validate a whole playbook and report every problem at once, as path:line:column "
                    "(paths from the playbook's folder).",
        epilog="example: playbook check --strict\n\n"
               "exit status: 0 no errors; 1 errors (or warnings, with --strict); 2 wrong usage or no playbook here.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root_args(p, positional=True)
    _as_of_arg(p)
    p.add_argument("--format", choices=("plain", "github"), default="plain",
                   help="'github' prints GitHub Actions annotations")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "build", help="compile the playbook into a static site",
        description="Compile the playbook into a static site (HTML, playbook.json, calendars, feed). "
                    "The output folder is changed only when the build succeeds. When nothing it "
                    "depends on changed since the last build into the same folder, it says 'Up to date' "
                    "and writes nothing.",
        epilog="example: playbook build --out public --as-of 2026-11-20\n\n"
               "exit status: 0 built; 1 errors in the content, nothing written (or warnings, with --strict);\n"
               "2 wrong usage, no playbook here, or a machine problem.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root_args(p, positional=True)
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: ROOT/site)")
    _as_of_arg(p)
    p.add_argument("--since", metavar="DATE|COMMIT",
                   help="list on the home page what changed in the content since a date or a commit (git)")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 1) on warnings too, as MkDocs' --strict (the site is still written)")
    p.add_argument("--no-cache", action="store_true",
                   help="a cold build: ignore ROOT/.playbook-cache (the build cache) and write none")
    p.add_argument("--jobs", "-j", type=int, metavar="N",
                   help="worker processes (default: one per core, for playbooks large enough to gain)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "actions", help="list the suggested next actions in the terminal",
        description="The ranked next actions, highest score first: yours when Playbook can tell who you are "
                    "($PLAYBOOK_USER, or git's user.email matched against the team's emails in "
                    "playbook.yaml), else the whole team's.",
        epilog="examples:\n  playbook actions --due-within 7\n  playbook actions --owner maya --kind follow-up\n"
               "  playbook actions --all",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root_args(p, positional=True)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--owner", metavar="HANDLE", help="only this person's actions and customers")
    who.add_argument("--all", action="store_true", help="everyone's actions, not only yours")
    p.add_argument("--kind", metavar="KIND", help="only this kind (follow-up, reach-out, personal, renewal, "
                                                  "repair, broaden, answer, tell, prepare, play)")
    p.add_argument("--due-within", type=int, metavar="DAYS", help="only actions due within DAYS (overdue included)")
    _as_of_arg(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_actions)

    p = sub.add_parser(
        "asks", help="what customers ask for, grouped, and what has come in",
        description="Every open and parked ask across the customers, grouped by what was asked (the words "
                    "they share, or their 'about' words), with how many customers and their combined value, "
                    "and the 'available' entries of playbook.yaml that answer them. The site's asks.html "
                    "shows the same.",
        epilog="example: playbook asks --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root_args(p, positional=True)
    _as_of_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="'json' for other tools")
    p.set_defaults(func=cmd_asks)

    p = sub.add_parser(
        "serve", help="preview the site, rebuilding and reloading as you edit",
        description="Build, serve on this machine only, watch the playbook and rebuild on every change; "
                    "open tabs reload by themselves, and errors show over the last good page.",
        epilog="example: playbook serve --port 8000 --open",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root_args(p, positional=True)
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: only this machine)")
    p.add_argument("--open", action="store_true", help="open the site in a browser")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: ROOT/site)")
    _as_of_arg(p)
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(func=cmd_serve)

    from .cli_capture import add_parsers
    add_parsers(sub)
    from .digest_cli import add_parser as add_digest
    add_digest(sub, root_args, _as_of_arg)
    from .import_cli import add_parser as add_import
    add_import(sub)
    for name, each in sub.choices.items():
        if name != "init" and each.epilog and DATE_FORMS not in each.epilog:
            each.epilog += f"\n\n{DATE_FORMS}"
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
        check_text(args)
        return int(args.func(args))
    except UsageError as exc:
        print(f"playbook: {escape_lines(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `playbook actions | head` is fine
        return 0
    except OSError as exc:  # the environment, not the content: a full disk, a read-only folder…
        print(f"playbook: {escape_controls(describe_os_error(exc))}", file=sys.stderr)
        return 2


def console(argv: Sequence[str] | None = None) -> NoReturn:
    """The `playbook` command (and `python -m playbook`): `main`, then out of the process
    without the interpreter freeing every object one by one, which took 43–76 ms of a one-note
    build at 1,000 × 50 and 100–150 ms at 10,000 × 20 (mypy leaves the same way). Only when
    nothing is left to finish: the output flushed, no other thread and no child process;
    else, and for `main` called in a process that goes on (the tests), the usual exit."""
    code = main(argv)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # none at all under pythonw
                stream.flush()
    except (OSError, ValueError):  # a closed pipe or stream: the interpreter reports it as before
        sys.exit(code)
    import threading
    mp = sys.modules.get("multiprocessing")
    if threading.active_count() == 1 and (mp is None or not mp.active_children()):
        os._exit(code)
    sys.exit(code)
