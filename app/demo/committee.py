"""The demo's cost-and-sustainability committees (CAD): last year's, closed, with its decisions and
their bilan; this year's being prepared; and the assessments behind them."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from app.demo.cotation import add_demo_cotation
from app.model import Committee, CommitteeDecision, CommitteeMember
from app.queries.contracts import recurrent_contracts
from app.queries.organisations import organisations
from app.services.committee import PRESIDENT_ROLE
from app.storage.database import Database

DEMO_MEMBERS = (
    ("Jean Dufour", PRESIDENT_ROLE),
    ("Claire Martin", "Acheteuse, secrétaire du CAD"),
    ("Sophie Girard", "Adjointe au développement durable"),
    ("Marc Lambert", "Directeur des services techniques"),
)

_REVIEWS = (
    (True, "Clause intégrée au dossier de consultation et exécutée."),
    (False, "Aucune structure d'insertion n'a répondu au sourçage."),
    (True, "Réalisé ; à reconduire au prochain renouvellement."),
    (None, ""),
)


def add_demo_committees(db: Database, *, today: dt.date, stamp: dt.datetime, seed: int = 5) -> None:
    """Demo: last year's CAD (closed, with decisions and their bilan), this year's session being
    prepared, and assessments of next year's renewals."""
    rng = random.Random(seed)

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    stamps = {"created_at": stamp, "updated_at": stamp}
    with db.write() as session:
        for org in organisations(session):
            add_demo_cotation(session, org.id, today, stamp, new_id, year=today.year - 1, every=3)
            add_demo_cotation(session, org.id, today, stamp, new_id, year=today.year)
            last = Committee(
                id=new_id(),
                organisation_id=org.id,
                year=today.year - 1,
                meeting_date=dt.date(today.year - 1, 10, 14),
                place="Salle du conseil municipal",
                closed=True,
                **stamps,
            )
            current = Committee(
                id=new_id(),
                organisation_id=org.id,
                year=today.year,
                meeting_date=dt.date(today.year, 11, 19),
                place="Salle du conseil municipal",
                closed=False,
                **stamps,
            )
            session.add_all([last, current])
            session.flush()
            for committee in (last, current):
                for index, (name, role) in enumerate(DEMO_MEMBERS):
                    session.add(
                        CommitteeMember(
                            id=new_id(),
                            committee_id=committee.id,
                            name=name,
                            role=role,
                            created_at=stamp + dt.timedelta(seconds=index),
                            updated_at=stamp,
                        )
                    )
            renewed = recurrent_contracts(session, org.id)
            presented = [c for c in renewed if c.end_date and c.end_date.year == today.year][:6]
            choices = (
                ["insertion_clause", "social_clauses"],
                ["ecological_criteria", "impact_reporting"],
                ["sme_advance", "allotment"],
                ["right_need"],
            )
            for index, contract in enumerate(presented):
                targeted = index % 3 != 2
                done, review = _REVIEWS[index % len(_REVIEWS)] if targeted else (None, "")
                session.add(
                    CommitteeDecision(
                        id=new_id(),
                        committee_id=last.id,
                        contract_id=contract.id,
                        targeted=targeted,
                        actions=choices[index % len(choices)] if targeted else [],
                        comment="Priorité du SPASER." if targeted else "Marché trop proche de son échéance.",
                        review_done=done,
                        review_comment=review or None,
                        **stamps,
                    )
                )
        session.flush()
