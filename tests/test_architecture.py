"""Dependencies point one way (DESIGN.md): pure layers import neither Qt nor SQLAlchemy, and only
``ui`` imports Qt."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
            if node.module.startswith("app."):
                names.add(node.module)
    return names


def python_files(*packages: str):
    for package in packages:
        yield from sorted((APP / package).rglob("*.py"))


@pytest.mark.parametrize("path", list(python_files("rules", "grouping", "io", "reports")), ids=str)
def test_pure_layers_import_neither_qt_nor_sqlalchemy(path):
    imports = imported_modules(path)
    assert not imports & {"PySide6", "sqlalchemy", "alembic"}, f"{path} imports {imports}"
    assert not any(
        name.startswith(("app.model", "app.storage", "app.services", "app.ui")) for name in imports
    )


@pytest.mark.parametrize(
    "path",
    [p for p in APP.rglob("*.py") if "ui" not in p.relative_to(APP).parts[:1]],
    ids=str,
)
def test_only_ui_imports_qt(path):
    assert "PySide6" not in imported_modules(path)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in APP.rglob("*.py")
        if p.relative_to(APP).parts[0] not in ("model", "storage", "queries", "services", "demo")
    ],
    ids=str,
)
def test_only_model_storage_and_services_import_sqlalchemy(path):
    assert not imported_modules(path) & {"sqlalchemy", "alembic"}, f"{path} reaches the database directly"


AMOUNT_CHOICE = re.compile(
    r"(notified_amount|estimated_amount)\s*(if\b|or\b|is not None|is None|else\b)"
    r"|(if|else|or)\s+\w*\.?(notified_amount|estimated_amount)\b"
)
MONTH_ARITHMETIC = re.compile(r"def\s+_?(add_months|months_between|duration_months)\b")


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=str)
def test_one_home_for_the_contract_amount_and_the_calendar(path):
    """A contract's amount is chosen among notified/estimated/maximum only in app.rules.contract, and
    month arithmetic lives only in app.rules.calendar (DESIGN.md "Where shared things live")."""
    text = path.read_text(encoding="utf-8")
    relative = path.relative_to(APP).as_posix()
    if relative not in ("rules/contract.py",):
        assert not AMOUNT_CHOICE.search(text), f"{relative} picks a contract amount itself: use ContractFacts"
    if relative != "rules/calendar.py":
        assert not MONTH_ARITHMETIC.search(text), (
            f"{relative} has its own month arithmetic: use rules.calendar"
        )


# --- Queries and use cases apart (DESIGN.md "Database access") ---------------------------
# Each rule below is a function of the sources it reads, so that a planted example proves it fails.

# Modules that still break a rule, each with the reason it exists; an entry goes once the module is fixed.
SELECT_ALLOWED: set[str] = set()
PRIVATE_IMPORT_ALLOWED: set[tuple[str, str, str]] = set()
LOOPS_ALLOWED: list[set[str]] = []
# Use-case modules that cannot be one unit of work per use case.
UNIT_OF_WORK_EXEMPT = {
    # SQLite's write lock stops every other workstation: an import reads and prepares under db.read(), then
    # takes the lock only for one short db.write() (undo_import backs the file up between the two).
    "services/imports.py",
}
# (file, use case, module, called use case) of a use case allowed to call another: none left.
NESTED_ALLOWED: set[tuple[str, str, str, str]] = set()


def app_sources() -> dict[str, str]:
    """relative path (``services/cotation.py``) -> source of every module of ``app``."""
    return {p.relative_to(APP).as_posix(): p.read_text(encoding="utf-8") for p in sorted(APP.rglob("*.py"))}


def module_name(relative: str) -> str:
    parts = relative.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(["app", *parts])


def _imports(tree: ast.AST):  # noqa: ANN202 - (module, name or None) of every absolute import of app
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.startswith("app")
        ):
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("app"):
                    yield alias.name, None


def private_imports(sources: dict[str, str]) -> list[tuple[str, str, str]]:
    """(file, module, name) of every ``from app.x import _y`` where ``app.x`` is another module."""
    found = []
    for relative, text in sources.items():
        own = module_name(relative)
        for module, name in _imports(ast.parse(text)):
            if name and name.startswith("_") and not name.startswith("__") and module != own:
                found.append((relative, module, name))
    return found


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """module -> the modules of ``app`` it imports, at the top or inside a function."""
    modules = {module_name(r) for r in sources}
    graph: dict[str, set[str]] = {}
    for relative, text in sources.items():
        own = module_name(relative)
        targets = set()
        for module, name in _imports(ast.parse(text)):
            target = f"{module}.{name}" if name and f"{module}.{name}" in modules else module
            if target in modules and target != own:
                targets.add(target)
        graph[own] = targets
    return graph


def import_loops(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import each other, directly or around a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                loops.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return loops


def select_calls(sources: dict[str, str]) -> list[str]:
    """``file:line`` of every ``select(...)`` call outside ``app/queries`` and ``app/storage``."""
    found = []
    for relative, text in sources.items():
        if relative.startswith(("queries/", "storage/")):
            continue
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name == "select":
                    found.append(f"{relative}:{node.lineno}")
    return found


def _takes_database(function: ast.FunctionDef) -> bool:
    args = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    return any(a.annotation is not None and ast.unparse(a.annotation) == "Database" for a in args)


def _unit_openings(function: ast.FunctionDef) -> list[str]:
    """What each ``with`` of the function opens on a database: read, write, or session (undeclared)."""
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                call = item.context_expr
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("read", "write", "session")
                ):
                    found.append(call.func.attr)
    return found


def use_case_problems(sources: dict[str, str], exempt: set[str] = frozenset()) -> list[str]:
    """Use cases (public functions of ``app/services`` taking a ``Database``) must declare their unit
    of work (``db.read()`` / ``db.write()``, not ``db.session()``), open exactly one,
    and never call another use case, which would open a transaction of its own; their private
    helpers take the ``Session``, not the ``Database``."""
    trees = {r: ast.parse(t) for r, t in sources.items() if r.startswith("services/")}
    use_cases = {
        (module_name(r), f.name)
        for r, tree in trees.items()
        for f in tree.body
        if isinstance(f, ast.FunctionDef) and not f.name.startswith("_") and _takes_database(f)
    }
    # A package that gathers its modules' names (services/clauses/__init__.py) re-exports their use cases.
    use_cases |= {
        (module_name(r), alias.name)
        for r, tree in trees.items()
        if r.endswith("/__init__.py")
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
        if (node.module, alias.name) in use_cases
    }
    problems = []
    for relative, tree in trees.items():
        if relative in exempt:
            continue
        own = module_name(relative)
        names: dict[str, tuple[str, str | None]] = {}  # local name -> (module, attribute or None)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in {m for m, _ in use_cases}:
                        names[alias.asname or alias.name] = (f"{node.module}.{alias.name}", None)
                    else:
                        names[alias.asname or alias.name] = (node.module, alias.name)
        for function in (f for f in tree.body if isinstance(f, ast.FunctionDef)):
            openings = _unit_openings(function)
            if "session" in openings:
                problems.append(
                    f"{relative}:{function.name} opens db.session(): declare db.read() or db.write()"
                )
            if len(openings) > 1:
                problems.append(f"{relative}:{function.name} opens {len(openings)} units of work")
            if function.name.startswith("_") and _takes_database(function):
                problems.append(
                    f"{relative}:{function.name} is a helper taking a Database: give it the Session"
                )
            if function.name.startswith("_") or not _takes_database(function):
                continue
            if not openings:
                problems.append(f"{relative}:{function.name} opens no unit of work of its own")
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                target = None
                if isinstance(call.func, ast.Name):
                    module, attribute = names.get(call.func.id, (own, call.func.id))
                    target = (module, attribute or call.func.id)
                elif isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
                    module, attribute = names.get(call.func.value.id, (None, None))
                    if module is not None and attribute is None:
                        target = (module, call.func.attr)
                    elif module is not None:
                        target = (f"{module}.{attribute}", call.func.attr)
                if target in use_cases and (relative, function.name, *target) not in NESTED_ALLOWED:
                    problems.append(f"{relative}:{function.name} calls the use case {target[0]}.{target[1]}")
    return problems


def test_no_private_helper_imported_across_modules():
    found = [f for f in private_imports(app_sources()) if f not in PRIVATE_IMPORT_ALLOWED]
    assert not found, f"private helpers imported from another module (make them public): {found}"


def test_no_import_loop_inside_app():
    loops = [loop for loop in import_loops(import_graph(app_sources())) if loop not in LOOPS_ALLOWED]
    assert not loops, f"modules of app that import each other: {loops}"


def test_select_only_in_queries_and_storage():
    found = [
        where
        for where in select_calls(app_sources())
        if not any(where.split(":")[0].startswith(allowed) for allowed in SELECT_ALLOWED)
    ]
    assert not found, f"select() outside app/queries and app/storage (write a query): {found}"


def test_each_use_case_opens_one_declared_unit_of_work():
    problems = use_case_problems(app_sources(), UNIT_OF_WORK_EXEMPT)
    assert not problems, "\n".join(problems)


# Planted examples: each rule fails on code that breaks it, and only on that.


def test_the_private_import_rule_catches_a_planted_example():
    planted = {
        "services/a.py": "from app.services.b import _helper, public\nfrom app.services.a import _own\n",
        "services/b.py": "def _helper(): ...\ndef public(): ...\n",
    }
    assert private_imports(planted) == [("services/a.py", "app.services.b", "_helper")]


def test_the_import_loop_rule_catches_a_planted_example():
    planted = {
        "services/a.py": "from app.services.b import f\n",
        "services/b.py": "def f():\n    from app.services import a\n",
        "services/c.py": "from app.services.a import g\n",
    }
    assert import_loops(import_graph(planted)) == [{"app.services.a", "app.services.b"}]
    del planted["services/b.py"]
    assert import_loops(import_graph(planted)) == []


def test_the_select_rule_catches_a_planted_example():
    planted = {
        "services/a.py": "from sqlalchemy import select\n\ndef f(s):\n    return s.scalars(select(X))\n",
        "queries/a.py": "def f(s):\n    return s.scalars(select(X))\n",
        "storage/a.py": "def f(s):\n    return s.execute(sa.select(X))\n",
    }
    assert select_calls(planted) == ["services/a.py:4"]


def test_the_unit_of_work_rule_catches_planted_examples():
    planted = {
        "services/a.py": (
            "def listing(db: Database):\n    with db.read() as s:\n        return 1\n\n"
            "def twice(db: Database):\n    with db.read() as s:\n        pass\n    with db.write() as s:\n        pass\n\n"
            "def undeclared(db: Database):\n    with db.session() as s:\n        pass\n\n"
            "def _helper(session):\n    return 2\n\n"
            "def _opener(db: Database):\n    with db.read() as s:\n        return 3\n"
        ),
        "services/b.py": (
            "from app.services.a import listing\nfrom app.services import a as other\n"
            "from app.queries.x import listing as query\n\n"
            "def nested(db: Database):\n    with db.read() as s:\n        return listing(db)\n\n"
            "def nested_by_module(db: Database):\n    with db.read() as s:\n        return other.listing(db)\n\n"
            "def none(db: Database):\n    return 4\n\n"
            "def composed(db: Database):\n    with db.read() as s:\n        return query(s)\n"
        ),
    }
    assert use_case_problems(planted) == [
        "services/a.py:twice opens 2 units of work",
        "services/a.py:undeclared opens db.session(): declare db.read() or db.write()",
        "services/a.py:_opener is a helper taking a Database: give it the Session",
        "services/b.py:nested calls the use case app.services.a.listing",
        "services/b.py:nested_by_module calls the use case app.services.a.listing",
        "services/b.py:none opens no unit of work of its own",
    ]
    assert use_case_problems(planted, {"services/a.py", "services/b.py"}) == []


def test_every_file_for_the_user_is_written_through_the_output_helper():
    """A file is written (``open(…, "w")``, ``write_text``, ``write_bytes``, ``.save(path)``,
    ``SimpleDocTemplate``, ``shutil.copy*``) only inside ``with output_path(…)`` (app/io/output.py:
    aside, fsync, atomic replace, French errors), or ``building_aside`` for a database file. Files that
    are not the user's (the app's own state, backups, logs) are listed with their reason."""
    not_for_the_user = {
        "io/output.py": "the helper itself",
        "services/recent.py": "the app's list of recent files, in its own data folder",
        "log.py": "the app's log",
        "commands/selftest.py": "the self-test's own temporary folder",
    }
    methods = {"write_text", "write_bytes", "save", "copyfile", "copy", "copy2"}  # path.…, wb.…, shutil.…
    builders = {"SimpleDocTemplate", "Canvas"}
    guards = {"output_path", "building_aside"}

    def name(node: ast.AST) -> str:
        return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""

    def unguarded_writes(source: str) -> list[int]:
        found: list[int] = []

        def visit(node: ast.AST, guarded: bool) -> None:
            if isinstance(node, ast.With | ast.AsyncWith):
                guarded = guarded or any(
                    isinstance(item.context_expr, ast.Call) and name(item.context_expr.func) in guards
                    for item in node.items
                )
            if isinstance(node, ast.Call) and not guarded:
                called = name(node.func)
                mode = (
                    node.args[1]
                    if len(node.args) > 1
                    else next((k.value for k in node.keywords if k.arg == "mode"), None)
                )
                writes_file = (
                    called == "open" and isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+")
                )
                method = isinstance(node.func, ast.Attribute) and called in methods
                if (
                    writes_file
                    or called in builders
                    or (method and (node.args or called.startswith("write_")))
                ):
                    found.append(node.lineno)
            for child in ast.iter_child_nodes(node):
                visit(child, guarded)

        visit(ast.parse(source), False)
        return found

    planted = (
        'def export(wb, out):\n    wb.save(out)\n    with open(out, "w") as fh:\n        fh.write("x")\n'
    )
    assert unguarded_writes(planted) == [2, 3], "the rule must catch a planted direct write"
    assert (
        unguarded_writes("def export(wb, out):\n    with output_path(out) as part:\n        wb.save(part)\n")
        == []
    )
    offenders = [
        f"{path.relative_to(APP).as_posix()}:{line}"
        for path in sorted(APP.rglob("*.py"))
        if path.relative_to(APP).as_posix() not in not_for_the_user
        and path.relative_to(APP).parts[0] != "storage"
        for line in unguarded_writes(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"files written without app.io.output.output_path: {offenders}"
