"""The bounds every value read from a playbook is held to, in one place.

Dates and day counts are bounded so that the engine's date arithmetic (a year back for
the stage history, windows of up to two thresholds, a year ahead for key dates) can never
leave the years Python's `date` can hold: `check` reports an out-of-range value at its
line instead of `build` failing on it later.
"""

from __future__ import annotations

from datetime import date

#: The earliest and latest dates Playbook reads (as_of, since, renewal, a due date…).
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
DATE_RANGE = f"from {EARLIEST.isoformat()} to {LATEST.isoformat()}"

#: The largest number of days a threshold may span (a century).
MAX_THRESHOLD_DAYS = 36_500
#: The largest 'N times the cadence' multiple.
MAX_MULTIPLE = 1_000
#: The longest `renewal_lead`: a renewal prepared over a year ahead is the next one's.
MAX_RENEWAL_LEAD_DAYS = 365


def in_range(d: date) -> bool:
    """Whether `d` is a date Playbook can compute with."""
    return EARLIEST <= d <= LATEST

#: The largest file Playbook reads (customer.yaml, playbook.yaml, a template): every step
#: after reading is linear in the size, and this keeps a build's memory bounded.
MAX_FILE_BYTES = 2_000_000
#: The largest interaction note. Parsing Markdown costs up to about 30 ms per KB on its worst
#: input (thousands of '![' in a row; measured with markdown-it-py 3.0): 100 KB stays
#: within a few seconds, and is still some 25,000 words of notes.
MAX_NOTE_BYTES = 100_000
#: The largest asset (an image or a font in templates/assets/), which is copied, not parsed.
MAX_ASSET_BYTES = 20_000_000
#: Owners and tags a customer may have: each gets a page listing its customers, so a list
#: of 100,000 (600 KB of YAML) made a site growing with its square.
MAX_OWNERS = 25
MAX_TAGS = 50
#: `about` words an ask or an `available` entry may have, and the length of each: each is
#: looked up in an index, and a long list would only hide what the ask is about.
MAX_ABOUT = 20
MAX_ABOUT_CHARS = 60
