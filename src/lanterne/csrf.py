"""Double-submit CSRF tokens for the French pages' forms (agenda's /espace/, the pass's /pass/).

A random token sits in a cookie and in each form's hidden field; a foreign site can make a browser post
the cookie but cannot read it to copy it into the form. SameSite=Lax already stops most cross-site posts;
this also covers sibling sub-domains and older browsers.
"""

from __future__ import annotations

import hmac
import secrets

from lanterne.errors import Forbidden


def new_token() -> str:
    return secrets.token_urlsafe(24)


def check(cookie: str | None, submitted: str | None) -> None:
    """The form's hidden field must equal the cookie a foreign site cannot read."""
    if not cookie or not submitted or not hmac.compare_digest(cookie.encode(), submitted.encode()):
        raise Forbidden("jeton CSRF absent ou incorrect : rechargez la page")
