"""Writing from the site: the git host's editor addresses (site/hosting.py) against the
hosts' documented formats, the prefilled note, its size bound, and the customer page's links."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from helpers import ACME, ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML

from playbook.build import build
from playbook.config import parse_config
from playbook.load import load
from playbook.site.hosting import DATE_SLOT, MAX_PREFILL, host_for, host_kind, log_touch, touch_text

DAY = date(2026, 11, 20)
FOLDER = "content/customers/acme/interactions"


def query(url: str) -> dict[str, str]:
    got = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in got.values())
    return {k: v[0] for k, v in got.items()}


def test_github_addresses_follow_its_new_and_edit_formats():
    host = host_for("https://github.com/acme/book/", "main")
    assert host is not None and host.kind == "github"
    assert host.edit("content/customers/acme/customer.yaml", 12) == (
        "https://github.com/acme/book/edit/main/content/customers/acme/customer.yaml#L12")
    url = log_touch(host, FOLDER, DAY, ["Maria Lopez"], "maya").href
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "github.com", f"/acme/book/new/main/{FOLDER}")
    q = query(url)
    assert sorted(q) == ["filename", "value"]
    assert q["filename"] == "2026-11-20-call.md"
    assert q["value"].startswith("---\ndate: 2026-11-20\ntype: call\nby: maya\n")


def test_gitlab_self_hosted_addresses_use_the_dash_path_and_its_parameter_names():
    host = host_for("https://git.example.com/sales/playbook", "release/2026")
    assert host is not None and host.kind == "gitlab"
    assert host.edit("content/customers/a b/customer.yaml", 3) == (
        "https://git.example.com/sales/playbook/-/edit/release/2026/content/customers/a%20b/customer.yaml#L3")
    url = log_touch(host, FOLDER, DAY, [], None).href
    assert urlsplit(url).path == f"/sales/playbook/-/new/release/2026/{FOLDER}"
    q = query(url)
    assert sorted(q) == ["content", "file_name"]
    assert q["file_name"] == "2026-11-20-call.md" and "\nby:" not in q["content"]


def test_which_host_from_the_address_or_repo_host():
    assert host_kind("https://github.com/a/b", None) == "github"
    assert host_kind("https://gitlab.com/a/b", None) == "gitlab"
    assert host_kind("https://code.corp.example/a/b", None) == "gitlab"
    assert host_kind("https://code.corp.example/a/b", "github") == "github"  # GitHub Enterprise
    assert host_for(None, "main") is None


def test_repo_host_is_validated_with_its_line():
    config, problems = parse_config("repo_url: https://code.example/a/b\nrepo_host: github\n")
    assert (config.repo_host, problems) == ("github", [])
    config, problems = parse_config("title: x\nrepo_url: https://code.example/a/b\nrepo_host: bitbucket\n")
    assert config.repo_host is None
    assert [(p.path, p.line) for p in problems] == [("playbook.yaml", 3)]
    assert "repo_host" in problems[0].message and "gitlab" in problems[0].message


def test_the_click_time_date_slot_only_where_the_date_goes():
    # A contact literally named '{date}' stays encoded: the script fills in the date only.
    touch = log_touch(host_for("https://github.com/a/b", "main"), FOLDER, DAY, ["{date}"], "maya")
    assert touch.dated.count(DATE_SLOT) == 2  # file name and 'date:'
    assert touch.dated.replace(DATE_SLOT, "2026-11-20") == touch.href
    assert "%7Bdate%7D" in touch.href


def test_the_prefilled_note_loads_as_written(make_playbook):
    """Decoded, with the contacts' lines uncommented, the note is one the loader takes."""
    text = query(log_touch(host_for("https://github.com/a/b", "main"), FOLDER, DAY,
                           ["Maria Lopez", "Ben Ortiz"], "maya").href)["value"]
    assert "# with:   # who took part: uncomment this line and theirs\n#   - Maria Lopez\n#   - Ben Ortiz\n" in text
    root = make_playbook({f"{ACME}/interactions/2026-11-20-call.md": text,
                          f"{ACME}/interactions/2026-11-19-call.md": re.sub(r"(?m)^# (with:|  - )", r"\1", text)
                          .replace("2026-11-20", "2026-11-19")})
    loaded = load(root)
    assert loaded.problems == []
    notes = {i.date: i for c in loaded.playbook.customers for i in c.interactions}
    assert notes[DAY].by == "maya" and notes[DAY].type == "call"
    assert list(notes[date(2026, 11, 19)].with_) == ["Maria Lopez", "Ben Ortiz"]


def test_hostile_names_stay_comments_and_stay_encoded():
    names = ['x"><script>alert(1)</script>', "Eve\n---\nby: mallory", "a&b=c#d", "Dana: CEO #1"]
    url = log_touch(host_for("https://github.com/a/b", "main"), FOLDER, DAY, names, "maya").href
    assert not set(url.split("?", 1)[1]) & set('<>"\' \n#')  # nothing unencoded but the separators
    text = query(url)["value"]
    front = text.split("---\n")[1]
    assert [line for line in front.splitlines() if not line.startswith("#")] == [
        "date: 2026-11-20", "type: call", "by: maya"]
    assert '#   - "Dana: CEO #1"' in text  # quoted, so uncommented it is still one name


def test_the_prefilled_text_is_bounded_trimming_contacts_first():
    names = [f"Contact Number {k}" for k in range(500)]
    url = log_touch(host_for("https://github.com/a/b", "main"), FOLDER, DAY, names, "maya").href
    encoded = url.split("&value=", 1)[1]
    assert len(encoded) <= MAX_PREFILL
    text = query(url)["value"]
    kept = re.findall(r"(?m)^#   - Contact Number (\d+)$", text)
    assert kept[0] == "0" and 10 < len(kept) < 500
    assert f"#   … and {500 - len(kept)} more (see the customer page)" in text
    assert text.rstrip().endswith("(due YYYY-MM-DD)")  # the rest of the note is whole
    assert len(touch_text("2026-11-20", names[:3], "maya")) < MAX_PREFILL


def test_customer_page_links_with_repo_url(make_playbook, tmp_path: Path):
    hostile = CUSTOMER_YAML + '  - name: "Zed\\"><img src=x onerror=alert(1)>"\n'
    root = make_playbook({
        "playbook.yaml": PLAYBOOK_YAML + "repo_url: https://gitlab.example.com/sales/book\nbranch: dev\n",
        ACME_YAML: hostile + "asks:\n  - what: A quote\n    since: 2026-11-01\n",
        f"{ACME}/interactions/2026-11-10-call.md":
            "---\ndate: 2026-11-10\ntype: call\n---\nGood.\n\n- [ ] Send the quote (due 2026-12-01)\n"})
    out = tmp_path / "site"
    assert build(root, out, use_cache=False).ok
    html = (out / "customers/acme/index.html").read_text("utf-8")
    assert "<img src=x" not in html
    hrefs = {unescape(text): unescape(href) for href, text in
             re.findall(r'<a class="(?:button write|mark-done)" href="([^"]*)"[^>]*>([^<]*)</a>', html)}
    edit = "https://gitlab.example.com/sales/book/-/edit/dev/content/customers/acme/"
    assert hrefs["Add an ask"] == edit + "customer.yaml#L11"
    assert hrefs["Add a contact"] == edit + "customer.yaml#L5"
    assert hrefs["Mark done"] == edit + "interactions/2026-11-10-call.md#L7"
    q = query(hrefs["Log a touch"])
    assert q["file_name"] == "2026-11-20-call.md"
    assert '#   - "Zed\\"><img src=x onerror=alert(1)>"' in q["content"]
    dated = unescape(re.search(r'data-dated-href="([^"]*)"', html).group(1))
    assert dated.replace(DATE_SLOT, "2026-11-20") == hrefs["Log a touch"]


def test_without_repo_url_nothing_of_it_shows(make_playbook, tmp_path: Path):
    root = make_playbook({f"{ACME}/interactions/2026-11-10-call.md":
                          "---\ndate: 2026-11-10\ntype: call\n---\n- [ ] Send it (due 2026-12-01)\n"})
    out = tmp_path / "site"
    assert build(root, out, use_cache=False).ok
    html = (out / "customers/acme/index.html").read_text("utf-8")
    for text in ("Log a touch", "Add an ask", "Add a contact", "Mark done", "data-dated-href", "/edit/"):
        assert text not in html


def test_a_warm_build_after_changing_the_host_equals_a_cold_one(make_playbook, tmp_path: Path):
    """repo_url, branch and repo_host reach every memo key through the config's digest."""
    from helpers import tree
    root = make_playbook({"playbook.yaml": PLAYBOOK_YAML + "repo_url: https://github.com/a/b\n",
                          f"{ACME}/interactions/2026-11-10-call.md":
                          "---\ndate: 2026-11-10\ntype: call\n---\n- [ ] Send it (due 2026-12-01)\n"})
    warm = tmp_path / "warm"
    assert build(root, warm).ok
    for tail in ("repo_url: https://git.example.com/a/b\nbranch: dev\n",
                 "repo_url: https://git.example.com/a/b\nbranch: dev\nrepo_host: github\n", ""):
        (root / "playbook.yaml").write_text(PLAYBOOK_YAML + tail, "utf-8")
        assert build(root, warm).ok
        cold = tmp_path / f"cold-{len(tail)}"
        assert build(root, cold, use_cache=False).ok
        assert tree(warm) == tree(cold), tail
