"""`playbook actions`: the ranked next actions, readable at a glance in a terminal."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Sequence

from .check import load_clean
from .engine import analyse_all, team_actions
from .engine.types import ACTION_KINDS, Action
from .engine.words import fmt_date
from .model import TeamMember
from .outputs.json_out import action_dict
from .problems import UsageError, did_you_mean, escape_controls, one_of
from .records import Record

_COLOURS = {"high": "\033[1;31m", "medium": "\033[33m", "low": "\033[2m"}
_RESET = "\033[0m"


def _when(a: Action, as_of) -> str:
    n = (a.due - as_of).days
    if a.due_since is not None:  # held since then (`Action.due_since`): no count that grows
        return f"overdue since {fmt_date(a.due_since)}"
    if n < 0:
        return f"{-n}d overdue"
    if n == 0:
        return "today"
    return f"in {n}d"


def format_actions(actions: list[Action], names: dict[str, str], as_of, colour: bool, width: int = 100) -> str:
    lines = []
    indent = " " * 8
    wrap = max(40, width - len(indent))
    whens = [_when(a, as_of) for a in actions]
    column = max([12, *map(len, whens)])  # as wide as "overdue since 30 Sep 2025" only when one is listed
    for a, when in zip(actions, whens):
        tag = f"{a.priority.upper():6}"
        if colour:
            tag = f"{_COLOURS[a.priority]}{tag}{_RESET}"
        # What people wrote is escaped (`escape_controls`); only our own colours steer the terminal.
        owner = escape_controls("".join(f"  @{h}" for h in a.assignees))
        name = escape_controls(names.get(a.customer, a.customer))
        lines.append(f"{tag} {when:>{column}}  {a.kind}  {name}{owner}")
        lines.append(textwrap.fill(escape_controls(a.title), width=wrap, initial_indent=indent,
                                   subsequent_indent=indent))
        dim = ("\033[2m", _RESET) if colour else ("", "")
        why = textwrap.fill(escape_controls(a.why), width=wrap, initial_indent=indent, subsequent_indent=indent,
                            break_on_hyphens=False)
        lines.append(f"{dim[0]}{why}{dim[1]}")
        if a.source:
            lines.append(f"{indent}{dim[0]}{escape_controls(str(a.source))}{dim[1]}")
    return "\n".join(lines)


class Me(Record):
    """Who is asking, as far as Playbook can tell."""

    handle: str | None
    """Their team handle, or None: show everyone's actions."""
    how: str
    """How it was told ('$PLAYBOOK_USER', 'git user.email maya@…'), for the header."""
    warning: str | None = None
    """Why a hint was not used."""


def identify(playbook_user: str | None, git_email: str | None, team: Sequence[TeamMember],
             handles: set[str]) -> Me:
    """The person asking: $PLAYBOOK_USER when it is a known handle, else the team member whose
    `email` in playbook.yaml is git's user.email (case ignored). Pure, for tests."""
    user = (playbook_user or "").strip()
    if user:
        if user in handles:
            return Me(user, "$PLAYBOOK_USER")
        return Me(None, "", f"PLAYBOOK_USER={user} is not a handle in this playbook{did_you_mean(user, handles)}; "
                            "showing everyone's actions")
    email = (git_email or "").strip().casefold()
    if email:
        for m in team:
            if m.email and m.email.strip().casefold() == email:
                return Me(m.handle, f"git user.email {git_email.strip()}")
    return Me(None, "")


def git_email(root: Path) -> str | None:
    """git's user.email as seen from the playbook (its own config, then the user's)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "config", "user.email"], capture_output=True, text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def run_actions(root: Path, args: argparse.Namespace) -> int:
    if args.kind and args.kind not in ACTION_KINDS:
        raise UsageError(f"unknown kind '{args.kind}'{did_you_mean(args.kind, ACTION_KINDS)}; "
                         f"use one of {one_of(ACTION_KINDS)}")
    clean = load_clean(root, args.as_of)
    if clean is None:
        return 1
    loaded, as_of = clean
    handles = {m.handle for m in loaded.config.team} | {o for c in loaded.playbook.customers for o in c.owners}
    if args.owner and args.owner not in handles:
        raise UsageError(f"no one with the handle '{args.owner}'{did_you_mean(args.owner, handles)}; "
                         f"known: {', '.join(sorted(handles))}")
    owner, me = args.owner, Me(None, "")
    if not owner and not args.all:
        me = identify(os.environ.get("PLAYBOOK_USER"), git_email(root), loaded.config.team, handles)
        if me.warning:
            print(f"playbook: warning: {me.warning}", file=sys.stderr)
        owner = me.handle
    rels = analyse_all(loaded.playbook, loaded.config, as_of)
    actions = team_actions(rels, owner, args.kind, args.due_within)
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), "for": owner,
                          "actions": [action_dict(a) for a in actions]}, ensure_ascii=False, indent=2))
        return 0
    names = {r.customer.slug: r.customer.name for r in rels}
    if me.handle:
        who = f"for @{owner} (you, from {me.how}; --all shows everyone's)"
    else:
        who = f"for @{owner}" if owner else "for the team"
    print(f"{len(actions)} action{'s' if len(actions) != 1 else ''} {who}, as of {fmt_date(as_of)}")
    if actions:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        width = os.get_terminal_size().columns if sys.stdout.isatty() else 100
        print(format_actions(actions, names, as_of, colour, width))
    return 0
