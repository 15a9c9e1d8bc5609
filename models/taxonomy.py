"""The rubricator: categories ("группы тем") and their topics, editable by operators."""

from sqlmodel import Field, SQLModel


class Category(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=300)
    position: int = 0
    active: bool = True


class Topic(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=64)
    category_code: str = Field(foreign_key="category.code", index=True, max_length=64)
    name: str = Field(max_length=500)
    sla_hours: int = 40  # working hours, or calendar hours when `urgent`
    urgent: bool = False
    agency_type: str = Field(default="municipal_administration", max_length=64)
    position: int = 0
    active: bool = True
