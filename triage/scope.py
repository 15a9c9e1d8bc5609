"""Access by territory: which municipalities (or which agency's reports) a caller may see.

A console user scoped to municipalities sees and acts only on their posts, incidents and
reports; a user with no municipality is regional and sees everything. An HTTP API token
belongs to one agency and sees only that agency's reports. Every query and action of triage
that takes a `scope` enforces it in the database query or refuses with `OutOfScope`.
"""

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlmodel import Session

from models.geo import Municipality
from models.user import User, UserMunicipality
from triage.audit import record_event
from triage.errors import TriageError


class OutOfScope(TriageError):
    def __init__(self, entity_type: str, entity_id: int) -> None:
        super().__init__(f"{entity_type} {entity_id} is outside your territory")
        self.entity_type = entity_type
        self.entity_id = entity_id


class RegionWideOnly(TriageError):
    """A region-wide setting (sources, the model, the rubricator) asked to change by a user
    scoped to municipalities: it would change what every territory gets."""

    def __init__(self, setting: str) -> None:
        super().__init__(f"{setting}: a region-wide setting, changed by regional users only")
        self.setting = setting


@dataclass(frozen=True)
class Scope:
    """`municipality_ids` None: the whole region. `agency_id`: only that agency's reports."""

    municipality_ids: frozenset[int] | None = None
    agency_id: int | None = None

    @property
    def is_regional(self) -> bool:
        return self.municipality_ids is None and self.agency_id is None

    def covers_municipality(self, municipality_id: int | None) -> bool:
        """An item with no municipality yet belongs to the regional staff only."""
        if self.municipality_ids is None:
            return True
        return municipality_id is not None and municipality_id in self.municipality_ids

    def covers_report(self, *, municipality_id: int | None, agency_id: int | None) -> bool:
        if self.agency_id is not None and agency_id != self.agency_id:
            return False
        return self.covers_municipality(municipality_id)


EVERYWHERE = Scope()


def agency_scope(agency_id: int) -> Scope:
    return Scope(agency_id=agency_id)


def user_municipality_ids(session: Session, *, user_id: int) -> list[int]:
    statement = (
        select(UserMunicipality.municipality_id)
        .where(UserMunicipality.user_id == user_id)
        .order_by(UserMunicipality.municipality_id)
    )
    return list(session.execute(statement).scalars())


def user_scope(session: Session, *, user_id: int) -> Scope:
    """The scope of a console user: their municipalities, or the whole region if none."""
    ids = user_municipality_ids(session, user_id=user_id)
    return Scope(municipality_ids=frozenset(ids)) if ids else EVERYWHERE


def set_user_municipalities(
    session: Session, *, user: User, municipality_ids: list[int], actor: str
) -> list[int]:
    """Scope `user` to exactly these municipalities (none: regional); audited. Caller commits."""
    wanted = sorted(set(municipality_ids))
    known = set(
        session.execute(select(Municipality.id).where(Municipality.id.in_(wanted))).scalars()  # type: ignore[union-attr]
    )
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise TriageError(f"no municipality with id {', '.join(map(str, unknown))}")
    before = user_municipality_ids(session, user_id=user.id or 0)
    if before == wanted:
        return wanted
    session.execute(delete(UserMunicipality).where(UserMunicipality.user_id == user.id))  # type: ignore[arg-type]
    for municipality_id in wanted:
        session.add(UserMunicipality(user_id=user.id or 0, municipality_id=municipality_id))
    record_event(
        session,
        actor=actor,
        user_id=None,
        entity_type="user",
        entity_id=user.id or 0,
        action="set_scope",
        before={"municipality_ids": before},
        after={"municipality_ids": wanted},
    )
    session.flush()
    return wanted


def municipality_ids_by_name(session: Session, *, names: list[str]) -> list[int]:
    """Municipality ids for names or ids as typed on the command line; unknown ones refused."""
    ids: list[int] = []
    for name in names:
        value = name.strip()
        if value.isdigit():
            row = session.get(Municipality, int(value))
        else:
            statement = select(Municipality).where(Municipality.name == value)
            row = session.execute(statement.limit(1)).scalars().first()
        if row is None:
            raise TriageError(f"no municipality {value!r}")
        ids.append(row.id or 0)
    return ids


def require_report_scope(
    scope: Scope, *, report_id: int, municipality_id: int | None, agency_id: int | None
) -> None:
    if not scope.covers_report(municipality_id=municipality_id, agency_id=agency_id):
        raise OutOfScope("report", report_id)


def require_municipality_scope(
    scope: Scope, *, entity_type: str, entity_id: int, municipality_id: int | None
) -> None:
    if scope.agency_id is not None or not scope.covers_municipality(municipality_id):
        raise OutOfScope(entity_type, entity_id)


def require_regional(scope: Scope, *, setting: str) -> None:
    """Refuse a change of a region-wide `setting` to anyone whose scope is not the region."""
    if not scope.is_regional:
        raise RegionWideOnly(setting)
