"""The home page stays a morning digest on a large playbook: each person's list shows the most
important actions up to a cap and links to the rest; at-risk shows the least healthy first."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playbook.build import build
from playbook.site.views import HOME_GROUP_MAX, HOME_RISK_MAX

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate  # noqa: E402


def test_home_caps_each_list_and_links_to_the_rest(tmp_path):
    root = tmp_path / "pb"
    generate(root, customers=150, interactions=4, seed=11)
    report = build(root, tmp_path / "site", jobs=1)
    assert report.ok
    html = (tmp_path / "site" / "index.html").read_text()
    due = html[html.index('id="due-h"'):html.index('id="dates-h"')]
    groups = due.split('class="card owner-group"')[1:]
    assert groups
    capped = 0
    for g in groups:
        total = int(re.search(r'<span class="count">(\d+)</span>', g).group(1))
        assert g.count("<li") == min(total, HOME_GROUP_MAX)  # one row per action shown
        more = re.search(r'<a href="(owners/[\w-]+\.html)">(\d+) more on [^<]+’s list →</a>', g)
        if total > HOME_GROUP_MAX:
            capped += 1
            assert more, "a capped list links to the person's whole list"
            assert int(more.group(2)) == total - HOME_GROUP_MAX
            assert (tmp_path / "site" / more.group(1)).is_file()
        else:
            assert not more
    assert capped, "the fixture should give someone more than HOME_GROUP_MAX actions"

    risk = html[html.index('id="risk-h"'):html.index('id="due-h"')]
    at_risk = len(re.findall(r'<h3><a href="../customers/', (tmp_path / "site" / "stages" / "at-risk.html").read_text()))
    assert at_risk > HOME_RISK_MAX, "the fixture should have more customers at risk than the home page shows"
    assert risk.count('class="card risk-card"') == HOME_RISK_MAX
    scores = [int(s) for s in re.findall(r'title="Health">(\d+)', risk)]
    assert len(scores) == HOME_RISK_MAX and scores == sorted(scores), "least healthy first"
    assert f'<a href="stages/at-risk.html">{at_risk - HOME_RISK_MAX} more at risk →</a>' in risk
