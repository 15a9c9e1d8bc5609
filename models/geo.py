"""The gazetteer: municipalities of a region and the settlements inside them."""

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import JSONType


class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    region_code: str = Field(max_length=8, index=True)  # ОКТМО region prefix: "57" Пермский край
    oktmo: str | None = Field(default=None, max_length=16, unique=True)
    name: str = Field(max_length=300)  # "Краснокамский городской округ"
    kind: str = Field(default="municipal_district", max_length=64)
    center: str | None = Field(default=None, max_length=200)  # "Краснокамск"
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    # Extra spellings: "Краснокамский ГО", old names, transliterations.
    variants: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))


class Settlement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(default="город", max_length=32)
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    variants: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))


class Street(SQLModel, table=True):
    """A street of a municipality, from a street list (`otklik geo import --streets`)."""

    __table_args__ = (
        UniqueConstraint("municipality_id", "key", name="uq_street_municipality_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=200)  # «улица Коммунистическая»
    key: str = Field(max_length=200, index=True)  # lemmas of the name: «коммунистический»
