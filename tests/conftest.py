"""Shared fixtures: throw-away playbooks built from a dict of files, loading them, the
example and hostile playbooks built once per test session, and Chromium (one per session,
for every browser test module: browsing.py)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import pytest

from browsing import ARGS, CHROMIUM, Watched, unavailable
from helpers import (
    ACME_YAML, CUSTOMER_YAML, HOSTILE_FILES, PLAYBOOK_YAML, REPO, SENTINEL, SENTINEL_DIR, SENTINEL_PROBLEMS,
    write_playbook,
)
from playbook.build import build
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


@pytest.fixture(scope="session")
def example_root(tmp_path_factory) -> Path:
    """A copy of the repository's example playbook (content/ and playbook.yaml, which pins
    as_of). Copied out of the work tree so that no test sees this repository's git history
    ("Files last changed (git) … by …" changes with every commit and differs in a shallow
    clone) and no build writes a cache into the repository. Tests must not change it."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy2(REPO / "playbook.yaml", root / "playbook.yaml")
    return root


@pytest.fixture(scope="session")
def example_site(example_root: Path, tmp_path_factory) -> Path:
    """The example playbook built cold, once per session. Tests only read it."""
    out = tmp_path_factory.mktemp("example-site") / "site"
    report = build(example_root, out, use_cache=False)
    assert report.problems == [], "\n".join(map(str, report.problems))
    return out


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory) -> Path:
    """helpers.HOSTILE_FILES written out: every free-text field tries to break its format."""
    return write_playbook(tmp_path_factory.mktemp("hostile"), HOSTILE_FILES)


@pytest.fixture(scope="session")
def hostile_site(hostile_root: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile-site") / "site"
    report = build(hostile_root, out, use_cache=False)
    assert report.ok, "\n".join(map(str, report.problems))
    return out


# -- Chromium: one browser for the whole session (two sync Playwright sessions cannot share a process)

@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def watch(browser):
    """watch(**context_args) -> Watched: a page in a new context (a viewport, say); after the
    test, no console errors and no request that left the machine."""
    opened: list[tuple[object, Watched]] = []

    def open_page(**context_args) -> Watched:
        context = browser.new_context(**context_args)
        opened.append((context, Watched(context.new_page())))
        return opened[-1][1]

    yield open_page
    for context, w in opened:
        context.close()
        assert not w.errors, f"console errors: {w.errors}"
        assert not w.foreign(), f"requests left the machine: {w.foreign()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """CI (`.ci/run`) runs the suite twice side by side: the newest versions (the README's
    command) and the lowest. The big test (10,000 customers, two minutes) runs in the lowest
    run and the slow one (a pip install) in the newest, so the two take about as long;
    PLAYBOOK_IN_OTHER_RUN names the markers the other run takes, and they are reported here
    as skipped, saying where they ran."""
    import os
    elsewhere = {m for m in os.environ.get("PLAYBOOK_IN_OTHER_RUN", "").split(",") if m}
    if not elsewhere:
        return
    skip = pytest.mark.skip(reason="runs in CI's other run of the suite (.ci/run)")
    for item in items:
        if elsewhere & set(item.keywords):
            item.add_marker(skip)
