"""Use cases called by the GUI and the CLI: each takes a ``Database``, opens one unit of work declared
read or write, and returns plain results (``README.md`` says where a newcomer adds what)."""
