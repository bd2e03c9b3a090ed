"""`playbook serve` in headless Chromium: a tab reloads by itself when its page changes, and a
tab on a page the edit did not change stays as it is (its scroll, its half-typed search)."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from helpers import REPO

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


def test_only_the_tab_whose_page_changed_reloads(served, browser):
    root, base = served
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
        time.sleep(1.5)  # the rest of the rebuild, and any late reload
        assert other.evaluate("window.playbookTestMark === true")
        assert "split by site" not in other.inner_text("body")
    finally:
        context.close()
