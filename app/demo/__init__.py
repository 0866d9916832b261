"""The demo database, built by the application itself (``achats-durables demo``, the wizard's « Ouvrir
la démonstration ») and committed as ``sample_db/demo.sqlite``; no production module holds demo data.

- ``catalogue``: the seed, the date, families, objects, suppliers and the two towns.
- ``towns``: organisations, departments, sites, families, contracts and orders.
- ``cotation``, ``committee``, ``checklists``, ``insertion_hours``: what the buyers recorded.
- ``database``: ``build_demo``, ``write_demo`` and ``demo_copy`` (the user's own copy).
"""
