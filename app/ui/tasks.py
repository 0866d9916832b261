"""Kept for the modules that import ``run_op`` from here: background work is the ops layer's
(``app.ui.ops``), which runs it on the one database worker."""

from __future__ import annotations

from app.ui.ops import Cancelled, Progress, run_op

__all__ = ["Cancelled", "Progress", "run_op"]
