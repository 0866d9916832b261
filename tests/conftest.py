"""Test set-up: Qt offscreen (set before Qt loads, or a run without display aborts), user folders
in a temporary directory, and database fixtures.

Two back ends: the tests under ``tests/services/`` and those marked ``both_backends`` run once on a
SQLite file and once on a PostgreSQL server, named by ``ACHATS_TEST_PG_URL`` (a base the user may
create databases from: ``postgresql://achats:achats@127.0.0.1:5432/achats_test``) or by the file
``.venv/achats-test-pg-url`` that ``installer/setup-debian.sh test`` writes after starting a local
server. Each PostgreSQL test gets its own database, copied from a template made once per run.
Without a server the PostgreSQL runs are skipped with that reason; under CI (``CI`` set) a missing
server is an error, never a skip.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ACHATS_DURABLES_HOME"] = tempfile.mkdtemp(prefix="achats-durables-tests-")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "sample_db" / "demo.sqlite"
PG_URL_FILE = ROOT / ".venv" / "achats-test-pg-url"
BOTH_BACKEND_DIRS = ("services",)
# Tests of the file itself (its bytes, its folder, a command given its path): SQLite only.
FILE_ONLY = {
    "test_clauses_service.py::test_cli_prints_contract_clauses_and_library",
    "test_imports.py::test_one_invalid_row_rejects_the_file_and_writes_nothing",
    "test_imports.py::test_dry_run_writes_nothing",
    "test_imports.py::test_cancel_during_write_writes_nothing",
    "test_imports.py::test_contracts_then_orders_linked_and_suppliers_matched",
    "test_imports.py::test_cli_import_export",
}
NO_SERVER = (
    "pas de serveur PostgreSQL de test : définissez ACHATS_TEST_PG_URL "
    "(ou lancez installer/setup-debian.sh test)"
)


def pg_url() -> str | None:
    url = os.environ.get("ACHATS_TEST_PG_URL")
    if not url and PG_URL_FILE.exists():
        url = PG_URL_FILE.read_text(encoding="utf-8").strip()
    return url or None


def pytest_configure(config):
    config.addinivalue_line("markers", "both_backends: run on a SQLite file and on a PostgreSQL server")
    config.addinivalue_line("markers", "postgresql: needs the PostgreSQL test server")
    if os.environ.get("CI") and not pg_url() and not config.getoption("collectonly"):
        pytest.exit(
            "CI : aucun serveur PostgreSQL de test (ACHATS_TEST_PG_URL) ; les tests serveur doivent tourner.",
            3,
        )


def _runs_on_both(metafunc) -> bool:
    if metafunc.definition.get_closest_marker("both_backends"):
        return True
    path = Path(str(metafunc.definition.path))
    if f"{path.name}::{metafunc.definition.originalname}" in FILE_ONLY:
        return False
    parts = path.relative_to(ROOT / "tests").parts
    return len(parts) > 1 and parts[0] in BOTH_BACKEND_DIRS


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and _runs_on_both(metafunc):
        server = pytest.param("postgresql", marks=pytest.mark.skipif(not pg_url(), reason=NO_SERVER))
        metafunc.parametrize("backend", ["sqlite", server])


@pytest.fixture
def backend():
    """``sqlite`` unless the test runs on both back ends (parametrised above)."""
    return "sqlite"


class PgServer:
    """Databases on the test server: templates built once per run, one copy per test."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        from app.storage.server import driver_url

        self.base = driver_url(url)
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        self.prefix = f"achats_t{os.getpid()}_"
        self.templates: dict[str, str] = {}
        self._drop_leftovers()

    def _drop_leftovers(self) -> None:
        """Bases left by a run that was killed (its process is gone)."""
        from sqlalchemy import text

        with self.admin.connect() as conn:
            names = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE 'achats\\_t%'")
            ).scalars()
            for name in list(names):
                pid = name[len("achats_t") :].split("_", 1)[0]
                if pid.isdigit() and Path("/proc/self").exists() and not Path(f"/proc/{pid}").exists():
                    conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _sql(self, statement: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(statement))

    def template(self, kind: str, build) -> str:
        if kind not in self.templates:
            name = f"{self.prefix}tpl_{kind}"
            self._sql(f"DROP DATABASE IF EXISTS {name}")
            self._sql(f"CREATE DATABASE {name}")
            build(self.url(name))
            self.templates[kind] = name
        return self.templates[kind]

    def copy(self, kind: str, build) -> str:
        template = self.template(kind, build)
        name = f"{self.prefix}{uuid.uuid4().hex[:12]}"
        self._sql(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY WAL_LOG")
        return name

    def drop(self, name: str) -> None:
        """Drop a test base; one still in use by the server's own workers (autovacuum, which this
        role may not terminate) is left for the next run's clean-up rather than failing the test."""
        import time

        from sqlalchemy.exc import DBAPIError

        for attempt in range(5):
            try:
                self._sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                return
            except DBAPIError:
                time.sleep(0.2 * (attempt + 1))

    def close(self) -> None:
        for name in self.templates.values():
            self.drop(name)
        self.admin.dispose()


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


@pytest.fixture(scope="session")
def pg_server():
    url = pg_url()
    if not url:
        pytest.skip(NO_SERVER)
    server = PgServer(url)
    yield server
    server.close()


def _build_empty(url: str) -> None:
    from app.storage import create_database

    create_database(url).dispose()


def _build_demo(url: str) -> None:
    from app.demo.database import build_demo
    from app.storage import create_database

    db = create_database(url)
    try:
        build_demo(db)
    finally:
        db.dispose()


@pytest.fixture
def pg_database(request):
    """``open(kind)``: a fresh database on the test server ("empty" schema or "demo"), opened; dropped
    after the test."""
    server = request.getfixturevalue("pg_server")
    made = []

    def open_copy(kind: str = "empty"):
        from app.storage import open_database

        name = server.copy(kind, _build_demo if kind == "demo" else _build_empty)
        db = open_database(server.url(name))
        made.append((db, name))
        return db

    yield open_copy
    for db, name in made:
        db.dispose()
        server.drop(name)


@pytest.fixture
def new_db(tmp_path, backend, request):
    """An empty database at the current schema with one organisation ("Commune de Test"): a file, or a
    server database when the test runs on PostgreSQL."""
    from app.services.organisations import create_organisation
    from app.storage import create_database

    if backend == "postgresql":
        db = request.getfixturevalue("pg_database")("empty")
    else:
        db = create_database(tmp_path / "test.sqlite")
    db.organisation_id = create_organisation(db, "Commune de Test", siret="21250056200013", population=1500)
    yield db
    db.dispose()


@pytest.fixture
def demo_db(tmp_path, backend, request):
    """A private copy of the committed demo database, opened (on PostgreSQL: the same demo, built by
    ``build_demo`` into a template once per run)."""
    from app.storage import open_database

    if backend == "postgresql":
        yield request.getfixturevalue("pg_database")("demo")
        return
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
