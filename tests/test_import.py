"""`playbook import`: the sample exports of each CRM (tests/fixtures/crm/) imported into a fresh
playbook, checked, built and read as a user reads the customer page; a re-import adds nothing;
a dry run writes nothing; every row it cannot use is named by file:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import REPO, run_cli
from playbook.load import load

CRM = REPO / "tests" / "fixtures" / "crm"
PRODUCTS = sorted(str(p) for d in ("hubspot", "salesforce", "pipedrive") for p in (CRM / d).glob("*.csv"))
TEAM = """
team:
  - handle: maya
    name: Maya Lindqvist
    email: maya@ourco.example
  - handle: tomas
    name: Tomas Berg
"""


@pytest.fixture
def book(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("PLAYBOOK_USER", raising=False)
    root = tmp_path / "book"
    code, out, err = run_cli(["init", str(root)])
    assert code == 0, err
    with open(root / "playbook.yaml", "a", encoding="utf-8") as fh:
        fh.write(TEAM)
    return root


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def imported(book: Path, *args: str) -> tuple[int, str, str]:
    return run_cli(["import", *args, "--root", str(book)])


def page_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_product_and_a_mapped_csv_import_check_and_build(book: Path):
    code, out, err = imported(book, *PRODUCTS)
    assert code == 0, (out, err)
    assert "pipedrive/persons.csv: Pipedrive persons, 2 rows, read as Windows-1252, ';'-separated" in out
    assert "Added 7 customers, 7 contacts (0 to customers already here) and 9 notes." in out
    assert "Left out 2 planned activities not done yet" in out
    assert "Owners not in playbook.yaml's team: Unknown Person (1), jane.smith@ourco.example (2)" in out
    code, out, err = imported(book, str(CRM / "generic/old-crm.csv"), "--map", str(CRM / "generic/mapping.yaml"))
    assert code == 0, (out, err)
    assert "Added 2 customers, 1 contact (0 to customers already here) and 3 notes." in out
    assert err == ""  # a flat spreadsheet repeats its companies and people without a word

    code, out, err = run_cli(["check", "--strict", str(book)])
    assert code == 0, out + err
    loaded = load(book)
    by = {c.slug: c for c in loaded.playbook.customers}
    harbour = by["harbour-logistics"]
    assert harbour.owners == ("maya",) and str(harbour.since) == "2024-02-01"
    assert [(c.name, c.role, c.email, c.phone) for c in harbour.contacts] == [
        ("Ingrid Berg", "Head of Operations", "ingrid@harbourlogistics.example", "+46 8 555 0101"),
        ("Lars Nyström", "CFO", "lars@harbourlogistics.example", None)]
    calls = [(str(i.date), i.type, i.with_, i.by) for i in harbour.interactions]
    assert calls == [("2024-03-05", "note", ("Ingrid Berg",), "maya"), ("2024-04-10", "call", ("Lars Nyström",), "maya")]
    assert harbour.interactions[0].body == ("Kick-off with Ingrid.\n\n- Wants weekly reports\n"
                                            "- Budget & timeline agreed\n")
    # Salesforce: a Data Loader contact (18-character AccountId) meets its report-exported account.
    assert [c.name for c in by["quayside-foods"].contacts] == ["Morag Sinclair"]
    assert by["quayside-foods"].owners == ("tomas",)
    assert [cm.text for i in by["quayside-foods"].interactions for cm in i.commitments] == ["Send revised price list"]
    assert [(i.type, i.with_) for i in by["fjord-analytics"].interactions] == [
        ("email", ("Sigrid Dahl",)), ("meeting", ("Sigrid Dahl",))]
    lumiere = by["cafe-lumiere"]
    assert lumiere.name == "Café Lumière" and [c.name for c in lumiere.contacts] == ["Amélie Durand", 'Jean "Jeannot" Petit']
    assert lumiere.contacts[0].notes == "Also: +33 6 55 55 01 03"
    assert [str(i.date) for i in lumiere.interactions] == ["2024-01-15", "2024-01-22", "2024-01-23"]
    # Hostile names are names: a formula stays text, a path is a slug inside content/customers.
    assert by["hyperlink-http-evil-example-click-me"].name == '=HYPERLINK("http://evil.example","Click me")'
    assert by["etc-passwd"].name == "../../../etc/passwd"
    nordwind = (book / "content/customers/nordwind-bikes-gmbh/customer.yaml").read_text("utf-8")
    assert "# owner in HubSpot: jane.smith@ourco.example - not in playbook.yaml's team" in nordwind
    assert by["willow-dental"].owners == ("tomas",) and len(by["willow-dental"].interactions) == 2

    code, out, err = run_cli(["build", str(book), "--as-of", "2024-12-31", "--quiet"])
    assert code == 0, err
    html = (book / "site/customers/harbour-logistics/index.html").read_text("utf-8")
    seen = page_text(html)
    for text in ("Harbour Logistics", "Ingrid Berg", "Head of Operations", "Kick-off with Ingrid.",
                 "Wants weekly reports", "Called Lars about the invoice."):
        assert text in seen, text
    assert "alert(1)" not in html and "<script>alert" not in html
    berlin = (book / "site/customers/nordwind-bikes-gmbh/index.html").read_text("utf-8")
    assert "Visit in Berlin &lt;script&gt; was just text" in berlin


def test_a_second_import_adds_nothing_and_changes_no_byte(book: Path):
    assert imported(book, *PRODUCTS)[0] == 0
    before = tree(book)
    code, out, err = imported(book, *reversed(PRODUCTS))  # any order
    assert code == 0, err
    assert "Added 0 customers, 0 contacts (0 to customers already here) and 0 notes." in out
    assert "Already in the playbook (left as they are): 7 customers, 7 contacts, 9 notes." in out
    assert tree(book) == before


def test_new_contacts_are_added_to_a_hand_written_customer_keeping_its_text(book: Path):
    folder = book / "content/customers/harbour"
    (folder / "interactions").mkdir(parents=True)
    original = ("# Our oldest customer.\r\nname: Harbour Logistics   # as on the contract\r\nowner: maya\r\n"
                "contacts:\r\n  - name: Ingrid Berg\r\n    # met her in 2019\r\n")
    (folder / "customer.yaml").write_bytes(original.encode("utf-8"))
    code, out, err = imported(book, str(CRM / "hubspot/companies.csv"), str(CRM / "hubspot/contacts.csv"))
    assert code == 0, err
    assert "content/customers/harbour/customer.yaml  (1 contact added)" in out
    after = (folder / "customer.yaml").read_bytes().decode("utf-8")
    assert after == original + ("  - name: Lars Nyström\r\n    role: CFO\r\n    email: lars@harbourlogistics.example\r\n"
                                "    crm_id: hubspot:7002\r\n")
    assert not (book / "content/customers/harbour-logistics").exists()


def test_a_dry_run_prints_what_it_would_write_and_writes_nothing(book: Path):
    before = tree(book)
    code, out, err = imported(book, *PRODUCTS, "--dry-run")
    assert code == 0, err
    assert "Would write:\n  content/customers/harbour-logistics/customer.yaml  (new customer, 2 contacts)" in out
    assert "content/customers/cafe-lumiere/interactions/2024-01-15-tasting-visit.md  (meeting note)" in out
    assert "Would add 7 customers, 7 contacts" in out and out.rstrip().endswith("Nothing was written (--dry-run).")
    assert tree(book) == before


def test_every_row_it_cannot_use_is_named_by_file_and_line(book: Path):
    contacts, notes = CRM / "bad/contacts.csv", CRM / "bad/notes.csv"
    code, out, err = imported(book, str(notes), str(CRM / "hubspot/companies.csv"), str(contacts))
    assert code == 1
    lines = err.splitlines()
    expected = [
        (f"{contacts}:3: not imported: no name and no email"),
        (f"{contacts}:4: not imported: No Company has no company"),
        (f"{notes}:2: not imported: no date (column 'Activity date' is empty)"),
        (f"{notes}:3: not imported: '31/12/2024' has no month 31: the file writes the day first"),
        (f"{notes}:4: not imported: '2024-02-30' is not a real date"),
        (f"{notes}:8: not imported: no date"),  # after a record spanning lines 5-7
        (f"{contacts}:5: not imported: Lost Company's company hubspot:999999 is in no companies export given"),
    ]
    for want in expected:
        assert any(line.startswith(want) for line in lines), (want, err)
    assert lines[-1].startswith("7 not imported (listed above with what to do)")
    assert "Added 3 customers, 1 contact" in out and "and 1 note." in out
    assert run_cli(["check", str(book)])[0] == 0


def test_a_file_it_does_not_know_stops_the_import_before_anything_is_written(book: Path):
    before = tree(book)
    unknown = CRM / "bad/unknown.csv"
    code, out, err = imported(book, *PRODUCTS, str(unknown))
    assert code == 2 and out == ""
    assert f"{unknown}:1: not an export Playbook recognises (its columns: Foo, Bar)" in err
    assert "give --map FILE" in err and "Nothing was imported." in err
    assert tree(book) == before


def test_a_mapping_file_mistake_is_named_by_line(book: Path, tmp_path: Path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text("customers:\n  name: Client\n  colour: Red\n", "utf-8")
    code, out, err = imported(book, str(CRM / "generic/old-crm.csv"), "--map", str(mapping))
    assert code == 2
    assert f"{mapping}:3: 'customers' has no field 'colour'" in err


def test_hostile_cells_stay_text_and_inside_content(book: Path, tmp_path: Path):
    csv_file = tmp_path / "companies.csv"
    names = ["Evil\nname: injected", "#not a comment", "- a list?", "@@SINCE@@", "'quoted", "..", "/etc",
             "Zero\u200bwidth\u202eRTL", "\x1b[31mred", "index"]
    rows = "".join(f'{i},"{n}",Maya Lindqvist\n' for i, n in enumerate(names, 1))
    csv_file.write_bytes(("Record ID,Company name,Company owner\n" + rows).encode("utf-8"))
    code, out, err = imported(book, str(csv_file))
    assert code == 0, err
    assert "\x1b" not in out
    loaded = load(book)
    got = sorted(c.name for c in loaded.playbook.customers if c.slug != "example-co")
    # Control and format characters (an escape, a right-to-left override) are dropped.
    assert got == sorted(["Evil name: injected", "#not a comment", "- a list?", "@@SINCE@@", "'quoted", "..", "/etc",
                          "ZerowidthRTL", "[31mred", "index"])
    assert not loaded.errors
    folders = sorted(p.name for p in (book / "content/customers").iterdir())
    assert "index" not in folders and all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", f) for f in folders)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book", "companies.csv"]


def test_a_later_export_adds_only_its_new_rows(book: Path, tmp_path: Path):
    assert imported(book, *PRODUCTS)[0] == 0
    later = tmp_path / "contacts-later.csv"
    text = (CRM / "hubspot/contacts.csv").read_text("utf-8")
    later.write_text(text + "7004,Nils,Ek,nils@harbourlogistics.example,,Driver,,Harbour Logistics,5001\n", "utf-8")
    notes = tmp_path / "notes-later.csv"
    notes.write_text((CRM / "hubspot/notes.csv").read_text("utf-8")
                     + "9004,2024-07-01,EMAIL,Sent Nils the rota,5001,7004,Maya Lindqvist\n", "utf-8")
    yaml_before = (book / "content/customers/harbour-logistics/customer.yaml").read_text("utf-8")
    code, out, err = imported(book, str(notes), str(later), str(CRM / "hubspot/companies.csv"))
    assert code == 0, err
    assert "Added 0 customers, 1 contact (1 to customers already here) and 1 note." in out
    assert "content/customers/harbour-logistics/interactions/2024-07-01-sent-nils-the-rota.md  (email note)" in out
    after = (book / "content/customers/harbour-logistics/customer.yaml").read_text("utf-8")
    assert after == yaml_before + ("  - name: Nils Ek\n    role: Driver\n    email: nils@harbourlogistics.example\n"
                                   "    crm_id: hubspot:7004\n")
    note = (book / "content/customers/harbour-logistics/interactions/2024-07-01-sent-nils-the-rota.md").read_text()
    assert note == ("---\ndate: 2024-07-01\ntype: email\nwith: Nils Ek\nby: maya\ncrm_id: hubspot:9004\n---\n"
                    "Sent Nils the rota\n")


def test_companies_named_apart_only_by_symbols_stay_apart(book: Path, tmp_path: Path):
    """"C++ Labs" and "C# Labs", two CRM ids, became one customer with both, and every name of
    symbols only ("---", "~") one called "customer" (a fuzzing session). Named the same but for
    case and spaces, two ids are one company entered twice."""
    companies = tmp_path / "companies.csv"
    companies.write_text("Record ID,Company name\n1,C++ Labs\n2,C# Labs\n3,---\n4,~\n5,Acme Ltd\n6,ACME  Ltd\n",
                         "utf-8")
    code, out, err = imported(book, str(companies))
    assert code == 0, err
    made = {p.parent.name: p.read_text("utf-8") for p in (book / "content/customers").glob("*/customer.yaml")
            if "hubspot:" in p.read_text("utf-8")}
    assert sorted(made) == ["acme-ltd", "c-labs", "c-labs-2", "customer", "customer-2"], sorted(made)
    assert "name: C# Labs" in made["c-labs-2"] and "crm_id: hubspot:2" in made["c-labs-2"]
    assert "crm_id: ['hubspot:5', 'hubspot:6']" in made["acme-ltd"]


def test_owners_can_be_mapped_for_a_product_export_and_duplicates_are_one_customer(book: Path, tmp_path: Path):
    mapping = tmp_path / "owners.yaml"
    mapping.write_text('owners:\n  "jane.smith@ourco.example": tomas\n', "utf-8")
    companies = tmp_path / "companies.csv"
    companies.write_bytes("\ufeffRecord ID;Company name;Company owner\r\n1;Acme;jane.smith@ourco.example\r\n"
                          "2;ACME;Maya Lindqvist\r\n".encode("utf-8"))
    code, out, err = imported(book, str(companies), "--map", str(mapping))
    assert code == 0, err
    assert f"{companies}:3: note: 'ACME' has the same name as the company at {companies}:2; both are one customer (acme)" \
        in err
    text = (book / "content/customers/acme/customer.yaml").read_text("utf-8")
    assert "crm_id: ['hubspot:1', 'hubspot:2']\n" in text and "owner: tomas\n" in text
    assert imported(book, str(companies))[1].count("Already in the playbook (left as they are): 2 customers") == 1


def test_an_import_reads_each_customer_once_and_edits_it_once(book: Path, tmp_path: Path, monkeypatch):
    """Linear in the rows: 3,000 contacts for one customer already in the playbook are one
    edit of its customer.yaml, not one read and rewrite each (which was quadratic)."""
    import playbook.capture.profile as profile
    import playbook.importing.existing as existing
    calls = {"parse": 0, "read": 0}
    real_parse, real_read = profile.parse_customer, existing.read_file

    def parse(*a, **k):
        calls["parse"] += 1
        return real_parse(*a, **k)

    def read(*a, **k):
        calls["read"] += 1
        return real_read(*a, **k)
    monkeypatch.setattr(profile, "parse_customer", parse)
    monkeypatch.setattr(existing, "read_file", read)
    assert imported(book, str(CRM / "hubspot/companies.csv"))[0] == 0
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("Record ID,First Name,Last Name,Associated Company IDs\n"
                        + "".join(f"{i},Person,Number {i},5001\n" for i in range(3000)), "utf-8")
    calls.update(parse=0, read=0)
    code, out, err = imported(book, str(contacts))
    assert code == 0, err
    assert "Added 0 customers, 3,000 contacts (1 to customers already here)" in out
    assert calls["parse"] == 2  # the file as read, and as edited (the proof before writing)
    assert calls["read"] <= 1 + 4 + 2  # each customer.yaml and each note of the playbook once
    assert len(load(book).playbook.customers[1].contacts) == 3000


@pytest.mark.parametrize("dry", [True, False])
def test_contacts_for_a_customer_yaml_it_cannot_edit_are_reported_and_it_is_left_alone(book: Path, dry: bool):
    folder = book / "content/customers/harbour"
    folder.mkdir(parents=True)
    (folder / "customer.yaml").write_text("{name: Harbour Logistics, owner: maya}\n", "utf-8")
    before = tree(book)
    args = [str(CRM / "hubspot/companies.csv"), str(CRM / "hubspot/contacts.csv")] + (["--dry-run"] if dry else [])
    code, out, err = imported(book, *args)
    assert code == 1
    assert ("content/customers/harbour/customer.yaml: not imported: " in err
            and "edit it by hand (2 contacts not added, from " in err)
    if dry:
        assert tree(book) == before
    else:
        assert (folder / "customer.yaml").read_text("utf-8") == "{name: Harbour Logistics, owner: maya}\n"


def test_a_customers_folder_leading_out_of_the_playbook_is_never_written(tmp_path: Path):
    outside, root = tmp_path / "outside", tmp_path / "book"
    outside.mkdir()
    (root / "content").mkdir(parents=True)
    (root / "playbook.yaml").write_text("title: Test\n", "utf-8")
    (root / "content/customers").symlink_to(outside)
    code, out, err = imported(root, str(CRM / "hubspot/companies.csv"), str(CRM / "hubspot/notes.csv"))
    assert code == 1 and list(outside.iterdir()) == []
    assert "content/customers/harbour-logistics/customer.yaml: not imported: " in err and "leads outside" in err
    assert f"{CRM / 'hubspot/notes.csv'}:2: not imported: not written: its customer (harbour-logistics)" in err


def test_a_created_date_it_cannot_read_is_said_not_dropped(book: Path, tmp_path: Path):
    """A probe: a HubSpot company created '2025-02-30' was imported with 'since' of today, exit
    0, and not a word; the README says a date it cannot read is reported as file:line."""
    companies = tmp_path / "companies.csv"
    companies.write_text("Record ID,Company name,Company owner,Create Date\n"
                         "5001,Harbour Logistics,Maya Lindqvist,2025-02-30\n"
                         "5002,Nordwind Bikes,Maya Lindqvist,31/31/2025\n"
                         "5003,Fine Ltd,Maya Lindqvist,2024-03-05\n", encoding="utf-8")
    code, out, err = imported(book, str(companies))
    assert code == 0, err
    assert (f"{companies}:2: note: column 'Create Date': '2025-02-30' is not a real date" in err
            and "Imported without it: Harbour Logistics's 'since' comes from its notes (or today)" in err)
    assert f"{companies}:3: note: column 'Create Date': '31/31/2025'" in err
    assert f"{companies}:4:" not in err and "Added 3 customers" in out
