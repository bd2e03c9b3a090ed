"""The benchmark generator makes valid, deterministic playbooks (no timings asserted here)."""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import REPO, run_cli

sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402
import run as bench_run  # noqa: E402


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_playbook_passes_check(tmp_path):
    root = tmp_path / "pb"
    generate.generate(root, customers=3, interactions=4, seed=1)
    customers = sorted(p.name for p in (root / "content" / "customers").iterdir())
    assert len(customers) == 3
    for slug in customers:
        assert len(list((root / "content" / "customers" / slug / "interactions").glob("*.md"))) == 4
    # 3 customer.yaml + 12 notes + playbook.yaml
    assert run_cli(["check", str(root), "--strict"]) == (0, "No problems in 16 files.\n", "")


def test_generator_is_deterministic(tmp_path):
    generate.generate(tmp_path / "a", customers=3, interactions=4, seed=7)
    generate.generate(tmp_path / "b", customers=3, interactions=4, seed=7)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_hugo_twin_has_a_page_per_interaction(tmp_path):
    root = tmp_path / "pb"
    generate.generate(root, customers=2, interactions=3, seed=1)
    assert bench_run.to_hugo(root, tmp_path / "hugo") == 6
    page = next((tmp_path / "hugo" / "content").glob("*/2*.md")).read_text()
    assert page.startswith("---\ntitle: ") and "\nkind: " in page and "\ntype:" not in page


def test_a_given_playbook_is_timed_on_a_copy_and_left_as_it_was(tmp_path):
    # Someone else's playbook: measured on a copy, never changed.
    src = tmp_path / "theirs"
    generate.generate(src, customers=3, interactions=4, seed=5)
    before = _tree(src)
    result = bench_run.bench("quick", tmp_path / "work", runs=1, edits=1, seed=1, skip_hugo=True,
                             skip_serve=True, source=src)
    assert _tree(src) == before
    assert (result["customers"], result["interactions"]) == (3, 4)
    assert len(result["figures"]["cold"]["samples_s"]) == 1
    assert len(result["figures"]["nochange"]["samples_s"]) == 1


def test_largest_files_of_each_kind(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "big.html").write_bytes(b"x" * 30)
    (tmp_path / "small.html").write_bytes(b"x" * 3)
    (tmp_path / "data.json").write_bytes(b"{}")
    (tmp_path / "notes.txt").write_bytes(b"x" * 99)
    assert bench_run.largest_files(tmp_path) == {"html": (30, 2, "a/big.html"), "json": (2, 1, "data.json")}


def test_the_page_showing_an_edit_is_the_customers_own_and_found_anywhere(tmp_path):
    """`run.py` finds the page to time in the customer's folder first (reading all of a
    10,000-customer site took minutes), and anywhere else when it is not there."""
    find_token = bench_run.find_token
    out = tmp_path / "site"
    pages = {"customers/acme/index.html": "edit-7", "customers/acme/brief.html": "edit-7",
             "playbook.json": "edit-7 edit-9", "index.html": "edit-9", "acme-blog/index.html": "edit-8"}
    for rel, text in pages.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    assert find_token(out, "edit-7", "acme") == out / "customers/acme/index.html"
    assert find_token(out, "edit-9", "acme") == out / "index.html"  # not in the customer's folder: searched everywhere
    assert find_token(out, "edit-8", "acme-blog") == out / "acme-blog/index.html"  # Hugo's <slug>/
    assert find_token(out, "edit-0", "acme") is None
