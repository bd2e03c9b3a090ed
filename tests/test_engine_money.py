"""Money (issue 13, item 7): `currency` in playbook.yaml shown with every value, the value at
risk and the renewals of the next 180 days on the home page."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from helpers import run_cli, write_playbook
from sitecheck import section, text_of

AS_OF = date(2026, 11, 20)


def renewing(slug: str, name: str, days: int, value: int, bad: bool = False) -> dict[str, str]:
    r = (AS_OF + timedelta(days=days)).isoformat()
    note = ("---\ntype: meeting\nwith: Pat Reyes\nsentiment: very negative\n---\nOutage review went badly.\n" if bad
            else "---\ntype: call\nwith: Pat Reyes\nsentiment: positive\n---\nAll well.\n")
    return {f"content/customers/{slug}/customer.yaml":
            f"name: {name}\nsince: 2023-01-01\nrenewal: {r}\nvalue: {value}\ncontacts:\n  - name: Pat Reyes\n"
            "    primary: true\n  - name: Lee Chu\n",
            f"content/customers/{slug}/interactions/2026-11-10-call.md": note,
            f"content/customers/{slug}/interactions/2026-10-20-call.md":
                "---\ntype: call\nwith: Lee Chu\nsentiment: positive\n---\nFine.\n"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    files = {"playbook.yaml": "as_of: 2026-11-20\ncurrency: £\n",
             **renewing("soon", "Soon Ltd", 24, 14_200),
             **renewing("edge", "Edge Ltd", 180, 50_000),
             **renewing("beyond", "Beyond Ltd", 181, 99_000),
             **renewing("risky", "Risky Ltd", 56, 142_000, bad=True)}
    root = write_playbook(tmp_path_factory.mktemp("money"), files)
    assert run_cli(["build", str(root), "--quiet"])[0] == 0
    return root / "site"


def test_renewals_of_the_next_180_days_with_their_values(site: Path):
    strip = text_of(section((site / "index.html").read_text("utf-8"), "renewals-h"))
    assert "Soon Ltd · £14,200" in strip and "Risky Ltd · £142,000 At risk" in strip
    assert "Edge Ltd · £50,000" in strip            # 180 days ahead: in
    assert "Beyond Ltd" not in strip                # 181: not yet
    assert strip.index("Soon Ltd") < strip.index("Risky Ltd") < strip.index("Edge Ltd")
    assert "£206,200 a year renews in the next 180 days." in strip


def test_value_at_risk_on_the_morning_page(site: Path):
    stats = text_of((site / "index.html").read_text("utf-8").split('<ul class="stats">', 1)[1].split("</ul>", 1)[0])
    assert "1 at risk" in stats and "£142,000 a year at risk" in stats


def test_currency_with_every_value(site: Path):
    page = text_of((site / "customers/risky/index.html").read_text("utf-8"))
    assert "Annual value £142,000" in page
    doc = json.loads((site / "playbook.json").read_text("utf-8"))
    soon = next(c for c in doc["customers"] if c["slug"] == "soon")
    (call,) = [a for a in soon["next_actions"] if a["kind"] == "renewal"]
    assert "(worth £14,200 a year)" in call["why"] and "£14,200 a year (+14)" in call["score_reasons"]


def test_a_renewal_lead_shows_beside_the_renewal(tmp_path: Path):
    files = renewing("nhs", "NHS Trust", 90, 186_000)
    files["content/customers/nhs/customer.yaml"] += "renewal_lead: 8w\n"
    root = write_playbook(tmp_path, {"playbook.yaml": "as_of: 2026-11-20\n", **files})
    assert run_cli(["build", str(root), "--quiet"])[0] == 0
    page = text_of((root / "site/customers/nhs/index.html").read_text("utf-8"))
    assert "18 Feb 2027 (in 90 days; their side needs 8 weeks)" in page
    assert "Call Pat Reyes before the renewal on 18 Feb 2027" in page  # in its window (116 days)
    assert "Their side needs 8 weeks to renew (renewal_lead in customer.yaml), from 24 Dec 2026: the call is due 3 " \
           "weeks before then at the latest." in page
    # Not once it has gone by: "15 days ago; their side needs 8 weeks" read as stale (a twenty-sixth
    # blind read).
    (root / "playbook.yaml").write_text("as_of: 2027-03-05\n", "utf-8")
    assert run_cli(["build", str(root), "--quiet"])[0] == 0
    page = text_of((root / "site/customers/nhs/index.html").read_text("utf-8"))
    assert "18 Feb 2027 (15 days ago)" in page and "their side needs 8 weeks)" not in page


def test_a_tier_s_renewal_lead_in_playbook_yaml_moves_the_call(tmp_path: Path):
    """Written once for the key tier: every key customer's call moves, and its reason says
    where the weeks come from (a reader of the customer's file finds none there)."""
    files = renewing("nhs", "NHS Trust", 90, 186_000)
    files["content/customers/nhs/customer.yaml"] += "tier: key\n"
    config = "as_of: 2026-11-20\ndefaults:\n  tiers:\n    key: {cadence: 14d, renewal_lead: 8w}\n"
    root = write_playbook(tmp_path, {"playbook.yaml": config, **files})
    assert run_cli(["build", str(root), "--quiet"])[0] == 0
    page = text_of((root / "site/customers/nhs/index.html").read_text("utf-8"))
    assert "18 Feb 2027 (in 90 days; their side needs 8 weeks)" in page
    assert ("Their side needs 8 weeks to renew (renewal_lead in playbook.yaml's key tier), from 24 Dec 2026: the "
            "call is due 3 weeks before then at the latest.") in page
