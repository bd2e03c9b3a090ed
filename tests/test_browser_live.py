"""`playbook serve` in headless Chromium: a tab reloads by itself when its page changes, and a
tab on a page the edit did not change stays as it is (its scroll, its half-typed search)."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from helpers import REPO

from playbook import early, manifest
from playbook.serve import serve

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "pb"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "playbook.yaml", root / "playbook.yaml")
    ready, stop = threading.Event(), threading.Event()
    t = threading.Thread(target=serve, args=(root,), kwargs=dict(port=0, quiet=True, ready=ready, stop=stop),
                         daemon=True)
    t.start()
    assert ready.wait(30), "server did not start"
    yield root, f"http://127.0.0.1:{ready.port}"
    stop.set()
    t.join(10)


@pytest.fixture
def settled(monkeypatch):
    """The copied customers folder taken as settled at once (a real one is older than the clock
    tick a change could hide in, manifest.RACY_NS): a save's pages are then written ahead of the
    rebuild (early.py). What each call of `early_pages` wrote, in order."""
    monkeypatch.setattr(manifest, "RACY_NS", 0)
    wrote: list[tuple[str, ...]] = []
    real = early.early_pages
    monkeypatch.setattr(early, "early_pages", lambda *args: (wrote.append(real(*args)), wrote[-1])[1])
    return wrote


@pytest.mark.parametrize("ahead", [False, True], ids=["by-the-rebuild", "ahead-of-it"])
def test_only_the_tab_whose_page_changed_reloads(request, browser, ahead):
    wrote = request.getfixturevalue("settled") if ahead else None
    root, base = request.getfixturevalue("served")
    context = browser.new_context()
    try:
        edited, other = context.new_page(), context.new_page()
        edited.goto(f"{base}/customers/loomwork/")
        other.goto(f"{base}/customers/oakmere-studio/index.html")
        for tab in (edited, other):
            tab.wait_for_function("() => document.readyState === 'complete'")
            tab.evaluate("window.playbookTestMark = true")  # gone with a reload
        time.sleep(0.5)  # the live-reload streams connect
        note = root / "content/customers/loomwork/interactions/2026-11-19-note.md"
        note.write_text("Quick call with Priya: they want the renewal quote split by site.\n")
        edited.wait_for_function("() => document.body.innerText.includes('split by site')", timeout=20_000)
        assert edited.evaluate("window.playbookTestMark === undefined")
        edited.evaluate("window.playbookTestMark = 'reloaded'")
        time.sleep(1.5)  # the rest of the rebuild, and any late reload
        assert other.evaluate("window.playbookTestMark === true")
        assert "split by site" not in other.inner_text("body")
        assert edited.evaluate("window.playbookTestMark === 'reloaded'")  # once: not again when the rebuild ends
        if ahead:
            assert "customers/loomwork/index.html" in {rel for w in wrote for rel in w}
    finally:
        context.close()


def test_a_tab_on_a_missing_page_shows_it_once_it_is_made(served, browser):
    """A customer's address opened before the customer exists (a 404, without the trailing
    slash), then its folder added: the tab reloads by itself and shows the customer."""
    root, base = served
    context = browser.new_context()
    try:
        tab = context.new_page()
        assert tab.goto(f"{base}/customers/oakmere-annex").status == 404
        time.sleep(0.5)  # the live-reload stream connects
        folder = root / "content/customers/oakmere-annex"
        shutil.copytree(root / "content/customers/oakmere-studio", folder)
        profile = folder / "customer.yaml"
        profile.write_text(profile.read_text().replace("name: Oakmere Studio", "name: Oakmere Annex", 1))
        tab.wait_for_function("() => document.title.includes('Oakmere Annex')", timeout=20_000)
    finally:
        context.close()


def test_a_broken_build_shows_on_every_tab_and_goes_when_fixed(served, browser):
    """Any tab, whatever its page, shows the problems over the last good page when an edit
    breaks the build, and loses them by itself once the file is fixed."""
    root, base = served
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(f"{base}/customers/oakmere-studio/")
        time.sleep(0.5)  # the live-reload stream connects
        profile = root / "content/customers/loomwork/customer.yaml"
        good = profile.read_text()
        profile.write_text(good + "contacts: [\n")
        tab.wait_for_selector("#playbook-errors", timeout=20_000)
        assert "content/customers/loomwork/customer.yaml:" in tab.inner_text("#playbook-errors")
        assert "Oakmere Studio" in tab.title()  # the last good page, under the problems
        profile.write_text(good)
        tab.wait_for_selector("#playbook-errors", state="detached", timeout=20_000)
    finally:
        context.close()
