"""Sharing one register between towns: who has it open (presence, the one-writer lease), what was
deleted (tombstones, so that a merge carries deletions), and the row states two copies last agreed
on (merge base, so that a merge tells "changed here" from "changed there")."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.model.base import Base, utcnow


class Tombstone(Base):
    """One deleted row of any table, written by a trigger on each table (cascaded deletions too)."""

    __tablename__ = "tombstone"

    row_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)  # the row's version when it was deleted
    deleted_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)


class MergeBase(Base):
    """The state (version, updated_at) of a row that this file and a merged copy held alike after
    the last merge: a side whose row differs from it changed the row since."""

    __tablename__ = "merge_base"

    row_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime())


class Presence(Base):
    """A window (or command) that has the file open: refreshed by a heartbeat, stale after a few
    missed beats. ``writer`` marks the holder of the one-writer lease (synced folders, USB sticks)."""

    __tablename__ = "presence"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(120))
    workstation: Mapped[str] = mapped_column(String(120))
    pid: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    writer: Mapped[bool] = mapped_column(default=False)
