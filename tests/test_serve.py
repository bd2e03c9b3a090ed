"""`playbook serve` driven for real: a free port, edits, a broken file, a fix, a clean stop."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from playbook.serve import serve

ROOT = Path(__file__).resolve().parents[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def wait_for(check, timeout: float = 15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


class Events(threading.Thread):
    """Reads the live-reload stream in the background and counts reload events."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.reloads, self.connected = url, 0, threading.Event()

    def run(self) -> None:
        with urllib.request.urlopen(self.url, timeout=30) as r:
            for raw in r:
                line = raw.decode().strip()
                if line == ": connected":
                    self.connected.set()
                if line == "event: reload":
                    self.reloads += 1


@pytest.fixture()
def served(tmp_path):
    root = tmp_path / "pb"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "playbook.yaml", root / "playbook.yaml")
    ready, stop = threading.Event(), threading.Event()
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("code", serve(root, port=0, quiet=True, ready=ready,
                                                                        stop=stop)), daemon=True)
    t.start()
    assert ready.wait(30), "server did not start"
    yield root, f"http://127.0.0.1:{ready.port}"
    stop.set()
    t.join(10)
    assert not t.is_alive(), "server did not stop"
    assert result["code"] == 0


def loomwork(base: str) -> dict:
    _, text = fetch(base + "/playbook.json")
    return next(c for c in json.loads(text)["customers"] if c["slug"] == "loomwork")


def test_edit_break_fix_cycle(served):
    root, base = served
    status, _ = fetch(base + "/playbook.json")
    assert status == 200
    before = loomwork(base)["interactions"]
    events = Events(base + "/__playbook/events")
    events.start()
    assert events.connected.wait(5)

    # An edit: a new two-line note is served after the rebuild, and open tabs are told to reload.
    note = root / "content/customers/loomwork/interactions/2026-11-19-note.md"
    note.write_text("Quick call with Priya, all good.\n")
    wait_for(lambda: loomwork(base)["interactions"] == before + 1)
    wait_for(lambda: events.reloads >= 1)

    # A break: the browser gets the error (file:line) over the last good page.
    yaml_file = root / "content/customers/loomwork/customer.yaml"
    good = yaml_file.read_text()
    yaml_file.write_text(good + "contacts: [\n")
    wait_for(lambda: "playbook-errors" in fetch(base + "/")[1])
    page = fetch(base + "/")[1]
    assert "content/customers/loomwork/customer.yaml:" in page
    assert loomwork(base)["interactions"] == before + 1  # the last good output is still there

    # A fix: the error goes away by itself.
    yaml_file.write_text(good)
    wait_for(lambda: "playbook-errors" not in fetch(base + "/")[1])
    reloads = events.reloads
    assert reloads >= 3


def test_editor_litter_and_outside_files_do_not_rebuild(served):
    root, base = served
    events = Events(base + "/__playbook/events")
    events.start()
    assert events.connected.wait(5)
    (root / "content/customers/loomwork/.customer.yaml.swp").write_text("x")
    (root / "content/customers/loomwork/customer.yaml~").write_text("x")
    (root / "notes-outside.txt").write_text("x")
    time.sleep(1.5)
    assert events.reloads == 0


def test_a_burst_of_saves_is_one_rebuild(served):
    root, base = served
    events = Events(base + "/__playbook/events")
    events.start()
    assert events.connected.wait(5)
    folder = root / "content/customers/loomwork/interactions"
    for k in range(20):  # like a `git checkout` touching many files at once
        (folder / f"2026-11-{k + 1:02d}-burst-{k}.md").write_text(f"Note {k}.\n")
    wait_for(lambda: events.reloads >= 1)
    time.sleep(1.0)
    assert events.reloads == 1


def test_serves_only_loopback_by_default(served):
    _, base = served
    assert base.startswith("http://127.0.0.1:")


def test_a_running_serve_ends_each_step_with_the_bytes_of_a_cold_build(tmp_path):
    """Renames, a deleted output folder and commits (with and without content changes), each
    seen by the real watcher: the served folder settles on exactly the cold build's files."""
    from builds import cold, copy_playbook, git, git_init, tree
    root = copy_playbook(ROOT, tmp_path / "pb", ["loomwork", "kestrel-pay", "calder-wren"])
    git_init(root)
    out = root / "site"
    ready, stop = threading.Event(), threading.Event()
    t = threading.Thread(target=lambda: serve(root, port=0, quiet=True, ready=ready, stop=stop), daemon=True)
    t.start()
    assert ready.wait(30)

    def settles(what: str) -> None:
        want = cold(root)
        try:
            wait_for(lambda: out.is_dir() and tree(out) == want, timeout=20)
        except AssertionError:
            got = tree(out) if out.is_dir() else {}
            raise AssertionError(f"after {what}: differs in {sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))[:6]}")

    try:
        settles("the first build")
        customers = root / "content" / "customers"
        (customers / "kestrel-pay").rename(customers / "kestrel-payments")
        settles("a renamed customer")
        shutil.rmtree(out)
        (customers / "loomwork" / "interactions" / "2026-11-19-call.md").write_text("Quick call, all good.\n")
        settles("a deleted site, then an edit")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "notes from the week")  # the files are as they were: only git's facts change
        settles("a commit of files already built")
        git(root, "commit", "-q", "--allow-empty", "-m", "nothing")
        settles("an empty commit")
    finally:
        stop.set()
        t.join(10)
