"""Fuzzing the loader and `check` (issue 12): random bytes and random YAML and Markdown
structures written as a playbook's files must give problems with a path, never a traceback
or a hang, and whatever loads must analyse.

The default run is short (a few seconds). For a long one:
    PLAYBOOK_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from helpers import write_playbook
from playbook.check import check
from playbook.engine import analyse_all
from playbook.load import load

EXAMPLES = int(os.environ.get("PLAYBOOK_FUZZ_EXAMPLES", "40"))
#: Seconds one example may take: a hang or a quadratic path shows up as a failure.
SLOW = 5.0
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 40,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- text that is hard on each layer -----------------------------------------------------------

NASTY = st.sampled_from([
    "", " ", "~", "null", "yes", "No", "0612", "1e400", "nan", ".inf", "-1", "99999999", "2026-02-30",
    "9999-12-31", "0001-01-01", "2026-11-20", "14d", "1 x", "&a", "*a", "<<", "!!python/object:os.system",
    "- [ ] ", "[x]", "(due 2026-13-01)", "(due 9999-12-31)", "[a](", "![", "](data:text/html,x)",
    "<script>x</script>", "\u2028", "\u2029", "\x85", "\x00", "\x1b[31m", "\r", "\t", "\ufeff", "\ud800"[:0],
    "Zoë 東京", "key: value", "---", "...", "{", "[", "'", '"', "#", "%", "@", "`", "|", ">",
])
TEXT = st.one_of(NASTY, st.text(max_size=30))
SCALAR = st.one_of(TEXT, st.integers(-10**6, 10**6), st.booleans(), st.none(), st.dates())
FIELDS = st.sampled_from([
    "name", "owner", "owners", "since", "tier", "tags", "cadence", "renewal", "value", "status", "notes",
    "contacts", "asks", "what", "done", "role", "birthday", "primary", "email", "date", "type", "with", "by",
    "sentiment", "direction", "summary", "as_of", "team", "handle", "thresholds", "plays", "when", "do",
    "within", "dormant_days", "single_thread_days", "defaults", "tiers", "pause", "until", "status",
    "renewal_lead", "dates", "on", "prepare",
])
VALUES = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(FIELDS, TEXT), inner, max_size=5)), max_leaves=20)


def dumped(value: object) -> str:
    try:
        return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None)
    except yaml.YAMLError:
        return ""


YAML_TEXT = st.one_of(
    st.dictionaries(FIELDS, VALUES, max_size=8).map(dumped),
    st.lists(st.one_of(st.dictionaries(FIELDS, VALUES, max_size=4).map(dumped), NASTY, TEXT),
             max_size=8).map("\n".join),  # YAML-ish lines, often broken
)
MARKDOWN = st.lists(st.one_of(NASTY, TEXT, st.sampled_from(["\n", "\n\n", "- [ ] Send ", "(due 2026-12-01)",
                                                            "  - ", "> ", "# ", "```\n", "|a|b|\n|-|-|\n"])),
                    max_size=30).map("".join)
NOTE = st.one_of(
    st.tuples(YAML_TEXT, MARKDOWN).map(lambda fm: f"---\n{fm[0]}\n---\n{fm[1]}"),
    MARKDOWN,
)
CONTENT = st.one_of(
    st.binary(max_size=600),
    YAML_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    NOTE.map(lambda t: t.encode("utf-8", "surrogatepass")),
)
NAME = st.one_of(st.sampled_from(["acme", "b-c", "Bad Name", "x.yml", ".hidden", "2026-11-01-call.md",
                                  "0001-01-01-x.md", "9999-12-31-x.md", "notes.txt", "a.md"]),
                 st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
                         min_size=1, max_size=12).filter(lambda n: n not in (".", "..")))


# Mostly right, with nasty values: what gets past the loader reaches the engine.
DATE = st.one_of(st.dates(date(2024, 1, 1), date(2027, 12, 31)), st.dates())  # half near as_of, half anywhere
CONTACT = st.fixed_dictionaries({"name": TEXT}, optional={
    "role": TEXT, "birthday": st.one_of(TEXT, st.dates()), "primary": SCALAR, "email": TEXT})
LEAD = st.one_of(TEXT, st.integers(-5, 5000), st.sampled_from(["8w", "2m", "53w", "0"]))
CUSTOMER = st.fixed_dictionaries({"name": st.text(min_size=1, max_size=20)}, optional={
    "owner": st.one_of(TEXT, st.lists(TEXT, max_size=3)), "since": st.one_of(DATE, TEXT),
    "renewal": st.one_of(DATE, TEXT), "cadence": st.one_of(TEXT, st.integers(-5, 5000)),
    "renewal_lead": LEAD,
    "tags": st.lists(TEXT, max_size=3), "value": SCALAR, "status": st.sampled_from(["active", "ended", "x"]),
    "tier": st.one_of(st.sampled_from(["key", "small"]), TEXT),
    "contacts": st.lists(st.one_of(CONTACT, TEXT), max_size=4),
    "asks": st.lists(st.one_of(TEXT, st.fixed_dictionaries({"what": TEXT}, optional={
        "since": st.one_of(st.dates(), TEXT), "done": SCALAR, "status": TEXT})), max_size=3),
    "dates": st.lists(st.one_of(TEXT, st.fixed_dictionaries({"what": TEXT}, optional={
        "on": st.one_of(DATE, DATE, TEXT), "with": TEXT, "prepare": LEAD})), max_size=2),
}).map(dumped)
FRONT = st.fixed_dictionaries({}, optional={
    "date": st.one_of(DATE, DATE, TEXT), "type": st.sampled_from(["call", "email", "meeting", "x", ""]),
    "with": st.one_of(TEXT, st.lists(TEXT, max_size=3)), "by": TEXT, "summary": TEXT,
    "sentiment": st.one_of(st.integers(-3, 3), TEXT), "direction": st.sampled_from(["in", "out", "x"]),
}).map(dumped)
GOOD_NOTE = st.tuples(FRONT, MARKDOWN).map(lambda fm: f"---\n{fm[0]}---\n{fm[1]}".encode("utf-8", "surrogatepass"))
DEFAULTS = st.fixed_dictionaries({}, optional={
    "cadence": st.one_of(TEXT, st.integers(-5, 5000)), "renewal_lead": LEAD,
    "tiers": st.dictionaries(st.one_of(st.sampled_from(["key", "small"]), TEXT), st.one_of(
        TEXT, st.integers(-5, 5000), st.none(), st.fixed_dictionaries({}, optional={
            "cadence": st.one_of(TEXT, st.integers(-5, 5000)), "renewal_lead": LEAD, "x": TEXT})), max_size=3),
})
CONFIG = st.fixed_dictionaries({}, optional={
    "as_of": st.one_of(st.dates(), TEXT), "defaults": DEFAULTS, "team": st.lists(st.one_of(TEXT, st.fixed_dictionaries(
        {"handle": TEXT}, optional={"name": TEXT})), max_size=3),
    "thresholds": st.dictionaries(st.sampled_from(["dormant_days", "single_thread_days", "growth_window_days",
                                                    "renewal_days", "silence_cadence_multiple",
                                                    "cold_cadence_multiple", "cold_usual_multiple"]),
                                  st.one_of(st.integers(-10, 10**8), st.floats(allow_nan=True), TEXT), max_size=3),
}).map(lambda d: dumped(d).encode("utf-8", "surrogatepass"))
NOTE_NAME = st.one_of(DATE.map(lambda d: f"{d.isoformat()}-call.md"), NAME)


@st.composite
def playbooks(draw) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if draw(st.booleans()):
        files["playbook.yaml"] = draw(st.one_of(CONFIG, CONTENT))
    for _ in range(draw(st.integers(1, 3))):
        # Mostly the right shape (three in four), so that much reaches the engine.
        folder = f"content/customers/{draw(st.sampled_from(['acme', 'b-c', 'q1', None])) or draw(NAME)}"
        if draw(st.integers(0, 4)):
            files[f"{folder}/customer.yaml"] = draw(
                CUSTOMER.map(lambda t: t.encode("utf-8", "surrogatepass")) if draw(st.integers(0, 3)) else CONTENT)
        for _ in range(draw(st.integers(0, 5))):
            files[f"{folder}/interactions/{draw(NOTE_NAME)}"] = draw(GOOD_NOTE if draw(st.integers(0, 3)) else CONTENT)
    return files


def lay_out(files: dict[str, bytes], where: str) -> Path | None:
    try:
        return write_playbook(Path(where) / "pb", files)
    except OSError:  # a name this file system refuses (too long, a file where a folder goes)
        return None


@FUZZ
@given(playbooks())
def test_random_playbooks_give_problems_with_paths_never_a_traceback(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as where:
        root = lay_out(files, where)
        if root is None:
            return
        start = time.perf_counter()
        problems, _ = check(root, as_of=date(2026, 11, 20))
        loaded = load(root)
        analyse_all(loaded.playbook, loaded.config, loaded.config.as_of or date(2026, 11, 20))
        assert time.perf_counter() - start < SLOW
        for p in problems:
            assert p.path and not p.path.startswith("/") and ".." not in p.path.split("/"), p
            assert p.line >= 0 and p.column >= 0 and p.message, p
            assert p.path.split("/")[0] in ("playbook.yaml", "content", "templates"), p


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(["playbook.yaml", "content/customers/acme/customer.yaml",
                                                  "content/customers/acme/interactions/2026-11-01-call.md"]))
def test_random_bytes_in_any_file(data: bytes, where_in: str) -> None:
    files = {"playbook.yaml": b"as_of: 2026-11-20\n", "content/customers/acme/customer.yaml": b"name: Acme\n",
             where_in: data}
    with tempfile.TemporaryDirectory() as where:
        root = write_playbook(Path(where) / "pb", files)
        start = time.perf_counter()
        problems, _ = check(root)
        assert time.perf_counter() - start < SLOW
        assert all(p.path in files or p.path == "content/customers/acme" for p in problems), problems


@settings(FUZZ, max_examples=max(6, EXAMPLES // 8))
@given(playbooks())
def test_random_playbooks_build_or_report_why_not(files: dict[str, bytes]) -> None:
    from playbook.build import build
    with tempfile.TemporaryDirectory() as where:
        root = lay_out(files, where)
        if root is None:
            return
        start = time.perf_counter()
        report = build(root, Path(where) / "site", as_of=date(2026, 11, 20), use_cache=False, jobs=1)
        assert time.perf_counter() - start < 4 * SLOW
        if report.ok:
            assert (Path(where) / "site/index.html").is_file()
        else:
            assert any(p.severity == "error" and p.path for p in report.problems), report.problems
