"""Pure order-grouping algorithms and their metrics (plain dataclasses in and out; no Qt, no SQL).

- ``algorithm``: which orders can share one grouped order (keys, time windows, capacity).
- ``order_counts``: order counts per family, contract, department and supplier against the target.
- ``calendar``: a proposed ordering rhythm per eligible family.
- ``joint``: joint-purchasing proposals between organisations (groupements de commandes).
"""
