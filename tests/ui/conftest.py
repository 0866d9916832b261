"""UI tests run database ops inline (Picard's fake thread pool): a click's effect is there when the
click returns. A test about the worker thread itself asks for ``threaded_ops``."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def inline_ops():
    from app.ui import ops

    old = ops.use_executor(ops.InlineExecutor())
    yield
    ops.use_executor(old)


@pytest.fixture
def threaded_ops(inline_ops):
    """The real database worker (one thread), drained after the test."""
    from app.ui import ops

    worker = ops.DatabaseWorker()
    ops.use_executor(worker)
    yield worker
    worker.wait(30_000)
