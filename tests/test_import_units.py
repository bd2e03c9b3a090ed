"""The parts of `playbook import` by tables of cases: dates in the CRMs' formats, CSV files in the
encodings and delimiters spreadsheets write, which export a header is, HTML as text, and values
written as YAML that read back exactly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from helpers import REPO
from playbook.importing.csvfile import Unreadable, open_table
from playbook.importing.output import value
from playbook.importing.sources import PRODUCTS, detect
from playbook.importing.values import BadValue, html_text, parse_day
from playbook.yamlio import Map, parse

CRM = REPO / "tests" / "fixtures" / "crm"


@pytest.mark.parametrize("text, day_first, want", [
    ("2024-03-05", False, date(2024, 3, 5)),
    ("2024-03-05 14:30", False, date(2024, 3, 5)),
    ("2024-03-05T14:30:00.000Z", False, date(2024, 3, 5)),
    ("2024/03/05", False, date(2024, 3, 5)),
    ("03/05/2024", False, date(2024, 3, 5)),
    ("3/5/2024 2:30 PM", False, date(2024, 3, 5)),
    ("03/05/2024", True, date(2024, 5, 3)),
    ("3/5/24", False, date(2024, 3, 5)),
    ("05.03.2024", False, date(2024, 3, 5)),
    ("5.3.2024 14:30", False, date(2024, 3, 5)),
    (" 2024-02-29 ", False, date(2024, 2, 29)),
])
def test_dates_in_the_crms_formats(text: str, day_first: bool, want: date):
    assert parse_day(text, day_first) == want


@pytest.mark.parametrize("text, says", [
    ("31/12/2024", "import it again with --day-first"),
    ("2023-02-29", "not a real date"),
    ("13.13.2024", "not a real date"),
    ("March 5, 2024", "not a date Playbook reads"),
    ("0001-01-01", "outside the years"),
    ("1710000000000", "not a date Playbook reads"),
])
def test_dates_it_cannot_read_say_what_to_do(text: str, says: str):
    with pytest.raises(BadValue, match=says):
        parse_day(text)


def _table(tmp_path: Path, data: bytes):
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    return open_table(path, "export.csv")


@pytest.mark.parametrize("data, encoding, delimiter", [
    ("Name,Email\r\nCafé,a@b.example\r\n".encode("utf-8"), "UTF-8", ","),
    ("\ufeffName;Email\r\nCafé;a@b.example\r\n".encode("utf-8"), "UTF-8", ";"),
    ("Name\tEmail\r\nCafé\ta@b.example\r\n".encode("utf-16"), "UTF-16", "\t"),
    ("Name;Email\r\nCafé;a@b.example\r\n".encode("cp1252"), "Windows-1252", ";"),
])
def test_encodings_and_delimiters_spreadsheets_write(tmp_path: Path, data: bytes, encoding: str, delimiter: str):
    table = _table(tmp_path, data)
    assert (table.encoding, table.delimiter, table.header) == (encoding, delimiter, ("Name", "Email"))
    assert list(table.rows()) == [(2, {"Name": "Café", "Email": "a@b.example"})]


def test_a_record_spanning_lines_keeps_the_line_it_starts_on(tmp_path: Path):
    data = b'Name,Notes\r\nA,"one\r\ntwo\r\nthree"\r\n\r\nB,"x;y"\r\nC\r\n'
    rows = list(_table(tmp_path, data).rows())
    assert rows == [(2, {"Name": "A", "Notes": "one\r\ntwo\r\nthree"}), (6, {"Name": "B", "Notes": "x;y"}),
                    (7, {"Name": "C"})]


def test_a_quote_never_closed_is_refused_with_its_line(tmp_path: Path):
    """`1,"Acme` took every row below it into one company name, and the import said "1 row"
    (a fuzzing session). A value in quotes over several lines is still one value."""
    with pytest.raises(Unreadable, match=r":3: a quote opened in this record is never closed"):
        list(_table(tmp_path, b'Record ID,Company name\n1,Acme\n2,"Bob\n3,Carol\n4,Dan\n').rows())
    rows = list(_table(tmp_path, b'Record ID,Company name\n1,"Acme\nLtd"\n2,Bob\n').rows())
    assert [r for _, r in rows] == [{"Record ID": "1", "Company name": "Acme\nLtd"},
                                    {"Record ID": "2", "Company name": "Bob"}]


@pytest.mark.parametrize("data, says", [
    (b"", "the first line is empty"),
    (b"Name\x00,Email\n", "NUL bytes"),
    (b"\xff\xfe\x00", "starts as UTF-16 text"),
    (b"Name\n\x81\x8d\x8f\x90\x9d", "neither UTF-8"),
])
def test_files_that_are_no_csv_are_refused(tmp_path: Path, data: bytes, says: str):
    with pytest.raises(Unreadable, match=says):
        _table(tmp_path, data)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "pipe.csv"
    import os
    os.mkfifo(fifo)
    with pytest.raises(Unreadable, match="FIFO"):
        open_table(fifo, "pipe.csv")


@pytest.mark.parametrize("path, label", [
    ("hubspot/companies.csv", "HubSpot companies"),
    ("hubspot/contacts.csv", "HubSpot contacts"),
    ("hubspot/notes.csv", "HubSpot notes/activities"),
    ("salesforce/Accounts.csv", "Salesforce accounts"),
    ("salesforce/Contacts.csv", "Salesforce contacts"),
    ("salesforce/Tasks.csv", "Salesforce tasks/events"),
    ("salesforce/Events.csv", "Salesforce tasks/events"),
    ("pipedrive/organizations.csv", "Pipedrive organizations"),
    ("pipedrive/persons.csv", "Pipedrive persons"),
    ("pipedrive/activities.csv", "Pipedrive activities"),
    ("pipedrive/notes.csv", "Pipedrive notes"),
])
def test_each_sample_export_is_told_by_its_header(path: str, label: str):
    header = open_table(CRM / path, path).header
    assert [c.kind.label for c in detect(header, PRODUCTS)][:1] == [label]


@pytest.mark.parametrize("header", [
    ("Foo", "Bar"), ("Name", "Email"), ("Id", "Name"), ("Company", "Contact", "Date", "Notes"),
])
def test_a_plain_csv_is_no_product_export(header):
    assert detect(header, PRODUCTS) == []


@pytest.mark.parametrize("html, text", [
    ("<p>One</p><p>Two &amp; three</p>", "One\n\nTwo & three"),
    ("Line<br>next<br/>last", "Line\nnext\nlast"),
    ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
    ("<script>alert(1)</script><style>p{}</style>Safe", "Safe"),
    ("&lt;script&gt;alert(1)&lt;/script&gt; in <b>text</b>", "<script>alert(1)</script> in text"),
    ("Write to <jane@x.example> and press <Enter>", "Write to <jane@x.example> and press <Enter>"),
    ("plain\r\ntext\x07", "plain\ntext"),
    # Plain text with a tag-like word stays as written, and a line separator is a line end
    # (a fuzzing session: "a<b and c>d" lost its middle, "c\u2028d" read "cd").
    ("Fix the <div> layout.\nIf a<b and c>d we lose rows.", "Fix the <div> layout.\nIf a<b and c>d we lose rows."),
    ("c\u2028d", "c\nd"),
])
def test_html_in_note_bodies_becomes_text(html: str, text: str):
    assert html_text(html) == text


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_every_value_reads_back_exactly(text: str):
    written = value(text)
    node, problems = parse(f"k: {written}\n", "t.yaml")
    if any(ch in text for ch in "\r\n\x85\u2028\u2029") or not all(ch.isprintable() or ch == " " for ch in text):
        return  # multi-line and control characters go through yaml_value's escapes, tested with it
    assert not problems and isinstance(node, Map) and node.items["k"].text == text
    assert yaml.safe_load(f"k: {written}\n") == {"k": text}


@pytest.mark.parametrize("text", ["Ingrid Berg", "+46 8 555 0101", "hubspot:7001", "Café Lumière", "p@x.example"])
def test_everyday_values_are_written_plain(text: str):
    assert value(text) == text


@pytest.mark.parametrize("text", ["yes", "No", "12", "2024-01-01", "1:20", "a: b", "x #y", "- a", "null", "~", "+12",
                                  "trailing ", ".5", "0x1F", "@x"])
def test_values_yaml_would_misread_are_quoted(text: str):
    assert value(text) != text and yaml.safe_load(f"k: {value(text)}") == {"k": text}
