"""`playbook actions` on the example playbook: ranked, filtered, JSON, and usage errors."""

from __future__ import annotations

import json

from helpers import REPO, run_cli

ROOT = str(REPO)
RANK = {"high": 0, "medium": 1, "low": 2}


def test_json_is_ranked_by_score_then_priority_and_due():
    code, out, _ = run_cli(["actions", ROOT, "--json"])
    assert code == 0
    doc = json.loads(out)
    assert doc["as_of"] == "2026-11-20"
    keys = [(-a["score"], RANK[a["priority"]], a["due"]) for a in doc["actions"]]
    assert keys == sorted(keys) and len(keys) > 30


def test_filters_combine():
    code, out, _ = run_cli(["actions", ROOT, "--json", "--owner", "maya", "--kind", "follow-up", "--due-within", "7"])
    assert code == 0
    acts = json.loads(out)["actions"]
    assert acts and all(a["kind"] == "follow-up" and a["due"] <= "2026-11-27" for a in acts)
    code, out, _ = run_cli(["actions", ROOT, "--json"])
    everyone = json.loads(out)["actions"]
    # "mine": actions I own, plus those on customers I (co-)own
    mine = json.loads(run_cli(["actions", ROOT, "--json", "--owner", "maya"])[1])["actions"]
    assert {a["title"] for a in mine} < {a["title"] for a in everyone}
    assert any(a["owner"] != "maya" for a in mine)  # a co-owned customer's action


def test_text_output_reads_at_a_glance():
    code, out, _ = run_cli(["actions", ROOT, "--owner", "tomas", "--kind", "repair"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "1 action for @tomas, as of 20 Nov 2026"
    assert lines[1].startswith("HIGH ") and "repair" in lines[1] and "Northgate Logistics" in lines[1]
    assert lines[2].strip().startswith("Repair: talk to")
    assert lines[-1].strip().startswith("content/customers/northgate-logistics/interactions/")
    assert "\033[" not in out  # no colour when not a terminal


def test_usage_errors_exit_2_with_a_suggestion():
    assert run_cli(["actions", ROOT, "--kind", "folow-up"]) == (
        2, "", "playbook: unknown kind 'folow-up' (did you mean 'follow-up'?); use one of 'follow-up', "
               "'reach-out', 'personal', 'renewal', 'repair', 'broaden', 'answer', 'play'\n")
    assert run_cli(["actions", ROOT, "--owner", "mya"]) == (
        2, "", "playbook: no one with the handle 'mya' (did you mean 'maya'?); known: jonas, lena, maya, priya, tomas\n")
