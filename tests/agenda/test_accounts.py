"""Accounts: invitations by e-mail that expire and work once, argon2 hashes, sessions that expire and
cannot be forged, API tokens stored hashed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Engine, select
from tests.agenda.builders import NOW, PASSWORD, REX, add_cinema

from lanterne.agenda.accounts import (
    LOCK_MINUTES,
    MAX_FAILED_SIGN_INS,
    SIGN_INS_PER_MINUTE,
    accept_invitation,
    authenticate,
    bearer_viewer,
    invite,
    issue_api_token,
    session_cookie,
    session_viewer,
    throttle_address,
)
from lanterne.agenda.models import Account
from lanterne.errors import Conflict, Forbidden, InvalidValue, NotFound, TooManyRequests
from lanterne.publish.ratelimit import DatabaseCounters
from lanterne.settings import Settings


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_invitation_sets_a_hashed_password_once(engine: Engine, settings: Settings, smtp_server) -> None:
    add_cinema(engine, REX, "75", "http://127.0.0.1:9", "rex")
    link = invite(engine, settings, "Rex@Example.fr", "contributor", [REX], NOW)
    assert link in smtp_server.messages[0].get_content()
    assert smtp_server.messages[0]["To"] == "rex@example.fr"
    account_id = accept_invitation(engine, settings, token_of(link), PASSWORD, NOW)
    with engine.connect() as connection:
        stored = connection.scalar(select(Account.password_hash).where(Account.id == account_id))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(engine, "rex@example.fr", PASSWORD, NOW) == account_id
    with pytest.raises(InvalidValue, match="déjà utilisée"):
        accept_invitation(engine, settings, token_of(link), PASSWORD, NOW)
    with pytest.raises(Forbidden):
        authenticate(engine, "rex@example.fr", "pas le bon mot de passe", NOW)
    with pytest.raises(Conflict):
        invite(engine, settings, "rex@example.fr", "contributor", [REX], NOW)


def test_bad_invitations_are_refused(engine: Engine, settings: Settings, smtp_server) -> None:
    with pytest.raises(InvalidValue, match="cinéma"):
        invite(engine, settings, "a@example.fr", "contributor", [], NOW)
    with pytest.raises(NotFound):
        invite(engine, settings, "a@example.fr", "contributor", [999], NOW)
    with pytest.raises(InvalidValue):
        invite(engine, settings, "a@example.fr", "owner", [], NOW)
    forged = URLSafeTimedSerializer("another key", salt="lanterne-agenda-invitation").dumps(
        {"a": 1, "e": "x"}
    )
    with pytest.raises(InvalidValue, match="invalide"):
        accept_invitation(engine, settings, forged, PASSWORD, NOW)
    assert smtp_server.messages == []


def test_expired_invitation(engine: Engine, settings: Settings, smtp_server, monkeypatch) -> None:
    link = invite(engine, settings, "union@example.fr", "admin", [], NOW)
    monkeypatch.setattr("time.time", lambda: 10_000_000_000.0)  # itsdangerous reads the clock here
    with pytest.raises(InvalidValue, match="expirée"):
        accept_invitation(engine, settings, token_of(link), PASSWORD, NOW)


def test_sessions_and_api_tokens(engine: Engine, settings: Settings, smtp_server) -> None:
    link = invite(engine, settings, "union@example.fr", "admin", [], NOW)
    account_id = accept_invitation(engine, settings, token_of(link), PASSWORD, NOW)
    cookie = session_cookie(settings, account_id)
    assert session_viewer(engine, settings, cookie).is_admin
    assert session_viewer(engine, settings, cookie[:-2] + "xx") is None
    assert session_viewer(engine, Settings(secret_key="autre"), cookie) is None
    token = issue_api_token(engine, account_id)
    assert bearer_viewer(engine, f"Bearer {token}").account_id == account_id
    with engine.connect() as connection:
        assert token not in str(connection.scalar(select(Account.api_token_hash)))
    issue_api_token(engine, account_id)
    assert bearer_viewer(engine, f"Bearer {token}") is None  # the new token replaced it


def test_repeated_wrong_passwords_lock_the_account_for_a_while(
    engine: Engine, settings: Settings, smtp_server
) -> None:
    add_cinema(engine, REX, "75", "http://127.0.0.1:9", "rex")
    link = invite(engine, settings, "rex@example.fr", "contributor", [REX], NOW)
    account_id = accept_invitation(engine, settings, token_of(link), PASSWORD, NOW)
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        with pytest.raises(Forbidden):
            authenticate(engine, "rex@example.fr", "faux", NOW)
    # A success before the limit forgives the earlier mistakes.
    assert authenticate(engine, "rex@example.fr", PASSWORD, NOW) == account_id
    for _ in range(MAX_FAILED_SIGN_INS):
        with pytest.raises(Forbidden):
            authenticate(engine, "rex@example.fr", "faux", NOW)
    # Locked: even the right password is refused, with the wait, until the lock ends.
    with pytest.raises(TooManyRequests, match=f"{LOCK_MINUTES} min"):
        authenticate(engine, "rex@example.fr", PASSWORD, NOW + timedelta(seconds=1))
    later = NOW + timedelta(minutes=LOCK_MINUTES, seconds=1)
    assert authenticate(engine, "rex@example.fr", PASSWORD, later) == account_id
    # An unknown address is refused with the same words as a wrong password.
    with pytest.raises(Forbidden, match="adresse ou mot de passe incorrect"):
        authenticate(engine, "nobody@example.fr", PASSWORD, later)


def test_sign_in_attempts_from_one_address_are_bounded(engine: Engine) -> None:
    store = DatabaseCounters(engine)
    for _ in range(SIGN_INS_PER_MINUTE):
        throttle_address(store, "203.0.113.9", NOW)
    with pytest.raises(TooManyRequests, match="cette adresse"):
        throttle_address(store, "203.0.113.9", NOW)
    throttle_address(store, "198.51.100.1", NOW)  # another address is not held back
    throttle_address(store, "203.0.113.9", NOW + timedelta(minutes=1))  # nor the next minute
