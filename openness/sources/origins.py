"""Where a credential may go: the origin of a URL, loopback hosts, and URLs with their
user and password taken out before they are shown or name a folder.

The Hub source and the GitHub source share these rules: a token goes only to the origin
it was configured for (scheme, host and port), and over plain http only to a loopback
address, where nobody else can read it on the way.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

Origin = tuple[str, str, int]

# `scheme://user:password@` in any text: the scan after `//` stops at the first `/`, `@`
# or space, so it stays linear however the text repeats `//`.
_USERINFO = re.compile(r"(?<=//)[^/@\s]*@")


def origin(url: str) -> Origin | None:
    """(scheme, host, port) of an http(s) URL, default ports filled in; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def safe_for_token(url: str) -> bool:
    """True when a token may travel to `url`: https, or plain http to a loopback address."""
    found = origin(url)
    return found is not None and (found[0] == "https" or is_loopback(found[1]))


def without_credentials(text: str) -> str:
    """`text` with the `user:password@` of every URL in it replaced by `***@`."""
    return _USERINFO.sub("***@", text)
