"""What the playbook holds already, read once per import: its customers (by CRM id and by
name), their contacts, the CRM ids of their notes and the note file names taken. Each file is
read once, so an import costs time in proportion to the playbook plus the exports, never
their product (no re-reading customer.yaml per row)."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field

from ..capture import fold
from ..load import CRM_ID, SLUG, split_front_matter
from ..folders import CUSTOMERS_DIR, ignored
from ..reading import Refused, decode, list_folder, read_file
from ..yamlio import Map, Node, Scalar, Seq, parse


class Folder(Struct):
    """A customer folder as the import sees it."""

    slug: str
    name: str
    keys: set[str] = field(default_factory=set)
    """The customer's crm_id values."""
    contact_names: dict[str, str] = field(default_factory=dict)
    """fold(name) → name as written, for the contacts it has (and the import adds)."""
    files: set[str] = field(default_factory=set)
    """Names taken in interactions/."""
    readable: bool = True
    """customer.yaml read without errors: contacts can be added to it."""
    new: bool = False
    """Made by this import."""


class Book(Struct):
    """The playbook's customers and what they hold, by every key the import looks up."""

    folders: dict[str, Folder] = field(default_factory=dict)
    """slug → folder."""
    customer_keys: dict[str, str] = field(default_factory=dict)
    """crm_id → slug."""
    names: dict[str, list[str]] = field(default_factory=dict)
    """fold(name) → slugs."""
    contact_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    """A contact's crm_id → (slug, name)."""
    note_keys: set[str] = field(default_factory=set)


def _ids(node: Node | None) -> list[str]:
    if isinstance(node, Scalar):
        return [node.text.strip()] if CRM_ID.match(node.text.strip()) else []
    if isinstance(node, Seq):
        return [i.text.strip() for i in node.items if isinstance(i, Scalar) and CRM_ID.match(i.text.strip())]
    return []


def _read(path: Path, root: Path) -> str | None:
    try:
        return decode(read_file(path, root), "", [])
    except Refused:
        return None


def _customer(book: Book, folder: Folder, text: str | None) -> None:
    node, problems = parse(text, "customer.yaml") if text is not None else (None, [])
    folder.readable = isinstance(node, Map) and not any(p.severity == "error" for p in problems)
    if not isinstance(node, Map):
        return
    name = node.items.get("name")
    if isinstance(name, Scalar) and name.text.strip():
        folder.name = name.text.strip()
    folder.keys.update(_ids(node.items.get("crm_id")))
    contacts = node.items.get("contacts")
    for c in contacts.items if isinstance(contacts, Seq) else ():
        cname = c.text if isinstance(c, Scalar) else (c.items.get("name") if isinstance(c, Map) else None)
        if isinstance(cname, Scalar):
            cname = cname.text
        if isinstance(cname, str) and cname.strip():
            folder.contact_names.setdefault(fold(cname), cname.strip())
            for key in _ids(c.items.get("crm_id")) if isinstance(c, Map) else ():
                book.contact_keys[key] = (folder.slug, cname.strip())


def _notes(book: Book, folder: Folder, path: Path, root: Path) -> None:
    try:
        entries = list_folder(path)
    except Refused:
        return
    for e in entries:
        folder.files.add(e.name)
        if ignored(e.name) or not e.name.endswith(".md"):
            continue
        text = _read(Path(e.path), root)
        if text is None or "crm_id" not in text:
            continue
        split = split_front_matter(text, e.name, [])
        if split is None or split[0] is None:
            continue
        node, _ = parse(split[0], e.name)
        if isinstance(node, Map):
            book.note_keys.update(_ids(node.items.get("crm_id")))


def read_book(root: Path) -> Book:
    """The playbook's customers, read once."""
    book = Book()
    base = root / CUSTOMERS_DIR
    try:
        entries = list_folder(base) if base.is_dir() else []
    except Refused:
        entries = []
    for e in entries:
        if ignored(e.name):
            continue
        folder = Folder(e.name, e.name)
        book.folders[e.name] = folder  # a name taken is taken, whatever is in it
        if not SLUG.match(e.name) or not Path(e.path).is_dir():
            folder.readable = False
            continue
        _customer(book, folder, _read(Path(e.path) / "customer.yaml", root))
        for key in folder.keys:
            book.customer_keys.setdefault(key, folder.slug)
        book.names.setdefault(fold(folder.name), []).append(folder.slug)
        if (Path(e.path) / "interactions").is_dir():
            _notes(book, folder, Path(e.path) / "interactions", root)
    return book
