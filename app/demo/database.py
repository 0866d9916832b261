"""The demo database: two fictional neighbouring towns, deterministic from a seed.

Everything derives from ``DEMO_SEED`` and ``DEMO_TODAY`` (ids, dates, amounts, timestamps), so that
the committed ``sample_db/demo.sqlite`` can be checked against what this module writes.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from app.demo.catalogue import DEMO_SEED, DEMO_TODAY, STAMP, SUPPLIERS, TOWNS
from app.demo.checklists import add_demo_checklists
from app.demo.committee import add_demo_committees
from app.demo.insertion_hours import add_demo_insertion_hours
from app.demo.towns import SeededIds, build_town
from app.model import Supplier
from app.rules.values import with_luhn_key
from app.services.organisations import seed_defaults
from app.services.text import normalize_name
from app.storage.database import Database, create_database


def build_demo(db: Database, *, today: dt.date = DEMO_TODAY, seed: int = DEMO_SEED) -> None:
    """Fill an empty database with the demo data."""
    rng = random.Random(seed)
    new_id = SeededIds(rng)
    stamps = {"created_at": STAMP, "updated_at": STAMP}
    with db.write() as session:
        seed_defaults(session, created_at=STAMP)
        suppliers: dict[str, list[Supplier]] = {}
        for index, (name, size, ess, postcode, commune, families) in enumerate(SUPPLIERS):
            supplier = Supplier(
                id=new_id(),
                name=name,
                normalized_name=normalize_name(name),
                siret=with_luhn_key(f"8{index:02d}{rng.randint(100000, 999999)}0001"),
                size=size,
                social_economy=ess,
                postcode=postcode,
                commune=commune,
                distance_km=float(rng.choice((5, 12, 18, 35, 60, 120))) if index % 3 else None,
                **stamps,
            )
            session.add(supplier)
            for family in families:
                suppliers.setdefault(family, []).append(supplier)
        session.flush()

        for town in TOWNS:
            build_town(session, town, suppliers, rng, new_id, today, stamps)
    add_demo_committees(db, today=today, stamp=STAMP)  # last year's CAD, assessments
    add_demo_checklists(db, today=today, stamp=STAMP)
    add_demo_insertion_hours(db, today=today, stamp=STAMP)


def write_demo(path: Path, *, overwrite: bool = True) -> Path:
    """Create ``path`` and fill it with the demo data."""
    db = create_database(path, overwrite=overwrite)
    try:
        build_demo(db)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")  # compact, deterministic page layout
    except BaseException:
        db.dispose()
        Path(path).unlink(missing_ok=True)
        raise
    db.dispose()
    return Path(path)


def demo_copy() -> Path:
    """A copy of the bundled demo in the user's data folder (the bundled file stays pristine)."""
    import shutil

    from app.paths import demo_database, user_data_dir
    from app.storage.database import building_aside

    target = user_data_dir() / "demo-achats-durables.sqlite"
    if not target.exists():
        # Copied or written aside, then renamed: a crash never leaves a half-made demo to open.
        source = demo_database()
        with building_aside(target) as aside:
            if source.exists():
                shutil.copyfile(source, aside)
            else:
                write_demo(aside)
    return target
