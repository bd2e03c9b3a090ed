"""'Log a touch' clicked in headless Chromium: the host's new-file page is asked for with the
note dated the day of the click (site.js), the owner as `by` and the contacts commented.
The navigation to the host is intercepted, so nothing leaves the machine."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import REPO

from playbook.build import build

pytestmark = pytest.mark.browser

PAGE = "customers/brightwell-precision/index.html"


@pytest.fixture(scope="module")
def edit_site(tmp_path_factory) -> Path:
    """The example with repo_url set (a GitHub repository)."""
    root = tmp_path_factory.mktemp("edit-example")
    shutil.copytree(REPO / "content", root / "content")
    config = (REPO / "playbook.yaml").read_text("utf-8")
    (root / "playbook.yaml").write_text(config + "\nrepo_url: https://github.com/harbour-pine/playbook\n"
                                        "branch: main\n", "utf-8")
    out = root / "site"
    assert build(root, out, use_cache=False).ok
    return out


@pytest.fixture
def page(browser):
    """A page of the session's shared Chromium (conftest.py), failing the test on a console
    error; its requests to the host are intercepted by the test, not checked as foreign."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    yield page
    context.close()
    assert not errors, errors


def test_log_a_touch_opens_the_new_file_page_prefilled_with_today(page, edit_site):
    asked: list[str] = []

    def host(route):
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>editor</title>")

    page.route("https://github.com/**", host)
    page.goto((edit_site / PAGE).as_uri())
    link = page.get_by_role("link", name="Log a touch")
    # Without a click the link carries the build's date (the no-JavaScript case).
    assert "filename=2026-11-20-call.md" in link.get_attribute("href")
    today = page.evaluate("(() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]"
                          ".map((n, i) => String(n).padStart(i ? 2 : 4, '0')).join('-'); })()")
    assert today != "2026-11-20"
    link.click()
    page.wait_for_url("https://github.com/**")
    assert len(asked) == 1
    parts = urlsplit(asked[0])
    assert parts.path == "/harbour-pine/playbook/new/main/content/customers/brightwell-precision/interactions"
    q = parse_qs(parts.query, strict_parsing=True)
    assert q["filename"] == [f"{today}-call.md"]
    text = q["value"][0]
    assert text.startswith(f"---\ndate: {today}\ntype: call\nby: jonas\n")
    for name in ("Karen Osei", "Dave Brightwell", "Stefan Novak", "Philippa Rowe"):
        assert f"\n#   - {name}\n" in text
    assert "\n---\n" in text
