"""Test set-up: Qt offscreen (set before Qt loads, or a run without display aborts), user folders
in a temporary directory, and database fixtures."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ACHATS_DURABLES_HOME"] = tempfile.mkdtemp(prefix="achats-durables-tests-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "sample_db" / "demo.sqlite"


@pytest.fixture
def new_db(tmp_path):
    """An empty database file at the current schema with one organisation ("Commune de Test")."""
    from app.services.organisations import create_organisation
    from app.storage import create_database

    db = create_database(tmp_path / "test.sqlite")
    db.organisation_id = create_organisation(db, "Commune de Test", siret="21250056200013", population=1500)
    yield db
    db.dispose()


@pytest.fixture
def demo_db(tmp_path):
    """A private copy of the committed demo database, opened."""
    from app.storage import open_database

    target = tmp_path / "demo.sqlite"
    shutil.copyfile(DEMO, target)
    db = open_database(target)
    yield db
    db.dispose()


@pytest.fixture
def demo_org(demo_db):
    """The id of the larger demo town (Commune de Val-des-Saules)."""
    from app.services.organisations import find_organisation

    return find_organisation(demo_db, "Commune de Val-des-Saules").id
