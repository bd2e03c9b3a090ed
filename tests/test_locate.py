"""Every command finds its playbook one way: the folder given (FOLDER or --root), else this
folder or the nearest one above it; "not a playbook" is exit 2 with a message that says what
to do; and `build` says truthfully what a failed build left behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import ACME, ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, note, run_cli, write_playbook
from playbook.locate import NotAPlaybook, find_playbook


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_playbook(tmp_path / "pb", {
        "playbook.yaml": PLAYBOOK_YAML, ACME_YAML: CUSTOMER_YAML,
        note("2026-11-02-call.md"): "---\nwith: Maria\n---\nCalled.\n\n- [ ] Send the quote (due 2026-12-01)\n",
    })


# -- locate.find_playbook --------------------------------------------------------------------------

def test_found_from_any_folder_inside(root: Path, tmp_path: Path):
    for here in (root, root / "content", root / ACME, root / ACME / "interactions"):
        assert find_playbook(None, here) == root.resolve()
    assert find_playbook(root, tmp_path) == root.resolve()


@pytest.mark.parametrize("files", [{"playbook.yaml": ""}, {"content/": None}])
def test_either_marker_makes_a_playbook(tmp_path: Path, files):
    (tmp_path / "x").mkdir()
    for rel in files:
        (tmp_path / "x" / rel).mkdir() if rel.endswith("/") else (tmp_path / "x" / rel).write_text("")
    assert find_playbook(None, tmp_path / "x") == (tmp_path / "x").resolve()


def test_a_broken_marker_is_still_a_playbook(tmp_path: Path):
    # The loader reports what is wrong with a link that leads nowhere; "not a playbook" would hide it.
    (tmp_path / "x").mkdir()
    (tmp_path / "x/content").symlink_to(tmp_path / "nowhere")
    assert find_playbook(tmp_path / "x", tmp_path) == (tmp_path / "x").resolve()


def test_not_a_playbook(root: Path, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NotAPlaybook) as exc:
        find_playbook(None, tmp_path / "empty")
    assert str(exc.value) == (f"no playbook here: neither {(tmp_path / 'empty').resolve()} nor any folder above it "
                              "holds playbook.yaml or content/. cd into your playbook, give its folder "
                              "(--root DIR), or start one with 'playbook init DIR'")
    with pytest.raises(NotAPlaybook) as exc:
        find_playbook(tmp_path / "empty", tmp_path)
    assert str(exc.value) == (f"{tmp_path / 'empty'} is not a playbook: it holds no playbook.yaml and no content/ "
                              f"folder. Give the playbook's folder, or start one there with "
                              f"'playbook init {tmp_path / 'empty'}'.")
    with pytest.raises(NotAPlaybook) as exc:  # a folder given explicitly is taken as it is…
        find_playbook(root / ACME, root)
    assert str(exc.value) == (f"{root / ACME} is not a playbook: it holds no playbook.yaml and no content/ folder. "
                              "It is inside the playbook .: give that folder, or leave the folder out to find it "
                              "from where you are.")


# -- every command, the same way ---------------------------------------------------------------------

COMMANDS = {
    "check": ["check"], "build": ["build"], "actions": ["actions"], "serve": ["serve", "--port", "0"],
    "log": ["log", "acme", "Called."], "new": ["new", "Harbour Dental"], "done": ["done", "acme", "quote"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_no_playbook_here_is_exit_2_for_every_command(command: str, tmp_path: Path):
    code, out, err = run_cli(COMMANDS[command], cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith("playbook: no playbook here: neither ") and "playbook init DIR" in err
    assert list(tmp_path.iterdir()) == []  # nothing made, not even site/


@pytest.mark.parametrize("command", COMMANDS)
def test_a_folder_that_is_no_playbook_is_exit_2_for_every_command(command: str, tmp_path: Path):
    code, out, err = run_cli([*COMMANDS[command], "--root", str(tmp_path)])
    assert (code, out) == (2, "")
    assert err == (f"playbook: {tmp_path} is not a playbook: it holds no playbook.yaml and no content/ folder. "
                   f"Give the playbook's folder, or start one there with 'playbook init {tmp_path}'.\n")


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "serve"])
def test_every_command_works_from_inside_the_playbook(command: str, root: Path):
    code, out, err = run_cli(COMMANDS[command], cwd=root / "content/customers")
    assert code == 0, err


def test_check_from_inside_content_customers_says_which_playbook(root: Path):
    code, out, err = run_cli(["check"], cwd=root / "content/customers")
    assert (code, out) == (0, "No problems in 3 files.\n")
    assert err == "playbook: the playbook in ../.. (paths are relative to it)\n"
    (root / ACME_YAML).write_text("name: Acme\nstatus: paused\n")
    code, out, _ = run_cli(["check"], cwd=root / ACME)
    assert code == 1 and out.startswith("content/customers/acme/customer.yaml:2:9: error: unknown status")
    code, out, err = run_cli(["check"], cwd=root)
    assert code == 1 and err == ""  # from the playbook's own folder there is nothing to say


def test_folder_and_root_are_one(root: Path, tmp_path: Path):
    assert run_cli(["check", str(root), "--root", str(root)])[0] == 0
    code, _, err = run_cli(["check", str(root), "--root", str(tmp_path)])
    assert code == 2 and err == f"playbook: two playbook folders given ({root} and --root {tmp_path}); give one\n"
    assert run_cli(["actions", "--root", str(root), "--all", "--json"])[0] == 0


def test_a_missing_folder_and_a_file(tmp_path: Path, root: Path):
    assert run_cli(["build", "--root", str(tmp_path / "nowhere")]) == (
        2, "", f"playbook: {tmp_path / 'nowhere'}: no such folder\n")
    code, _, err = run_cli(["log", "acme", "x", "--root", str(root / "playbook.yaml")])
    assert code == 2 and err == (f"playbook: {root / 'playbook.yaml'}: not a folder; give the playbook folder "
                                 "(the one holding playbook.yaml or content/)\n")


# -- what build says it left behind -------------------------------------------------------------------

def test_a_failed_first_build_says_nothing_was_written(tmp_path: Path):
    root = write_playbook(tmp_path / "pb", {"playbook.yaml": "title: Ours\n"})
    code, out, err = run_cli(["build", str(root)])
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "content/customers:1:1: error: no customers folder; create content/customers/<slug>/customer.yaml "
        "(or run 'playbook init')",
        f"Build stopped: 1 error to fix first (see above). Nothing was written (there was no site in "
        f"{root.resolve() / 'site'}).",
    ]
    assert not (root / "site").exists()


def test_a_failed_rebuild_says_the_previous_site_is_untouched(root: Path):
    assert run_cli(["build", str(root), "-q"])[0] == 0
    before = (root / "site/index.html").read_bytes()
    (root / ACME_YAML).write_text("name: Acme\nstatus: paused\n")
    code, _, err = run_cli(["build", str(root)])
    assert code == 1
    assert err.splitlines()[-1] == (f"Build stopped: 1 error to fix first (see above). The previous site in "
                                    f"{root.resolve() / 'site'} is untouched.")
    assert (root / "site/index.html").read_bytes() == before


def test_build_strict_fails_on_warnings(root: Path):
    (root / note("2026-11-05-call.md")).write_text("---\nwith: Joe\n---\nA call with Joe.\n")
    code, out, err = run_cli(["build", str(root), "--strict"])
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "content/customers/acme/interactions/2026-11-05-call.md:2:7: warning: 'Joe' is not among this "
        "customer's contacts (Maria Lopez, Ben Ortiz); add them to customer.yaml or fix the spelling",
        f"Build failed in --strict mode: 1 warning (see above). The site in {root.resolve() / 'site'} was "
        "written; fix the warnings, or build without --strict.",
    ]
    assert run_cli(["build", str(root), "--strict"])[0] == 1  # a second time ("up to date") too
    assert run_cli(["build", str(root)])[0] == 0
    (root / note("2026-11-05-call.md")).write_text("---\nwith: Maria\n---\nA call with Maria.\n")
    code, out, err = run_cli(["build", str(root), "--strict"])
    assert (code, err) == (0, "") and out.startswith("Built 1 customer,")


def test_actions_json_says_whose_list_it_is(root: Path):
    code, out, _ = run_cli(["actions", "--root", str(root), "--json", "--owner", "maya"])
    assert code == 0 and json.loads(out)["for"] == "maya"
