"""What every customer folder's steps share: the config, the date and git's facts.

Apart from the phases (units.py) so that a build can key the whole site, and find that
nothing changed, without importing them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from msgspec import field

from .config import Config
from .gitinfo import GitInfo
from .memo import digest
from .records import Record


class Inputs(Record):
    """What every customer folder's steps share."""

    root: Path
    config: Config
    config_digest: str
    """Digest of the playbook.yaml bytes the config was parsed from ('' without one)."""
    as_of: date
    git: GitInfo
    git_digests: dict[str, str]
    """Per customer folder: a digest of what git says about its files."""
    known: dict[str, str]
    """Per customer folder whose files stat as when they were last hashed (manifest.py): its
    parse key, so they need not be read again just to be hashed."""
    before: dict[str, str] = field(default_factory=dict)
    """Per customer folder as the last build into this output made it: its analyse key, whose
    full unit in the memo holds its parse (`Unit.parsed`): taken whole when the folder's bytes
    are the same, else a place to find its notes' Markdown parsed, each by its very text. A
    hint only: what is taken is checked by its key."""
    elsewhere: dict[str, str] = field(default_factory=dict)
    """The same from the newest build into another output, when it came after this output's
    (`manifest.newest_elsewhere`): asked when `before` names no unit still in the memo."""


def git_digests(git: GitInfo) -> dict[str, str]:
    """Per customer folder, a digest of what git says about its files (authors, last changes)."""
    per: dict[str, list[str]] = {}
    for name, table in (("last", git.last), ("added", git.added)):
        for path in sorted(table):
            parts = path.split("/")
            if len(parts) >= 4 and parts[0] == "content" and parts[1] == "customers":
                c = table[path]
                per.setdefault(parts[2], []).append(
                    f"{name}\t{path}\t{c.date}\t{c.author}\t{c.email}\t{c.commit}\t{c.subject}")
    return {slug: digest(*lines) for slug, lines in per.items()}
