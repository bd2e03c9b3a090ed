"""playbook.yaml: every setting read, every kind of bad setting pinned to its line and
column, and a bad config never stopping the customers from loading."""

from __future__ import annotations

from datetime import date

import pytest

from helpers import ACME_YAML, write_playbook
from playbook.config import CONFIG_FILE, Config, Thresholds, load_config, parse_config

STAGES = "'establishing', 'growing', 'steady', 'at-risk', 'dormant', 'ended'"

CONFIG_FAULTS = [
    # id, playbook.yaml, line, column, severity, words in the message
    ("unknown-key", "title: X\ntitel: Y\n", 2, 1, "error",
     ["unknown field 'titel' in playbook.yaml", "(did you mean 'title'?)"]),
    ("not-a-mapping", "- maya\n- tomas\n", 1, 1, "error",
     ["playbook.yaml should hold 'key: value' settings, not a list"]),
    ("syntax", "title: X\nteam: [maya\n", 2, 7, "error", ["YAML syntax:", "'['"]),
    ("team-twice", "team:\n  - handle: maya\n  - maya\n", 3, 0, "error", ["team handle 'maya' appears twice"]),
    ("team-member-no-handle", "team:\n  - name: Maya\n", 2, 5, "error", ["a team member has no 'handle'"]),
    ("team-unknown-field", "team:\n  - handle: maya\n    mail: m@x.org\n", 3, 5, "error",
     ["unknown field 'mail' in a team member", "(did you mean 'email'?)"]),
    ("defaults-unknown", "defaults:\n  cadance: 14d\n", 2, 3, "error",
     ["unknown field 'cadance' in defaults", "(did you mean 'cadence'?)"]),
    ("bad-default-cadence", "defaults:\n  cadence: monthly\n", 2, 12, "error",
     ["'cadence' should be a number of days like 14, '14d', '2w' or '1m', not 'monthly'"]),
    ("bad-tier-cadence", "defaults:\n  tiers:\n    key: fortnight\n", 3, 10, "error",
     ["'tiers.key' should be a number of days like 14, '14d', '2w' or '1m', not 'fortnight'"]),
    ("tier-without-cadence", "defaults:\n  tiers:\n    key:\n", 3, 9, "error", ["tier 'key' needs a cadence"]),
    ("default-lead-over-a-year", "defaults:\n  renewal_lead: 53w\n", 2, 17, "error",
     ["'renewal_lead' is 371 days; it can be at most a year"]),
    ("tier-lead-not-days", "defaults:\n  tiers:\n    key: {cadence: 14d, renewal_lead: soon}\n", 3, 39, "error",
     ["'renewal_lead' should be a number of days like 14, '14d', '2w' or '1m', not 'soon'"]),
    ("tier-unknown-setting", "defaults:\n  tiers:\n    key: {cadence: 14d, lead: 8w}\n", 3, 25, "error",
     ["unknown field 'lead' in tiers.key", "expected one of 'cadence', 'renewal_lead'"]),
    ("threshold-unknown", "thresholds:\n  dormant: 100\n", 2, 3, "error",
     ["unknown field 'dormant' in thresholds", "(did you mean 'dormant_days'?)"]),
    ("threshold-not-number", "thresholds:\n  renewal_days: soon\n", 2, 17, "error",
     ["threshold 'renewal_days' should be a number, not 'soon'"]),
    ("threshold-nan", "thresholds:\n  renewal_days: nan\n", 2, 17, "error",
     ["threshold 'renewal_days' should be a number, not 'nan'"]),
    ("threshold-inf", "thresholds:\n  dormant_cadence_multiple: inf\n", 2, 29, "error",
     ["threshold 'dormant_cadence_multiple' should be a number, not 'inf'"]),
    ("threshold-zero", "thresholds:\n  renewal_days: 0\n", 2, 17, "error",
     ["threshold 'renewal_days' should be above zero"]),
    ("play-unknown-when-key", "plays:\n  - name: P\n    when: {stage: growing, days_snice_contact: 5}\n"
     "    do: Call\n    within: 7\n", 3, 28, "error",
     ["unknown field 'days_snice_contact' in the 'when' of play 'P'", "(did you mean 'days_since_contact'?)",
      "'stage', 'at_risk_for', 'tier', 'tags', 'owner', 'days_since_contact', 'health_below', "
      "'no_touch_with_role'"]),
    ("play-bad-stage", "plays:\n  - name: P\n    when:\n      stage: [growing, at-rsik]\n"
     "    do: Call\n    within: 7\n", 4, 0, "error",
     ["unknown stage 'at-rsik'", "(did you mean 'at-risk'?)", f"use one of {STAGES}"]),
    ("play-unknown-key", "plays:\n  - name: P\n    when: {stage: growing}\n    do: Call\n    within: 7\n"
     "    priorty: high\n", 6, 5, "error", ["unknown field 'priorty' in a play", "(did you mean 'priority'?)"]),
    ("play-bad-priority", "plays:\n  - name: P\n    when: {stage: growing}\n    do: Call\n    within: 7\n"
     "    priority: urgent\n", 6, 15, "error", ["unknown priority 'urgent'", "'high', 'medium', 'low'"]),
    ("play-no-when", "plays:\n  - name: P\n    do: Call\n    within: 7\n", 2, 5, "error",
     ["play 'P' has no 'when'; say when it applies"]),
    ("play-no-within", "plays:\n  - name: P\n    when: {stage: growing}\n    do: Call\n", 2, 5, "error",
     ["play 'P' has no 'within'; say in how many days it is due"]),
    ("play-no-do", "plays:\n  - name: P\n    when: {stage: growing}\n    within: 7\n", 2, 5, "error",
     ["a play has no 'do'"]),
    ("play-within-too-big", "plays:\n  - name: P\n    when: {stage: growing}\n    do: Call\n    within: 9999\n",
     5, 13, "error", ["'within' should be between 0 and 3650, not 9999"]),
    ("play-not-a-mapping", "plays:\n  - Call everyone\n", 2, 5, "error",
     ["each play needs 'name', 'when', 'do' and 'within'"]),
    ("play-role-without-days", "plays:\n  - name: P\n    when:\n      no_touch_with_role: {role: CFO}\n"
     "    do: Call\n    within: 7\n", 4, 27, "error", ["no_touch_with_role needs 'days'"]),
    ("play-owner-not-in-team", "team: [maya]\nplays:\n  - name: P\n    when: {owner: bob}\n"
     "    do: Call\n    within: 7\n", 4, 0, "warning", ["play owner 'bob' is not in the team"]),
    ("bad-as-of", "as_of: 2026-02-30\n", 1, 8, "error", ["'as_of: 2026-02-30' is not a real date"]),
    ("repo-url-not-web", "repo_url: git@github.com:x/y.git\n", 1, 0, "error",
     ["repo_url should start with https://"]),
    ("robots-bad", "robots: maybe\n", 1, 0, "error", ["robots should be 'noindex' (default) or 'index'"]),
    # A fuzzing session: half a day read as 0 days; a right-to-left override, markup and a bell
    # passed as a currency.
    ("threshold-below-a-day", "thresholds:\n  overdue_days: 0.5\n", 2, 17, "error",
     ["threshold 'overdue_days' should be above zero, in whole days"]),
    ("currency-bidi", 'currency: "\\u202e$"\n', 1, 0, "error", ["currency should be a symbol like"]),
    ("currency-markup", "currency: '<b>'\n", 1, 0, "error", ["currency should be a symbol like"]),
    ("currency-bell", 'currency: "\\a"\n', 1, 0, "error", ["currency should be a symbol like"]),
    # `tier: []` read as no condition: the play held for every customer (a fuzzing session).
    ("play-tier-lists-nothing", "plays:\n  - name: P\n    when: {tier: []}\n    do: Call\n    within: 7\n", 3, 12,
     "error", ["'tier' in the 'when' of play 'P' lists nothing, so it would hold for every customer"]),
    ("play-stage-empty", "plays:\n  - name: P\n    when:\n      stage:\n    do: Call\n    within: 7\n", 4, 7,
     "error", ["'stage' in the 'when' of play 'P' lists nothing"]),
    # Plays that can never apply sat in playbook.yaml doing nothing, without a word (a fuzzing session).
    ("play-for-ended", "plays:\n  - name: P\n    when:\n      stage: ended\n    do: Call\n    within: 7\n", 4, 0,
     "warning", ["play 'P' lists 'ended', and no play runs for an ended customer: it can never apply"]),
    ("play-ended-among-others", "plays:\n  - name: P\n    when:\n      stage: [steady, ended]\n    do: Call\n"
     "    within: 7\n", 4, 0, "warning", ["remove 'ended' from its stages"]),
    ("play-at-risk-for-without-at-risk", "plays:\n  - name: P\n    when:\n      stage: steady\n"
     "      at_risk_for: silence\n    do: Call\n    within: 7\n", 5, 0, "warning",
     ["play 'P' asks for a customer at risk, but its 'stage' leaves out at-risk, so it can never apply"]),
    ("play-health-below-zero", "plays:\n  - name: P\n    when:\n      health_below: 0\n    do: Call\n"
     "    within: 7\n", 4, 0, "warning", ["play 'P' applies below health 0, which health never is"]),
    # Owners are matched exactly; `actions` finds who asks by git's user.email.
    ("team-handles-alike", "team:\n  - handle: maya\n  - handle: Maya\n", 3, 0, "warning",
     ["team handles 'maya' and 'Maya' differ only in case"]),
    ("team-email-malformed", "team:\n  - handle: maya\n    email: maya.example.com\n", 2, 0, "warning",
     ["team member 'maya': 'maya.example.com' is not an email address"]),
]


@pytest.mark.parametrize("text,line,column,severity,words", [c[1:] for c in CONFIG_FAULTS],
                         ids=[c[0] for c in CONFIG_FAULTS])
def test_playbook_yaml_fault(load_case, text, line, column, severity, words):
    case = load_case({CONFIG_FILE: text, ACME_YAML: "name: Acme\n"})
    assert len(case.problems) == 1, "\n".join(map(str, case.problems))
    p = case.problems[0]
    assert (p.path, p.line, p.column, p.severity) == (CONFIG_FILE, line, column, severity)
    for w in words:
        assert w in p.message, p.message


@pytest.mark.parametrize("text", ["", "\n", "# settings come later\n", "\ufeff"])
def test_empty_playbook_yaml_is_valid(text):
    config, problems = parse_config(text)
    assert problems == []
    assert config == Config()


def test_missing_playbook_yaml_is_valid(load_case):
    case = load_case({CONFIG_FILE: None})
    assert case.problems == []
    assert case.loaded.config == Config()
    assert case.loaded.playbook.files == 3  # two customer.yaml files and zeta's note; no playbook.yaml


def test_empty_playbook_yaml_file_loads(load_case):
    case = load_case({CONFIG_FILE: ""})
    assert case.problems == []
    assert case.loaded.config == Config()


def test_playbook_yaml_not_utf8(tmp_path):
    root = write_playbook(tmp_path, {CONFIG_FILE: b"title: Caf\xe9\n"})
    config, problems = load_config(root)
    assert config == Config()
    assert [(p.path, p.severity) for p in problems] == [(CONFIG_FILE, "error")]
    assert "not UTF-8" in problems[0].message


def test_defaults_when_nothing_is_set():
    t = Thresholds()
    assert (t.dormant_days, t.dormant_cadence_multiple, t.negative_window_days, t.overdue_days,
            t.silence_cadence_multiple, t.establishing_days, t.growth_window_days, t.renewal_days,
            t.personal_days, t.repair_days, t.single_thread_days, t.stakeholder_days, t.growth_touches_multiple) == (
        180, 3.0, 30, 14, 2.0, 90, 90, 60, 14, 30, 180, 90, 1.5)
    c = Config()
    assert (c.title, c.default_cadence, c.branch, c.robots_noindex, c.as_of) == (
        "Relationship Playbook", 30, "main", True, None)


FULL_CONFIG = """\
title: Harbour & Pine
as_of: 2026-11-20
repo_url: https://github.com/example/playbook/
branch: trunk
robots: index
team:
  - handle: maya
    name: Maya Okafor
    email: maya@example.com
  - tomas
defaults:
  cadence: 3w
  tiers:
    key: 14
    growth: 2w
    small: 2m
thresholds:
  dormant_days: 200
  silence_cadence_multiple: 2.5
plays:
  - name: Sponsor call
    when: {stage: [at risk, Steady], tier: key, owner: maya}
    do: Book an executive sponsor call
    within: 7
    priority: high
  - name: Finance gone quiet
    when:
      tags: public-sector
      days_since_contact: 45
      health_below: 40
      no_touch_with_role: {role: CFO, days: 120}
    do: Schedule a value review
    within: 14
"""


def test_growth_touches_multiple_is_a_number_of_times():
    config, problems = parse_config("thresholds:\n  growth_touches_multiple: 2\n")
    assert problems == [] and config.thresholds.growth_touches_multiple == 2.0
    _, problems = parse_config("thresholds:\n  growth_touches_multiple: 1001\n")
    assert [p.message for p in problems] == [
        "threshold 'growth_touches_multiple' should be at most 1,000 times, not 1001"]


def test_full_playbook_yaml_reads_every_setting():
    config, problems = parse_config(FULL_CONFIG)
    assert problems == []
    assert config.title == "Harbour & Pine"
    assert config.as_of == date(2026, 11, 20)
    assert (config.repo_url, config.branch, config.robots_noindex) == (
        "https://github.com/example/playbook", "trunk", False)
    assert [(m.handle, m.name, m.email) for m in config.team] == [
        ("maya", "Maya Okafor", "maya@example.com"), ("tomas", "tomas", None)]
    assert config.default_cadence == 21
    assert config.tier_cadence == {"key": 14, "growth": 14, "small": 60}
    assert config.thresholds.dormant_days == 200 and isinstance(config.thresholds.dormant_days, int)
    assert config.thresholds.silence_cadence_multiple == 2.5
    assert config.thresholds.renewal_days == 60  # untouched default
    sponsor, finance = config.plays
    assert (sponsor.name, sponsor.stages, sponsor.tiers, sponsor.owners, sponsor.within, sponsor.priority,
            sponsor.line) == ("Sponsor call", ("at-risk", "steady"), ("key",), ("maya",), 7, "high", 21)
    assert (finance.tags, finance.days_since_contact, finance.health_below, finance.priority) == (
        ("public-sector",), 45, 40, None)
    assert (finance.no_touch_with_role.role, finance.no_touch_with_role.days) == ("CFO", 120)
    assert config.cadence_for(None, "small") == (60, "the small tier's cadence")
    assert config.cadence_for(10, "small") == (10, "the customer's own cadence")
    assert config.cadence_for(None, "other") == (21, "the default cadence")


def test_config_problems_do_not_stop_the_customers(load_case):
    case = load_case({CONFIG_FILE: "titel: X\nteam: [maya]\n"})
    assert [(p.path, p.line) for p in case.problems] == [(CONFIG_FILE, 1)]
    assert case.customer().name == "Acme Bakery"
