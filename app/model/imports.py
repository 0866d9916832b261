"""Import batches: what each import created and what it changed, so that it can be undone."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.model.base import Entity


class ImportBatch(Entity):
    __tablename__ = "import_batch"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # contracts, orders, suppliers, decp
    file_name: Mapped[str] = mapped_column(String(260))
    user_name: Mapped[str] = mapped_column(String(120), default="")
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    # {"created": {table: [id hex...]}, "updated": {table: [row as stored before, JSON-safe]}}
    undo: Mapped[dict[str, Any]] = mapped_column(default=dict)
    undone_at: Mapped[dt.datetime | None]

    __table_args__ = (Index("ix_import_batch_org", "organisation_id", "created_at"),)
