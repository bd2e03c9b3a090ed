"""`site_url`: the address the site is published at, for the links that must be absolute (the
feed's, calendar events', canonical links). Without it every link stays relative and the
site works from `file://` exactly as before.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import quote, urlsplit, urlunsplit

from .yamlio import QUOTED

__all__ = ["normalise_site_url", "absolute"]

#: What a host may be made of: letters, digits, dots and dashes (IDNA's ASCII form), or an
#: IPv6 literal in brackets.
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\]")
#: Characters a URL path may carry as they are (RFC 3986 pchar and "/"); anything else is encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def normalise_site_url(text: str, field: str = "site_url") -> tuple[str | None, str | None]:
    """(the URL, None) with a lower-case scheme and host, '.' and '..' resolved, unsafe
    characters percent-encoded and one trailing slash; or (None, why it is not usable).
    `field`: the setting it is, as the reasons name it (`repo_url` is read the same way)."""
    value = text.strip()
    shown = f"'{value[:QUOTED]}…'" if len(value) > QUOTED else f"'{value}'"  # in part: it may be anything
    if any(c.isspace() or not c.isprintable() for c in value):  # urlsplit would drop tabs silently
        return None, f"{field} should have no spaces or control characters: {shown}"
    try:
        parts = urlsplit(value)
        port = parts.port  # a port that is no number raises here
    except ValueError:
        return None, f"{field} should be a web address like https://team.example.com/playbook/, not {shown}"
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")  # a name in any script, as DNS spells it
        except UnicodeError:
            host = ""
    if scheme not in ("http", "https"):
        return None, f"{field} should start with https:// (or http://), not {shown}"
    if not host or not _HOST.fullmatch(f"[{host}]" if ":" in host else host) or ".." in host:
        return None, f"{field} should name a host, like https://team.example.com/, not {shown}"
    if parts.username is not None or parts.password is not None:
        return None, f"{field} should not hold a user name or password (every page would show it)"
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return None, f"{field} should be the site's folder, without '?' or '#': {shown}"
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    # "/" first and the path's own leading slashes dropped: normpath keeps a leading "//"
    path = posixpath.normpath("/" + parts.path.replace("\\", "/").lstrip("/"))
    path = quote(path.lstrip("/"), safe=_PATH_SAFE)
    path = "/" + (path + "/" if path else "")
    return urlunsplit((scheme, netloc, path, "", "")), None


def absolute(site_url: str | None, path: str) -> str:
    """`path` (relative to the site's root, as the site's own links are) made absolute with
    `site_url`; `path` itself without one."""
    return site_url + path if site_url else path
