"""Import a region's gazetteer from an ОКТМО list and a city list (../shared/data formats).

ОКТМО: a JSON object mapping "code(check digit)" to a name, e.g.
`"57604000(2)": "Бардымский муниципальный район"`. Cities: a CSV with `city`, `oktmo`,
`geo_lat`, `geo_lon` and `population` columns (the hflabs/city layout). Streets: a CSV
with `municipality` and `street` columns (`import_streets`). Settlements: a CSV with
`municipality`, `settlement` and optional `kind` columns (`import_settlements`): the villages
ОКТМО does not list, from a fuller register a deployment has (ФИАС/ГАР, a regional list).
"""

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from models.geo import Municipality, Settlement, Street
from nlp.address import AddressParser
from nlp.reference import GazetteerEntry
from nlp.seed import store_gazetteer

_CODE = re.compile(r"^(\d{8})(?:\(\d\))?$")
_STREET_TYPE = re.compile(
    r"(?<![\w-])(?:улица|ул\.?|проспект|пр-т|переулок|пер\.|бульвар|б-р|шоссе|набережная|"
    r"площадь|тракт|проезд)(?![\w-])",
    re.I,
)
_HEADER_PREFIXES = (
    "Муниципальные",
    "Городские округа",
    "Внутригородские",
    "Сельские",
    "Городские поселения",
)


class GazetteerImportError(ValueError):
    """An input file is not in the expected format."""


@dataclass
class ImportSummary:
    municipalities: int
    settlements: int
    already_known: int


def read_oktmo(path: Path, region_code: str) -> list[Municipality]:
    """Top-level municipal formations (districts, okrugs) of one region."""
    out = []
    for code, name in _oktmo_items(path, region_code):
        if code[5:] == "000" and not code[2:5].endswith("00") and _is_formation(name):
            out.append(adapt_oktmo(code, name, region_code))
    return out


def _is_formation(name: str) -> bool:
    return not name.startswith(_HEADER_PREFIXES)


_SETTLEMENT_TYPES = ("рабочий поселок ", "поселок ", "посёлок ", "город ", "село ", "деревня ")


def read_oktmo_settlements(path: Path, region_code: str) -> dict[str, list[Settlement]]:
    """Every поселение of the region's ОКТМО list, by its formation's 5-digit code prefix:
    «поселок Глушково» -> Глушково (посёлок); «Беличанский сельсовет» and «Тюндюковское»
    (a сельское поселение) -> adjective names matched with their type word."""
    out: dict[str, list[Settlement]] = {}
    for code, name in _oktmo_items(path, region_code):
        if code[5:] == "000" or code[5:] in {"100", "400"} or not _is_formation(name):
            continue
        if name.startswith("Межселен"):
            continue
        settlement = adapt_oktmo_settlement(name)
        if settlement is not None:
            out.setdefault(code[:5], []).append(settlement)
    return out


def adapt_oktmo_settlement(name: str) -> Settlement | None:
    for prefix in _SETTLEMENT_TYPES:
        if name.startswith(prefix):
            return Settlement(municipality_id=0, name=name.removeprefix(prefix),
                              kind=prefix.split()[-1].replace("поселок", "посёлок"))  # fmt: skip
    parts = name.split()
    if parts[-1] in {"сельсовет", "поссовет"} and len(parts) == 2:
        return Settlement(municipality_id=0, name=parts[0], kind="сельсовет")
    if len(parts) == 1 and name[-2:] in {"ое", "ий"}:
        return Settlement(municipality_id=0, name=name, kind="поселение")
    return None


def _oktmo_items(path: Path, region_code: str) -> list[tuple[str, str]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise GazetteerImportError(f"cannot read ОКТМО file {path}: {error}") from error
    if not isinstance(document, dict):
        raise GazetteerImportError(f"{path} must map ОКТМО codes to names")
    items = []
    for key, name in document.items():
        match = _CODE.match(str(key).strip())
        if match and match.group(1).startswith(region_code):
            items.append((match.group(1), " ".join(str(name).split())))
    return items


def adapt_oktmo(code: str, name: str, region_code: str) -> Municipality:
    kind = "city_okrug" if code[2] == "7" else "municipal_district"
    center = None
    variants: list[str] = []
    if name.startswith("город "):
        center = name.removeprefix("город ")
        variants.append(center)
        name = f"{name} (городской округ)"
    elif len(name.split()) == 1 and name[-2:] in {"ий", "ой", "ый"}:
        name = f"{name} городской округ"
    return Municipality(region_code=region_code, oktmo=code, name=name, kind=kind, center=center,
                        variants=variants)  # fmt: skip


def read_cities(path: Path, region_code: str) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise GazetteerImportError(f"cannot read city file {path}: {error}") from error
    if rows and not {"city", "oktmo"} <= set(rows[0]):
        raise GazetteerImportError(f"{path} lacks the `city` and `oktmo` columns")
    return [row for row in rows if (row.get("oktmo") or "").startswith(region_code) and row["city"]]


def import_region(
    session: Session, *, oktmo_path: Path, cities_path: Path, region_code: str
) -> ImportSummary:
    """Add the region's municipalities and their cities; known ОКТМО codes are left alone."""
    formations = read_oktmo(oktmo_path, region_code)
    if not formations:
        raise GazetteerImportError(
            f"no municipal formations of region {region_code} in {oktmo_path}"
        )
    known = set(
        session.exec(select(Municipality.oktmo).where(Municipality.region_code == region_code))
    )
    new = [m for m in formations if m.oktmo not in known]
    by_prefix = {m.oktmo[:5]: m for m in formations if m.oktmo}
    entries = {m.oktmo: GazetteerEntry(municipality=m) for m in new}
    settlements = 0
    for prefix, found in read_oktmo_settlements(oktmo_path, region_code).items():
        owner = by_prefix.get(prefix)
        if owner is not None and owner.oktmo in entries:
            entries[owner.oktmo].settlements.extend(found)
            settlements += len(found)
    for row in read_cities(cities_path, region_code):
        owner = by_prefix.get(row["oktmo"][:5])
        if owner is None or owner.oktmo not in entries:
            continue
        city = adapt_city(row)
        entries[owner.oktmo].settlements.append(city)
        # a municipality's population: the residents of its towns (villages are not listed)
        owner.population = (owner.population or 0) + (city.population or 0) or None
        owner.center = owner.center or row["city"]
        owner.latitude = owner.latitude or _float(row.get("geo_lat"))
        owner.longitude = owner.longitude or _float(row.get("geo_lon"))
        settlements += 1
    store_gazetteer(session, entries=list(entries.values()))
    session.commit()
    return ImportSummary(len(new), settlements, len(formations) - len(new))


def adapt_city(row: dict[str, str]) -> Settlement:
    population = row.get("population") or ""
    return Settlement(
        municipality_id=0, name=row["city"], kind="город",
        latitude=_float(row.get("geo_lat")), longitude=_float(row.get("geo_lon")),
        population=int(population) if population.isdigit() else None,
    )  # fmt: skip


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def import_streets(session: Session, *, path: Path, region_code: str, parser: AddressParser) -> int:
    """Add a street list: a CSV with `municipality` (the gazetteer's name or ОКТМО code) and
    `street` («улица Коммунистическая»). Unknown municipalities are an error, listed."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise GazetteerImportError(f"cannot read street file {path}: {error}") from error
    if rows and not {"municipality", "street"} <= set(rows[0]):
        raise GazetteerImportError(f"{path} lacks the `municipality` and `street` columns")
    known = session.exec(select(Municipality).where(Municipality.region_code == region_code))
    ids = {key: m.id for m in known for key in (m.name, m.oktmo) if key}
    unknown = sorted({row["municipality"] for row in rows if row["municipality"] not in ids})
    if unknown:
        raise GazetteerImportError(f"unknown municipalities in {path}: {', '.join(unknown[:5])}")
    stored = {(s.municipality_id, s.key) for s in session.exec(select(Street))}
    added = 0
    for row in rows:
        key = parser.street_key(_STREET_TYPE.sub("", row["street"]).strip())
        mid = ids[row["municipality"]] or 0
        if key and (mid, key) not in stored:
            session.add(Street(municipality_id=mid, name=row["street"].strip()[:200], key=key))
            stored.add((mid, key))
            added += 1
    session.commit()
    return added


@dataclass(frozen=True)
class SettlementSummary:
    added: int
    already_known: int
    skipped: int  # rows with no settlement name, or a kind the gazetteer keeps for поселения


# Kinds a settlement list may not use: the gazetteer reads these as поселения' adjectives.
_COUNCIL_KINDS = frozenset({"сельсовет", "поселение"})


def import_settlements(session: Session, *, path: Path, region_code: str) -> SettlementSummary:
    """Add villages from a CSV: `municipality` (the gazetteer's name or ОКТМО code),
    `settlement` («Кашара», «1-е Уколово») and an optional `kind` («деревня», «село»;
    «населённый пункт» when empty). The whole file is refused when a municipality is unknown
    (listed); rows with no name are skipped and counted; re-imports add only new names."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GazetteerImportError(f"cannot read settlement file {path}: {error}") from error
    if rows and not {"municipality", "settlement"} <= set(rows[0]):
        raise GazetteerImportError(f"{path} lacks the `municipality` and `settlement` columns")
    known = session.exec(select(Municipality).where(Municipality.region_code == region_code))
    ids = {key: m.id or 0 for m in known for key in (m.name, m.oktmo) if key}
    names = {(row.get("municipality") or "").strip() for row in rows}
    unknown = sorted(name for name in names if name not in ids)
    if unknown:
        raise GazetteerImportError(f"unknown municipalities in {path}: {', '.join(unknown[:5])}")
    region_ids = set(ids.values())
    stored = {
        (s.municipality_id, s.name.lower())
        for s in session.exec(select(Settlement))
        if s.municipality_id in region_ids
    }
    added = already = skipped = 0
    for row in rows:
        name = " ".join((row.get("settlement") or "").split())[:200]
        kind = (row.get("kind") or "").strip().lower()[:32] or "населённый пункт"
        mid = ids[(row.get("municipality") or "").strip()]
        if not name or kind in _COUNCIL_KINDS:
            skipped += 1
        elif (mid, name.lower()) in stored:
            already += 1
        else:
            session.add(Settlement(municipality_id=mid, name=name, kind=kind))
            stored.add((mid, name.lower()))
            added += 1
    session.commit()
    return SettlementSummary(added, already, skipped)


def load_populations(session: Session, *, path: Path) -> int:
    """Set the population of each municipality named in an authored gazetteer file
    (`otklik-gazetteer/1`, e.g. data/gazetteer/perm_krai.json); return how many changed.
    Municipalities of the file's region that the database does not have are skipped."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        region_code = str(document["region_code"])
        figures = {
            str(item["name"]): int(item["population"])
            for item in document["municipalities"]
            if item.get("population") is not None
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GazetteerImportError(f"cannot read populations from {path}: {error}") from error
    changed = 0
    rows = session.exec(select(Municipality).where(Municipality.region_code == region_code))
    for municipality in rows:
        population = figures.get(municipality.name)
        if population is not None and population != municipality.population:
            municipality.population = population
            session.add(municipality)
            changed += 1
    session.commit()
    return changed
