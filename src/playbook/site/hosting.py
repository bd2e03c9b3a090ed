"""Addresses in the git host's own web editor, for writing from the site (`repo_url` set).

GitHub and GitLab differ in the path and in the query of the new-file page:
- GitHub: `…/OWNER/REPO/new/BRANCH/FOLDER?filename=NAME&value=TEXT` and `…/edit/BRANCH/PATH#L12`.
  `filename`/`value` are GitHub's prefill parameters; Gitea copied them "to mirror the documented
  behavior of GitHub" (go-gitea/gitea#16556, citing isaacs/github#1527).
- GitLab (gitlab.com and self-hosted): `…/GROUP/PROJECT/-/new/BRANCH/FOLDER?file_name=NAME&content=TEXT`
  and `…/-/edit/BRANCH/PATH#L12`. GitLab's new-file page reads `file_name` and `content`
  (gitlab-org/gitlab#594214: "the `file_name` query parameter works correctly"; that issue also
  reports some versions leaving the editor empty despite `content`, so the file name is the part
  that always lands; gitlab-org/gitlab#532221 shows the same `-/new/BRANCH?file_name=` form).
Neither host prefills an edit of an existing file, so adding an ask or a contact, or ticking a
promise, opens the file at the right line instead (docs/content.md says what to type).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Sequence
from urllib.parse import quote, urlsplit

from ..model import Customer
from ..records import Record

#: Where the click-time date goes in `LogTouch.dated`: a literal '{date}' can never come out of
#: `quote` (it encodes braces), so nothing a user wrote can be taken for it.
DATE_SLOT = "{date}"
#: Bound on the encoded prefilled text: GitHub refuses very long addresses (about 8 KB in all);
#: the commented contact list is trimmed first to stay under it.
MAX_PREFILL = 4000
HOSTS: tuple[str, ...] = ("github", "gitlab")


class Host(Record):
    """One repository on one kind of host."""

    kind: str
    """'github' or 'gitlab'."""
    repo_url: str
    """Web address of the repository, no trailing slash."""
    branch: str
    """Branch the editor commits to."""

    def _ref(self) -> str:
        return f"{self.repo_url}{'/-' if self.kind == 'gitlab' else ''}"

    def edit(self, path: str, line: int) -> str:
        """The host's editor on `path` (from the repository's root), at `line`."""
        return f"{self._ref()}/edit/{_seg(self.branch)}/{_seg(path)}#L{max(line, 1)}"

    def new_file(self, folder: str, filename: str, content: str) -> str:
        """The host's new-file page in `folder`, with the file's name and text filled in."""
        name_key, text_key = ("filename", "value") if self.kind == "github" else ("file_name", "content")
        return (f"{self._ref()}/new/{_seg(self.branch)}/{_seg(folder)}"
                f"?{name_key}={quote(filename, safe='')}&{text_key}={quote(content, safe='')}")


def _seg(path: str) -> str:
    """A path for an address: each part encoded, the slashes kept."""
    return quote(path, safe="/")


def host_kind(repo_url: str, configured: str | None) -> str:
    """`repo_host` when set; else github.com is GitHub and any other address GitLab (the
    self-hosted case: GitHub Enterprise sets `repo_host: github`)."""
    if configured in HOSTS:
        return configured
    name = (urlsplit(repo_url).hostname or "").lower()
    return "github" if name in ("github.com", "www.github.com") else "gitlab"


def host_for(repo_url: str | None, branch: str, configured: str | None = None) -> Host | None:
    if not repo_url:
        return None
    return Host(host_kind(repo_url, configured), repo_url.rstrip("/"), branch)


class LogTouch(Record):
    """'Log a touch': the address with the build's date, and the same with DATE_SLOT for the
    click-time date (site.js fills it in; without JavaScript the build's date stands)."""

    href: str
    dated: str


_PLAIN = re.compile(r"[A-Za-z0-9_.-]+")
_PLAIN_NAME = re.compile(r"[^\W_][\w .'\u2019-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def _yaml_word(text: str) -> str:
    # JSON strings are YAML double-quoted scalars: anything odd in a handle stays one value.
    return text if _PLAIN.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def _yaml_name(text: str) -> str:
    return text if _PLAIN_NAME.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def touch_text(day: str, contacts: Sequence[str], by: str | None, limit: int = MAX_PREFILL) -> str:
    """The new note's text: front matter with the date, the type and who on our side, the
    customer's contacts as a commented list for `with:`, then a line for the notes. `day` is
    an ISO date or DATE_SLOT. Contacts are dropped from the end until the encoded text fits."""
    head = ["---", f"date: {day}", "type: call"] + ([f"by: {_yaml_word(by)}"] if by else [])
    tail = ["# sentiment: positive   # very negative, negative, neutral, positive, very positive",
            "# direction: out   # in: they reached out; out: we did",
            "---", "What was said. Promises as task items: - [ ] Send the quote (due YYYY-MM-DD)", ""]
    # A name is one comment line: a newline in it must not start a line of YAML.
    names = [_CONTROL.sub(" ", n).strip() for n in contacts]
    names = [n for n in names if n]
    keep = len(names)
    while True:
        listed = names[:keep]
        lines = ["# with:   # who took part: uncomment this line and theirs"] if names else []
        lines += [f"#   - {_yaml_name(n)}" for n in listed]
        if keep < len(names):
            lines.append(f"#   … and {len(names) - keep} more (see the customer page)")
        text = "\n".join(head + lines + tail)
        if keep == 0 or len(quote(text, safe="")) <= limit:
            return text
        keep -= 1


def log_touch(host: Host, folder: str, as_of: date, contacts: Sequence[str], by: str | None) -> LogTouch:
    """'Log a touch' for the customer whose `interactions/` folder is `folder`."""
    # The date goes in as a NUL-marked word: no name can hold NUL (stripped above, escaped by
    # JSON in a handle), so after encoding, '%00DATE%00' is this slot and nothing else.
    mark = "\x00DATE\x00"
    address = host.new_file(folder, f"{mark}-call.md", touch_text(mark, contacts, by))
    where, query = address.split("?", 1)
    dated = f"{where}?{query.replace(quote(mark, safe=''), DATE_SLOT)}"
    return LogTouch(dated.replace(DATE_SLOT, as_of.isoformat()), dated)


def write_view(host: Host | None, c: Customer, as_of: date) -> dict[str, Any] | None:
    """The customer page's 'Log a touch', 'Add an ask' and 'Add a contact'; None without `repo_url`."""
    if host is None:
        return None
    folder = c.source.path.rsplit("/", 1)[0] + "/interactions"
    touch = log_touch(host, folder, as_of, [x.name for x in c.contacts], c.owners[0] if c.owners else None)
    ask, contact = c.at("asks"), c.at("contacts")
    return {"touch": touch.href, "touch_dated": touch.dated, "as_of": as_of.isoformat(),
            "ask": host.edit(ask.path, ask.line), "contact": host.edit(contact.path, contact.line)}
