"""playbook.json has a JSON Schema (Draft 2020-12), written beside it in the site and named by
its `$schema`: the example's, a hostile playbook's and a generated playbook's exports all
validate, every customer's own file validates against `$defs/customer_file`, and the schema
is strict enough that a field of another type, a missing field or an unknown one fails."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest

try:
    from jsonschema import Draft202012Validator
except ImportError:  # a venv made before jsonschema joined the test extra; CI always has it
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("jsonschema is not installed: pip install -e '.[test]'", allow_module_level=True)

from builds import synthetic_playbook
from playbook.build import build
from playbook.outputs.json_out import SCHEMA_FILE, SCHEMA_VERSION, schema_bytes

SCHEMA = json.loads(schema_bytes())
EXPORT = Draft202012Validator(SCHEMA)
CUSTOMER_FILE = Draft202012Validator({"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"],
                                      "$ref": "#/$defs/customer_file"})


def problems(validator: Draft202012Validator, doc: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def check_site(site: Path) -> dict:
    """Every export of a built site is valid; the site's schema is the package's."""
    assert (site / SCHEMA_FILE).read_bytes() == schema_bytes()
    export = json.loads((site / "playbook.json").read_bytes())
    assert export["$schema"] == SCHEMA_FILE
    assert problems(EXPORT, export) == []
    files = sorted(site.glob("customers/*/index.json"))
    assert len(files) == len(export["customers"])
    for f in files:
        assert problems(CUSTOMER_FILE, json.loads(f.read_bytes())) == [], f
    return export


def test_the_schema_is_a_valid_draft_2020_12_schema_of_this_version():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema"] == {"const": SCHEMA_VERSION}
    assert SCHEMA["$defs"]["customer_file"]["properties"]["schema"] == {"const": SCHEMA_VERSION}


def test_the_examples_export_is_valid(example_site):
    export = check_site(example_site)
    assert len(export["customers"]) == 15 and export["agenda"]


def test_a_hostile_playbooks_export_is_valid(hostile_site):
    check_site(hostile_site)


def test_a_generated_playbooks_export_is_valid(tmp_path):
    root = synthetic_playbook(tmp_path, customers=40, interactions=4, seed=7)
    report = build(root, tmp_path / "site", use_cache=False)
    assert report.ok, report.problems
    export = check_site(tmp_path / "site")
    assert len(export["customers"]) == 40


def _first(export: dict, field: str) -> dict:
    """The first customer whose `field` is a non-empty list (or not null)."""
    return next(c for c in export["customers"] if c[field])


#: Edits to a valid export, each of which the schema must refuse: a field of another type,
#: a value outside its set, a required field missing, a field it does not know.
MUTATIONS: list[tuple[str, Callable[[dict], None]]] = [
    ("schema as text", lambda d: d.update(schema="1")),
    ("another schema version", lambda d: d.update(schema=2)),
    ("as_of not a date", lambda d: d.update(as_of="20 Nov 2026")),
    ("as_of a number", lambda d: d.update(as_of=20261120)),
    ("customers an object", lambda d: d.update(customers={})),
    ("an unknown top-level field", lambda d: d.update(extra=True)),
    ("no agenda", lambda d: d.pop("agenda")),
    ("owners as text", lambda d: d["customers"][0].update(owners="maya")),
    ("name missing", lambda d: d["customers"][0].pop("name")),
    ("an unknown customer field", lambda d: d["customers"][0].update(nickname="x")),
    ("health score as text", lambda d: d["customers"][0]["health"].update(score="50")),
    ("health score a fraction", lambda d: d["customers"][0]["health"].update(score=50.5)),
    ("cadence null", lambda d: d["customers"][0].update(cadence=None)),
    ("an unknown stage", lambda d: d["customers"][0]["stage"].update(id="great")),
    ("a history stage as a number", lambda d: d["customers"][0]["stage_history"][0].update(stage=3)),
    ("interactions as text", lambda d: d["customers"][0].update(interactions="9")),
    ("a date with a time", lambda d: d["customers"][0].update(last_contact="2026-11-06T10:00:00")),
    ("a source without a line", lambda d: _first(d, "next_actions")["next_actions"][0].update(source="content/x.md")),
    ("an action's due null", lambda d: _first(d, "next_actions")["next_actions"][0].update(due=None)),
    ("an unknown action kind", lambda d: d["agenda"][0].update(kind="call")),
    ("an agenda score a fraction", lambda d: d["agenda"][0].update(score=1.5)),
    ("internal as text", lambda d: d["agenda"][0].update(internal="false")),
    ("score_reasons as text", lambda d: d["agenda"][0].update(score_reasons="big account")),
    ("a promise's overdue days as text",
     lambda d: _first(d, "open_commitments")["open_commitments"][0].update(overdue_days="7")),
    ("an opportunity's value as text", lambda d: _first(d, "opportunities")["opportunities"][0].update(value="48k")),
    ("a pause that is a date", lambda d: _first(d, "pause").update(pause="2027-04-01")),
    ("an unknown flag", lambda d: _first(d, "flags")["flags"][0].update(id="vip")),
    ("a key date of an unknown kind", lambda d: _first(d, "key_dates")["key_dates"][0].update(kind="holiday")),
    ("an ask from a number", lambda d: _first(d, "parked_asks")["parked_asks"][0].update(**{"from": 7})),
]


@pytest.mark.parametrize("what,mutate", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_the_schema_refuses_a_changed_field(example_site, what: str, mutate):
    export = json.loads((example_site / "playbook.json").read_bytes())
    assert problems(EXPORT, export) == []
    changed = copy.deepcopy(export)
    mutate(changed)
    assert changed != export, what
    assert problems(EXPORT, changed), f"{what}: still valid"


def test_a_customer_file_holds_one_customer(example_site):
    doc = json.loads((example_site / "customers/loomwork/index.json").read_bytes())
    assert problems(CUSTOMER_FILE, doc) == []
    assert problems(CUSTOMER_FILE, {**doc, "customer": [doc["customer"]]})
    assert problems(CUSTOMER_FILE, {k: v for k, v in doc.items() if k != "as_of"})
