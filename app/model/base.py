"""Declarative base: UUID keys, timestamps and an optimistic-concurrency version on every table."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, Integer, MetaData, Numeric, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Named constraints: Alembic batch mode cannot drop unnamed SQLite constraints.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2, asdecimal=True)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def enum_column(enum_cls: type[enum.Enum], **kw: Any) -> Any:
    """Enum stored as its value (stable code), checked by a named CHECK constraint."""
    return mapped_column(
        Enum(
            enum_cls,
            values_callable=lambda e: [m.value for m in e],
            native_enum=False,
            create_constraint=True,
            length=32,
            name=f"{enum_cls.__name__.lower()}",
            validate_strings=True,
        ),
        **kw,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        Decimal: Money,
        dict[str, Any]: JSON,
        list[Any]: JSON,
        list[str]: JSON,
        list[int]: JSON,
        uuid.UUID: Uuid(as_uuid=True),
        dt.datetime: DateTime(),
    }


class Entity(Base):
    """Every table: UUID primary key (stable across files so towns' files can merge),
    ``created_at``/``updated_at`` in UTC and a ``version`` counter for optimistic concurrency."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}
