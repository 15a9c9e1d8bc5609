"""Console users: argon2id password hashes, roles, and what each role may do.

Administering them (role, active flag, territory) is audited, and never leaves the console
without an active administrator: the last one can be neither demoted nor deactivated.
"""

from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from models.clock import now
from models.user import Role, User
from triage.audit import record_event
from triage.errors import TriageError
from triage.scope import set_user_municipalities

MIN_PASSWORD_LENGTH = 8
_HASHER = PasswordHasher()  # argon2id with the library's maintained parameters
# Verified when the username is unknown, so a wrong name costs as much time as a wrong password.
_DUMMY_HASH = _HASHER.hash("not-a-password-of-anyone")


class AccountError(TriageError, ValueError):
    """A user cannot be created or changed as asked (the message says why)."""


class LastAdmin(AccountError):
    """The change would leave no active administrator."""

    def __init__(self, username: str) -> None:
        super().__init__(f"{username!r} is the last active admin: add another admin first")


class Right(StrEnum):
    """What a console user may see or do; `RIGHTS` grants them per role."""

    VIEW_QUEUE = "view_queue"
    REVIEW_POSTS = "review_posts"  # confirm, correct, not-a-signal, attach to an incident
    VIEW_INCIDENTS = "view_incidents"
    EDIT_INCIDENTS = "edit_incidents"  # merge, split, create a report
    VIEW_REPORTS = "view_reports"
    HANDLE_REPORTS = "handle_reports"  # change status, write the answer
    VIEW_ANALYTICS = "view_analytics"
    VIEW_SOURCES = "view_sources"
    MANAGE_SOURCES = "manage_sources"  # add, disable, run now
    MANAGE_MODEL = "manage_model"  # the Модель page: retrain, promote, rollback
    MANAGE_TAXONOMY = "manage_taxonomy"  # the Рубрикатор page: edit categories and topics
    ENTER_SIGNALS = "enter_signals"  # «Новый сигнал»: a phone call, an ЕДДС message, a visit
    MANAGE_USERS = "manage_users"  # «Пользователи»: add, role, deactivate, territory


RIGHTS: dict[Role, frozenset[Right]] = {
    # ЦУР operators track reports with agencies and look after the sources.
    Role.OPERATOR: frozenset(
        {
            Right.VIEW_INCIDENTS,
            Right.VIEW_REPORTS,
            Right.HANDLE_REPORTS,
            Right.VIEW_ANALYTICS,
            Right.VIEW_SOURCES,
            Right.MANAGE_SOURCES,
            Right.ENTER_SIGNALS,
        }
    ),
    # Moderators clear the review queue and turn incidents into reports.
    Role.MODERATOR: frozenset(
        {
            Right.VIEW_QUEUE,
            Right.REVIEW_POSTS,
            Right.VIEW_INCIDENTS,
            Right.EDIT_INCIDENTS,
            Right.VIEW_REPORTS,
            Right.VIEW_ANALYTICS,
            Right.ENTER_SIGNALS,
        }
    ),
    Role.ADMIN: frozenset(Right),
}


def has_right(role: str, right: Right) -> bool:
    """Whether `role` grants `right`; an unknown role grants nothing."""
    try:
        return right in RIGHTS[Role(role)]
    except ValueError:
        return False


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def get_user(session: Session, *, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    actor: str = "system",
    municipality_ids: list[int] | None = None,
) -> User:
    """Add an active user with an argon2id hash of `password`; audited, commits.

    `municipality_ids` scopes the user to those territories (none: regional, sees all).
    """
    username = username.strip()
    if not username:
        raise AccountError("the username is empty")
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r}: one of {', '.join(Role)}")
    if get_user(session, username=username) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    _audit(session, actor=actor, user=user, action="create", before=None)
    if municipality_ids:
        try:
            set_territory(session, user_id=user.id or 0, municipality_ids=municipality_ids,
                          actor=actor)  # fmt: skip
        except AccountError:
            session.rollback()
            raise
    session.commit()
    session.refresh(user)
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with these credentials (last login stamped), or None."""
    user = get_user(session, username=username.strip())
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    user.last_login_at = now()
    session.add(user)
    _audit(session, actor=user.username, user=user, action="login", before=None)
    session.commit()
    session.refresh(user)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def active_user(session: Session, *, user_id: int) -> User | None:
    """The user behind a console session, if it still exists and is active."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def deactivate_user(session: Session, *, username: str, actor: str = "system") -> User:
    """Switch a user off (kept for the audit trail, never deleted); audited, commits."""
    user = get_user(session, username=username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    set_active(session, user_id=user.id or 0, active=False, actor=actor)
    session.commit()
    session.refresh(user)
    return user


def set_active(session: Session, *, user_id: int, active: bool, actor: str) -> User:
    """Deactivate a user (their sessions end at the next click) or reactivate one; audited.
    Refuses to deactivate the last active admin. The caller commits."""
    admins = _lock_admins(session)
    user = _locked_user(session, user_id)
    if user.active == active:
        return user
    if not active:
        _keep_an_admin(user, admins)
    user.active = active
    session.add(user)
    action = "reactivate" if active else "deactivate"
    _audit(session, actor=actor, user=user, action=action, before={"active": not active})
    session.flush()
    return user


def change_role(session: Session, *, user_id: int, role: str, actor: str) -> User:
    """Give a user another role; audited. Refuses to demote the last active admin.
    The caller commits."""
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r}: one of {', '.join(Role)}")
    admins = _lock_admins(session)
    user = _locked_user(session, user_id)
    if user.role == role:
        return user
    if role != Role.ADMIN:
        _keep_an_admin(user, admins)
    before = {"role": user.role}
    user.role = role
    session.add(user)
    _audit(session, actor=actor, user=user, action="change_role", before=before)
    session.flush()
    return user


def _locked_user(session: Session, user_id: int) -> User:
    user = session.exec(select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        raise AccountError(f"no user with id {user_id}")
    return user


def _lock_admins(session: Session) -> set[int]:
    """The active admins' ids, their rows locked in id order before any other user's
    (PostgreSQL): two admins demoting each other at once are serialised, not deadlocked,
    and the second sees the first's change. SQLite lets one writer at a time anyway."""
    statement = (
        select(User.id)
        .where(User.role == Role.ADMIN, col(User.active).is_(True))
        .order_by(col(User.id))
        .with_for_update()
    )
    return {user_id for user_id in session.exec(statement).all() if user_id is not None}


def _keep_an_admin(user: User, admins: set[int]) -> None:
    """Refuse when `user` is the only active admin."""
    if user.role == Role.ADMIN and user.active and not admins - {user.id}:
        raise LastAdmin(user.username)


def set_territory(
    session: Session, *, user_id: int, municipality_ids: list[int], actor: str
) -> list[int]:
    """Scope a user to exactly these municipalities (none: regional); audited. An unknown
    municipality is refused (`AccountError`). The caller commits."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError(f"no user with id {user_id}")
    try:
        return set_user_municipalities(
            session, user=user, municipality_ids=municipality_ids, actor=actor
        )
    except TriageError as error:
        raise AccountError(str(error)) from error


def set_user_scope(
    session: Session, *, username: str, municipality_ids: list[int], actor: str = "system"
) -> list[int]:
    """`set_territory` by login name, committed (rolled back when refused)."""
    user = get_user(session, username=username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    try:
        scoped = set_territory(
            session, user_id=user.id or 0, municipality_ids=municipality_ids, actor=actor
        )
    except AccountError:
        session.rollback()
        raise
    session.commit()
    return scoped


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.username)))


def _audit(
    session: Session, *, actor: str, user: User, action: str, before: dict[str, object] | None
) -> None:
    record_event(
        session,
        actor=actor,
        user_id=user.id if actor == user.username else None,
        entity_type="user",
        entity_id=user.id or 0,
        action=action,
        before=before,
        after={"username": user.username, "role": user.role, "active": user.active},
    )
