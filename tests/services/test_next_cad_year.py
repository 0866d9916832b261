"""The CAD year a user means: the next one whose meeting is still ahead."""

from __future__ import annotations

import datetime as dt

from app.services.cotation import next_cad_year


def test_next_cad_year_moves_on_once_this_years_meeting_is_past(demo_db, demo_org):
    # The demo's CAD meets in the autumn: before it, this year's; after it, next year's.
    assert next_cad_year(demo_db, demo_org, dt.date(2026, 3, 1)) == 2026
    assert next_cad_year(demo_db, demo_org, dt.date(2026, 12, 1)) == 2027
