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
