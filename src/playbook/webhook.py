"""Posting a digest to a chat webhook (`playbook digest --post`).

A webhook address is a secret (whoever has it can post to the channel): it is never
printed, in an error or otherwise; messages name "the webhook" and its host at most. Nothing
from the answer is shown but its status code.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from .problems import UsageError

#: Seconds to wait for a webhook.
POST_TIMEOUT = 20


class PostError(Exception):
    """The webhook refused or could not be reached; the message never holds its address."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is not followed: the digest goes only where it was sent."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 (urllib's signature)
        raise PostError(f"the webhook at {urllib.parse.urlsplit(req.full_url).hostname} answered with a "
                        f"redirect ({code}); give the address it settles at")


def webhook_host(url: str, allow_http: bool) -> str:
    """The host of a usable webhook address; a UsageError (without the address) otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (a bad port raises here)
    except ValueError:
        raise UsageError("--post: the webhook address is not a URL") from None
    if parts.scheme != "https" and not (allow_http and parts.scheme == "http"):
        raise UsageError("--post: the webhook address must start with https://")
    if not host:
        raise UsageError("--post: the webhook address has no host")
    return host


def post(url: str, body: bytes, content_type: str, allow_http: bool = False,
         timeout: float = POST_TIMEOUT) -> int:
    """POST `body` to the webhook; its status code, or PostError naming only the host."""
    host = webhook_host(url, allow_http)
    opener = urllib.request.build_opener(_NoRedirects())
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": content_type, "User-Agent": "playbook-digest"})
    try:
        with opener.open(req, timeout=timeout) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        raise PostError(f"the webhook at {host} refused the digest (HTTP {exc.code})") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        kind = "timed out" if "timed out" in str(reason) else type(reason).__name__
        raise PostError(f"could not reach the webhook at {host} ({kind})") from None
    if not 200 <= status < 300:
        raise PostError(f"the webhook at {host} refused the digest (HTTP {status})")
    return status
