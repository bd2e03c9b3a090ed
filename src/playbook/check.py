"""`playbook check`: loading problems plus the checks that need the whole playbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterable

from .config import CONFIG_FILE, Config, resolve_as_of
from .engine.demand import unmatched
from .load import Loaded, load
from .engine.plays import role_matches
from .model import DECISION_ROLES, Customer, Playbook
from .problems import Problem, did_you_mean, sorted_problems, warning
from .site.render import template_problems


def whole_playbook_problems(playbook: Playbook, config: Config, as_of: date) -> list[Problem]:
    """Warnings that depend on the as-of date or on several files at once."""
    out: list[Problem] = []
    for c in playbook.customers:
        for i in c.interactions:
            if i.date > as_of:
                out.append(warning(i.source.path, i.date_line, 0,
                                   f"dated {i.date.isoformat()}, after the as-of date {as_of.isoformat()}; "
                                   "the analysis ignores it until then (check the year?)"))
        if c.status == "active" and not c.interactions and not c.since:
            out.append(warning(c.source.path, 1, 0, "no interactions and no 'since' date yet; "
                                                    "log a first touch so Playbook can follow the relationship"))
    return out


def available_problems(customers: Iterable[Customer], config: Config) -> list[Problem]:
    """An `available` entry that matches no ask at all (open, parked or answered) is most likely a
    misspelt `about` word: nobody would be told. `customers` are only gone through when
    playbook.yaml has such entries."""
    return [warning(CONFIG_FILE, e.line, 0, f"available '{e.what}' matches no ask: no customer's ask has "
                                            f"{' or '.join(repr(w) for w in e.about)} in its words or its 'about'; "
                                            "check the 'about' words")
            for e in unmatched(customers, config.available)]


def play_problems(customers: Iterable[Customer], config: Config) -> list[Problem]:
    """A play's `with` that is no decision role and no contact of any customer's job is most
    likely misspelt ("Head of Procurment"): its action would be with nobody, and join no
    meeting. (A decision role nobody holds yet is no misspelling.)"""
    plays = [p for p in config.plays if p.with_ and not p.internal and p.with_ not in DECISION_ROLES]
    if not plays:
        return []
    contacts = [c for cu in customers for c in cu.contacts]
    known = sorted({r for c in contacts for r in c.decision} | {c.role for c in contacts if c.role})
    return [warning(CONFIG_FILE, p.line, 0, f"play '{p.name}' is with '{p.with_}', which is no contact's decision "
                                            f"role or job{did_you_mean(p.with_, [*DECISION_ROLES, *known])}: its "
                                            "action will name nobody; check 'with'")
            for p in plays if not any(role_matches(c.role, p.with_) for c in contacts)]


def check_loaded(loaded: Loaded, as_of: date) -> list[Problem]:
    return sorted_problems(loaded.problems + whole_playbook_problems(loaded.playbook, loaded.config, as_of)
                           + available_problems(loaded.playbook.customers, loaded.config)
                           + play_problems(loaded.playbook.customers, loaded.config))


def check(root: Path, as_of: date | None = None) -> tuple[list[Problem], int]:
    """Every problem in the playbook at `root`, and how many files were read."""
    loaded = load(root)
    when = resolve_as_of(as_of, loaded.config.as_of)
    # The team's templates too: build would stop on a refused or broken one.
    return sorted_problems(check_loaded(loaded, when) + template_problems(root.resolve())), loaded.playbook.files


def load_clean(root: Path, as_of: date | None) -> tuple[Loaded, date] | None:
    """The playbook and its date for a command that reads it (`actions`, `asks`, `digest`);
    None, with its errors printed to stderr and a line saying what to do, when the content has
    errors that would make what the command says wrong."""
    import sys
    from .problems import format_plain
    loaded = load(root)
    when = resolve_as_of(as_of, loaded.config.as_of)
    errors = [p for p in check_loaded(loaded, when) if p.severity == "error"]
    for p in errors:
        print(format_plain(p), file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s) in the content; fix them first (run 'playbook check').", file=sys.stderr)
        return None
    return loaded, when
