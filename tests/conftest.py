"""Shared fixtures: throw-away playbooks built from a dict of files, and loading them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import pytest

from helpers import (
    ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, SENTINEL, SENTINEL_DIR, SENTINEL_PROBLEMS,
    write_playbook,
)
from playbook.load import Loaded, load
from playbook.model import Customer
from playbook.problems import Problem

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Case:
    """A loaded playbook, with the sentinel customer's expected problems taken out."""

    loaded: Loaded
    problems: list[Problem]
    root: Path

    def customer(self, slug: str = "acme") -> Customer:
        for c in self.loaded.playbook.customers:
            if c.slug == slug:
                return c
        raise AssertionError(f"customer {slug!r} was not loaded; problems:\n"
                             + "\n".join(map(str, self.problems)))

    def has_customer(self, slug: str) -> bool:
        return any(c.slug == slug for c in self.loaded.playbook.customers)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def make_playbook(tmp_path: Path) -> Callable[..., Path]:
    """make_playbook(files, defaults=True) -> root.

    With `defaults`, a valid playbook.yaml and acme customer.yaml are written first; a
    file given as None in `files` is left out (to test a missing file).
    """
    def make(files: Mapping[str, str | bytes | None], *, defaults: bool = True) -> Path:
        merged: dict[str, str | bytes | None] = (
            {"playbook.yaml": PLAYBOOK_YAML, ACME_YAML: CUSTOMER_YAML} if defaults else {}
        )
        merged.update(files)
        return write_playbook(tmp_path / "playbook",
                              {k: v for k, v in merged.items() if v is not None})
    return make


@pytest.fixture
def load_case(make_playbook) -> Callable[..., Case]:
    """load_case(files, defaults=True) -> Case, always with the sentinel customer added.

    Asserts that the sentinel's problems were reported exactly (so no bad input may stop
    the loader or swallow other files' problems) and leaves them out of `Case.problems`.
    """
    def go(files: Mapping[str, str | bytes | None], *, defaults: bool = True) -> Case:
        root = make_playbook({**SENTINEL, **files}, defaults=defaults)
        loaded = load(root)
        sentinel = [p for p in loaded.problems if p.path.startswith(SENTINEL_DIR + "/")]
        assert sentinel == SENTINEL_PROBLEMS, (
            "the other customer's problems were not all reported:\n" + "\n".join(map(str, loaded.problems)))
        return Case(loaded, [p for p in loaded.problems if not p.path.startswith(SENTINEL_DIR + "/")], root)
    return go
