"""What each CRM's exports look like: the column names HubSpot, Salesforce and Pipedrive
document for their exports (see the README's "From the old CRM" for where they come from), and
which kind of export a file is, told from its header row alone.

A column name is compared without case, spaces or underscores, so Salesforce's report label
'Account ID' and its Data Loader field 'ACCOUNTID' (or 'AccountId') are one name.
"""

from __future__ import annotations

import re
from typing import Sequence

from msgspec import field

from ..records import Record

#: What a file gives: customers, their contacts, or their history.
RECORDS = ("customer", "contact", "note")


def norm(header: str) -> str:
    """A column name for comparison: no case, no spaces or underscores."""
    return re.sub(r"[\s_]+", "", header.casefold())


class Kind(Record):
    """One kind of export: whose, what it holds, and where each value is."""

    system: str
    """Written before a record's id: 'hubspot' in 'hubspot:12345'."""
    label: str
    """In messages: 'HubSpot companies'."""
    record: str
    """One of RECORDS."""
    fields: dict[str, tuple[str, ...]]
    """Our field → the column names that hold it, best first."""
    needs: tuple[tuple[str, ...], ...] = ()
    """Groups of fields; the file has a column for at least one field of each group."""
    marks: tuple[str, ...] = ()
    """Columns of which the file must have one: what tells this product's export apart."""
    without: tuple[str, ...] = ()
    """Columns the file must not have: they belong to another kind of the same product."""
    rules: dict[str, str] = field(default_factory=dict)
    """Options of the generic mapping ('day_first')."""


class Columns(Record):
    """A kind matched to a file's header: for each field, the header names present."""

    kind: Kind
    present: dict[str, tuple[str, ...]]
    """Field → the file's own column names holding it, in the kind's order."""

    def first(self, row: dict[str, str], name: str) -> str:
        """The field's first non-empty value in the row ('' when none)."""
        for col in self.present.get(name, ()):
            value = row.get(col, "")
            if value.strip():
                return value
        return ""

    def every(self, row: dict[str, str], name: str) -> list[str]:
        """The field's non-empty values in the row, from every column that holds it."""
        return [row[c] for c in self.present.get(name, ()) if row.get(c, "").strip()]


def match(kind: Kind, header: Sequence[str]) -> Columns | None:
    """The kind's columns in this header, or None when the header is not this kind's."""
    by_norm: dict[str, str] = {}
    for h in header:
        by_norm.setdefault(norm(h), h)
    if kind.marks and not any(norm(m) in by_norm for m in kind.marks):
        return None
    if any(norm(w) in by_norm for w in kind.without):
        return None
    present = {}
    for name, aliases in kind.fields.items():
        cols = tuple(dict.fromkeys(by_norm[norm(a)] for a in aliases if norm(a) in by_norm))
        if cols:
            present[name] = cols
    if any(not any(f in present for f in group) for group in kind.needs):
        return None
    return Columns(kind, present)


def detect(header: Sequence[str], kinds: Sequence[Kind]) -> list[Columns]:
    """Every kind this header fits, the fullest fit first."""
    found = [c for c in (match(k, header) for k in kinds) if c is not None]
    return sorted(found, key=lambda c: -sum(len(v) for v in c.present.values()))


# -- HubSpot ---------------------------------------------------------------------------------
# Headers of HubSpot's object exports (the property labels, plus "Record ID" and the
# association columns it adds); older portals wrote "Company ID" / "Contact ID".

_HS_CONTACT_COLS = ("First Name", "Last Name", "Email", "Job Title", "Contact owner")
_HS_NOTE_COLS = ("Note body", "Activity date", "Activity type", "Engagement type", "Call notes")

HUBSPOT = (
    Kind("hubspot", "HubSpot companies", "customer", {
        "id": ("Record ID", "Company ID", "Record ID - Company"),
        "name": ("Company name", "Name"),
        "owner": ("Company owner", "HubSpot Owner", "Owner"),
        "created": ("Create Date", "Created Date"),
    }, needs=(("id",), ("name",)),
        marks=("Record ID", "Company ID", "Company owner", "Company Domain Name", "Company name"),
        without=_HS_CONTACT_COLS + _HS_NOTE_COLS + ("Account ID", "Account Name")),
    Kind("hubspot", "HubSpot contacts", "contact", {
        "id": ("Record ID", "Contact ID", "Record ID - Contact"),
        "company_id": ("Associated Company IDs (Primary)", "Primary Associated Company ID",
                       "Associated Company IDs", "Associated Company ID"),
        "company": ("Associated Company (Primary)", "Associated Company", "Company Name"),
        "first": ("First Name",), "last": ("Last Name",),
        "role": ("Job Title",),
        "email": ("Email", "Additional email addresses"),
        "phone": ("Phone Number", "Mobile Phone Number"),
        "owner": ("Contact owner", "HubSpot Owner"),
    }, needs=(("id",), ("first", "last")),
        marks=("Record ID", "Contact ID", "Contact owner", "Associated Company", "Associated Company IDs"),
        without=_HS_NOTE_COLS + ("Account ID", "AccountId")),
    Kind("hubspot", "HubSpot notes/activities", "note", {
        "id": ("Record ID", "Engagement ID", "Note ID"),
        "company_id": ("Associated Company IDs", "Associated Company ID", "Associated Company IDs (Primary)"),
        "company": ("Associated Company", "Associated Companies"),
        "contact_id": ("Associated Contact IDs", "Associated Contact ID"),
        "contact": ("Associated Contact", "Associated Contacts"),
        "date": ("Activity date", "Create date", "Created at", "Timestamp"),
        "type": ("Activity type", "Engagement type", "Type"),
        "summary": ("Subject", "Call title", "Meeting name", "Email subject", "Title"),
        "body": ("Note body", "Body", "Call notes", "Meeting description", "Email body", "Notes"),
        "owner": ("Activity assigned to", "Assigned to", "Activity owner", "HubSpot Owner", "Created by"),
    }, needs=(("id",), ("date",), ("body", "summary"), ("company_id", "company", "contact_id")),
        marks=("Note body", "Activity date", "Activity type", "Engagement type", "Engagement ID",
               "Associated Contact IDs", "Associated Company IDs", "Activity assigned to")),
)

# -- Salesforce ------------------------------------------------------------------------------
# Report exports write field labels ("Account ID", "Account Name", "Full Comments"); Data
# Loader writes API names ("Id", "AccountId", "WhoId", "ActivityDate"), which compare equal
# to the labels where they only differ by spaces.

_SF_ACTIVITY_COLS = ("Subject", "ActivityDate", "WhoId", "WhatId", "Activity ID")

SALESFORCE = (
    Kind("salesforce", "Salesforce accounts", "customer", {
        "id": ("Account ID", "Id", "Account.Id"),
        "name": ("Account Name", "Name"),
        "owner": ("Account Owner", "Owner.Name", "Owner Name", "Owner.Email"),
        "created": ("Created Date", "CreatedDate"),
    }, needs=(("id",), ("name",)),
        marks=("Account ID", "Account Name", "Account Owner", "BillingCity", "BillingCountry", "BillingState",
               "Billing City", "Billing Country", "Industry", "AccountNumber", "ParentId", "MasterRecordId",
               "AccountSource"),
        without=("First Name", "Last Name", "Contact ID", "Record ID") + _SF_ACTIVITY_COLS),
    Kind("salesforce", "Salesforce contacts", "contact", {
        "id": ("Contact ID", "Id"),
        "company_id": ("Account ID", "AccountId", "Account.Id"),
        "company": ("Account Name", "Account.Name"),
        "name": ("Full Name", "Name"),
        "first": ("First Name",), "last": ("Last Name",),
        "role": ("Title",),
        "email": ("Email",),
        "phone": ("Phone", "Mobile", "MobilePhone", "Mobile Phone"),
        "owner": ("Contact Owner", "Owner.Name", "Owner Name", "Owner.Email"),
    }, needs=(("id",), ("name", "first", "last"), ("company_id", "company")),
        marks=("Contact ID", "AccountId", "Account ID", "Account.Name", "Contact Owner"),
        without=_SF_ACTIVITY_COLS + ("Record ID",)),
    Kind("salesforce", "Salesforce tasks/events", "note", {
        "id": ("Activity ID", "Id", "Task ID", "Event ID"),
        "company_id": ("AccountId", "Account ID", "Account.Id", "WhatId"),
        "company": ("Company / Account", "Account Name", "Account.Name"),
        "contact_id": ("WhoId", "Contact ID"),
        "contact": ("Contact", "Who.Name", "Contact Name", "Name"),
        "date": ("Date", "ActivityDate", "Due Date", "StartDateTime", "Start", "ActivityDateTime",
                 "CompletedDateTime", "Created Date", "CreatedDate"),
        "type": ("Task Subtype", "TaskSubtype", "Event Subtype", "EventSubtype", "Type", "Task/Event",
                 "Activity Type"),
        "summary": ("Subject",),
        "body": ("Full Comments", "Comments", "Description"),
        "owner": ("Assigned", "Assigned To", "Owner.Name", "Owner Name", "Owner.Email"),
        "status": ("Status",),
    }, needs=(("id",), ("date",), ("summary", "body"), ("company_id", "company", "contact_id")),
        marks=("Activity ID", "WhoId", "WhatId", "ActivityDate", "Task/Event", "Full Comments", "Comments",
               "Company / Account", "TaskSubtype", "EventSubtype", "StartDateTime", "ActivityDateTime"),
        without=("Record ID",)),
)

# -- Pipedrive -------------------------------------------------------------------------------
# Pipedrive's exports name every column "<Item> - <Field>"; an export can carry the linked
# items' fields too (a persons export with "Organization - Name").

_PD_ACTIVITY = ("Activity - ID", "Activity - Subject", "Activity - Type")
_PD_NOTE = ("Note - ID", "Note - Content")

PIPEDRIVE = (
    Kind("pipedrive", "Pipedrive organizations", "customer", {
        "id": ("Organization - ID",),
        "name": ("Organization - Name",),
        "owner": ("Organization - Owner",),
        "created": ("Organization - Organization created", "Organization - Add time", "Organization - Created"),
    }, needs=(("name",),), marks=("Organization - Name",),
        without=("Person - ID", "Person - Name") + _PD_ACTIVITY + _PD_NOTE),
    Kind("pipedrive", "Pipedrive persons", "contact", {
        "id": ("Person - ID",),
        "company_id": ("Organization - ID", "Person - Organization ID"),
        "company": ("Person - Organization", "Organization - Name"),
        "name": ("Person - Name",), "first": ("Person - First name",), "last": ("Person - Last name",),
        "role": ("Person - Job title", "Person - Position", "Person - Title"),
        "email": ("Person - Email", "Person - Email - Work", "Person - Email - Home", "Person - Email - Other"),
        "phone": ("Person - Phone", "Person - Phone - Work", "Person - Phone - Mobile", "Person - Phone - Home",
                  "Person - Phone - Other"),
        "owner": ("Person - Owner",),
    }, needs=(("name", "first", "last"),), marks=("Person - Name", "Person - ID"),
        without=_PD_ACTIVITY + _PD_NOTE),
    Kind("pipedrive", "Pipedrive activities", "note", {
        "id": ("Activity - ID",),
        "company_id": ("Organization - ID", "Activity - Organization ID"),
        "company": ("Activity - Organization", "Organization - Name"),
        "contact_id": ("Person - ID", "Activity - Person ID"),
        "contact": ("Activity - Contact person", "Activity - Person", "Person - Name"),
        "date": ("Activity - Due date", "Activity - Marked as done time", "Activity - Add time"),
        "type": ("Activity - Type",),
        "summary": ("Activity - Subject",),
        "body": ("Activity - Note", "Activity - Public description"),
        "owner": ("Activity - Assigned to user", "Activity - Owner", "Activity - User"),
        "status": ("Activity - Done",),
    }, needs=(("date",), ("summary", "body")), marks=("Activity - Subject", "Activity - ID")),
    Kind("pipedrive", "Pipedrive notes", "note", {
        "id": ("Note - ID",),
        "company_id": ("Organization - ID",),
        "company": ("Note - Organization", "Organization - Name"),
        "contact_id": ("Person - ID",),
        "contact": ("Note - Person", "Person - Name"),
        "date": ("Note - Add time", "Note - Date", "Note - Created", "Note - Update time"),
        "body": ("Note - Content",),
        "owner": ("Note - User", "Note - Author", "Note - Owner"),
    }, needs=(("body",), ("date",)), marks=("Note - Content",), without=_PD_ACTIVITY),
)

PRODUCTS: tuple[Kind, ...] = HUBSPOT + SALESFORCE + PIPEDRIVE

#: A CRM's word for a kind of touch → Playbook's interaction type.
TYPE_WORDS: dict[str, str] = {
    "call": "call", "calls": "call", "phone": "call", "phone call": "call", "logged call": "call",
    "meeting": "meeting", "meetings": "meeting", "event": "meeting", "lunch": "meeting",
    "appointment": "meeting", "demo": "meeting",
    "email": "email", "e-mail": "email", "emails": "email", "mail": "email", "sent email": "email",
    "incoming email": "email", "forwarded email": "email", "listemail": "email", "list email": "email",
    "note": "note", "notes": "note", "task": "note", "deadline": "note", "todo": "note",
    "visit": "visit", "site visit": "visit",
    "sms": "message", "message": "message", "whatsapp": "message", "linkedin": "message",
    "linkedin message": "message", "chat": "message",
}

#: A status saying an activity has not happened yet (Pipedrive "Activity - Done", Salesforce
#: task "Status"); such a row is planned work, not history.
NOT_DONE = frozenset({"to do", "0", "false", "no", "not done", "not started", "in progress", "open",
                      "waiting on someone else", "deferred", "planned", "scheduled"})
