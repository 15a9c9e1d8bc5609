"""Agencies' HTTP API tokens: issued once in clear, stored as a digest, revoked at once."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from models.agency import Agency
from models.api_token import ApiToken
from models.clock import now
from triage.audit import record_event
from triage.errors import NotFound, TriageError

PREFIX_CHARS = 8


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    record: ApiToken


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, *, agency_id: int, actor: str, label: str | None = None
) -> IssuedToken:
    """A new random token for an active agency; only its digest is kept. Audited; caller commits."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("agency", agency_id)
    if not agency.active:
        raise TriageError(f"agency {agency_id} is not active")
    token = "otk_" + secrets.token_urlsafe(32)
    record = ApiToken(
        agency_id=agency_id,
        token_hash=digest(token),
        prefix=token[: PREFIX_CHARS + 4],
        label=label,
        created_by=actor,
    )
    session.add(record)
    session.flush()
    _audit(session, record=record, actor=actor, action="issue")
    return IssuedToken(token=token, record=record)


def revoke_token(session: Session, *, token_id: int, actor: str) -> ApiToken:
    """Refuse the token from the next request on. Audited; caller commits."""
    record = session.get(ApiToken, token_id)
    if record is None:
        raise NotFound("apitoken", token_id)
    if record.revoked_at is None:
        record.revoked_at = now()
        session.add(record)
        _audit(session, record=record, actor=actor, action="revoke")
    return record


def token_agency(session: Session, *, token: str) -> int | None:
    """The agency a live token belongs to; None for an unknown or revoked token."""
    statement = (
        select(ApiToken.agency_id)
        .join(Agency, Agency.id == ApiToken.agency_id)
        .where(ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None))  # type: ignore[union-attr]
        .where(Agency.active.is_(True))  # type: ignore[attr-defined]
    )
    return session.execute(statement).scalar_one_or_none()


def list_tokens(session: Session, *, agency_id: int | None = None) -> list[ApiToken]:
    statement = select(ApiToken).order_by(ApiToken.id)
    if agency_id is not None:
        statement = statement.where(ApiToken.agency_id == agency_id)
    return list(session.execute(statement).scalars())


def _audit(session: Session, *, record: ApiToken, actor: str, action: str) -> None:
    record_event(
        session,
        actor=actor,
        user_id=None,
        entity_type="apitoken",
        entity_id=record.id or 0,
        action=action,
        before=None,
        after={"agency_id": record.agency_id, "prefix": record.prefix, "label": record.label},
    )
