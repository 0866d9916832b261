"""The clause library file format: parse and validate a TOML library (shipped or shared between
towns), and write one back. Pure: text in, ``ClauseSpec`` out; a bad file gives French problems."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

from app import format as fmt
from app.enums import ClauseKind
from app.rules.levers import LEVERS_BY_CODE

FORMAT = "achats-durables/clauses"
FORMAT_VERSION = 1

# The DECP 2.0 values a clause can give a contract (considerationsSociales / Environnementales).
DECP_SOCIAL = ("Clause sociale", "Critère social", "Marché réservé")
DECP_ENVIRONMENTAL = ("Clause environnementale", "Critère environnemental")
DECP_VALUES = DECP_SOCIAL + DECP_ENVIRONMENTAL

SPASER_ACTIONS = range(1, 27)
REQUIRED_TEXT_FIELDS = {
    "code": "l'identifiant (code)",
    "title": "le titre",
    "legal_basis": "la base juridique",
    "applies_when": "le champ d'application",
    "guidance": "les conseils à l'acheteur",
    "model_text": "le texte type",
}
KNOWN_FIELDS = {*REQUIRED_TEXT_FIELDS, "kind", "actions", "levers", "decp_consideration", "copied_from"}


@dataclass(frozen=True)
class ClauseSpec:
    code: str
    title: str
    kind: ClauseKind
    actions: tuple[int, ...]
    levers: tuple[str, ...]
    legal_basis: str
    applies_when: str
    guidance: str
    model_text: str
    decp_consideration: str | None = None
    # Code of the clause this one was copied from (it then follows that clause's rule).
    copied_from: str | None = None


@dataclass
class LibraryProblems(Exception):
    """A library file that cannot be used; ``problems`` are French sentences."""

    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(self.problems)


def levers_for_actions(actions: tuple[int, ...] | list[int]) -> tuple[str, ...]:
    """Lever codes that cover any of ``actions`` (for clauses that do not name their levers)."""
    wanted = set(actions)
    return tuple(code for code, lever in LEVERS_BY_CODE.items() if wanted & set(lever.actions))


def _clause_problems(index: int, raw: object) -> tuple[ClauseSpec | None, list[str]]:
    if not isinstance(raw, dict):
        return None, [f"Clause n° {index} : ce n'est pas une table [[clause]]."]
    code = str(raw.get("code", "")).strip()
    where = f"Clause n° {index}" + (f" « {code} »" if code else "")
    problems: list[str] = []
    for name, what in REQUIRED_TEXT_FIELDS.items():
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where} : il manque {what} (champ « {name} »).")
    unknown = sorted(set(raw) - KNOWN_FIELDS)
    if unknown:
        fields = fmt.plural(len(unknown), "champ inconnu", "champs inconnus")
        problems.append(f"{where} : {fields} {', '.join(unknown)}.")
    kind = None
    try:
        kind = ClauseKind(raw.get("kind"))
    except ValueError:
        allowed = ", ".join(k.value for k in ClauseKind)
        problems.append(f"{where} : type « {raw.get('kind')} » inconnu (attendu : {allowed}).")
    actions = raw.get("actions")
    if (
        not isinstance(actions, list)
        or not actions
        or not all(isinstance(a, int) and not isinstance(a, bool) for a in actions)
    ):
        problems.append(f"{where} : « actions » doit être une liste non vide de numéros d'action du SPASER.")
        actions = []
    else:
        bad = [a for a in actions if a not in SPASER_ACTIONS]
        if bad:
            listed = ", ".join(str(a) for a in bad)
            problems.append(f"{where} : {fmt.plural(len(bad), 'action')} {listed} hors du SPASER (1 à 26).")
    levers = raw.get("levers")
    if levers is None:
        levers = list(levers_for_actions(actions))
    elif not isinstance(levers, list) or not all(isinstance(x, str) for x in levers):
        problems.append(f"{where} : « levers » doit être une liste de codes de leviers.")
        levers = []
    else:
        for lever in levers:
            if lever not in LEVERS_BY_CODE:
                problems.append(f"{where} : levier « {lever} » inconnu.")
            elif not set(LEVERS_BY_CODE[lever].actions) & set(actions):
                problems.append(
                    f"{where} : le levier « {lever} » ne correspond à aucune des actions {actions}."
                )
    decp = raw.get("decp_consideration")
    if decp in ("", None):
        decp = None
    elif decp not in DECP_VALUES:
        problems.append(
            f"{where} : considération DECP « {decp} » inconnue (attendu : {', '.join(DECP_VALUES)})."
        )
    copied_from = raw.get("copied_from") or None
    if copied_from is not None and not isinstance(copied_from, str):
        problems.append(f"{where} : « copied_from » doit être un code de clause.")
    if problems:
        return None, problems
    return (
        ClauseSpec(
            code=code,
            title=raw["title"].strip(),
            kind=kind,
            actions=tuple(actions),
            levers=tuple(levers),
            legal_basis=raw["legal_basis"].strip(),
            applies_when=raw["applies_when"].strip(),
            guidance=raw["guidance"].strip(),
            model_text=raw["model_text"].strip(),
            decp_consideration=decp,
            copied_from=copied_from,
        ),
        [],
    )


def parse_library(text: str, *, source: str = "le fichier") -> list[ClauseSpec]:
    """Parse and validate a library; raise ``LibraryProblems`` listing everything wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"line (\d+), column (\d+)", str(exc))
        detail = f" (erreur de syntaxe ligne {where[1]}, colonne {where[2]})" if where else ""
        raise LibraryProblems([f"{source} n'est pas un fichier TOML valable{detail}."]) from exc
    if data.get("format") != FORMAT:
        raise LibraryProblems([f"{source} n'est pas une bibliothèque de clauses Achats Durables."])
    version = data.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise LibraryProblems(
            [f"{source} a été écrit par une version plus récente de l'application (format {version})."]
        )
    raw_clauses = data.get("clause", [])
    if not isinstance(raw_clauses, list) or not raw_clauses:
        raise LibraryProblems([f"{source} ne contient aucune clause."])
    clauses: list[ClauseSpec] = []
    problems: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_clauses, start=1):
        spec, found = _clause_problems(index, raw)
        problems.extend(found)
        if spec is not None:
            if spec.code in seen:
                problems.append(f"Clause n° {index} : le code « {spec.code} » apparaît deux fois.")
            seen.add(spec.code)
            clauses.append(spec)
    if problems:
        raise LibraryProblems(problems)
    return clauses


def _escape(value: str, *, keep_newlines: bool) -> str:
    out = []
    for char in value:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n" and keep_newlines or char == "\t":
            out.append(char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def _toml_string(value: str) -> str:
    if "\n" in value:
        # A newline right after the opening delimiter is trimmed by TOML readers.
        return '"""\n' + _escape(value, keep_newlines=True) + '"""'
    return '"' + _escape(value, keep_newlines=False) + '"'


def dump_library(clauses: list[ClauseSpec], *, comment: str = "") -> str:
    """The TOML text of a library, readable by ``parse_library``."""
    lines = [f"# {line}" for line in comment.splitlines()] if comment else []
    lines += [f'format = "{FORMAT}"', f"version = {FORMAT_VERSION}", ""]
    for spec in clauses:
        lines.append("[[clause]]")
        lines.append(f"code = {_toml_string(spec.code)}")
        lines.append(f"title = {_toml_string(spec.title)}")
        lines.append(f'kind = "{spec.kind.value}"')
        lines.append(f"actions = [{', '.join(str(a) for a in spec.actions)}]")
        lines.append(f"levers = [{', '.join(_toml_string(x) for x in spec.levers)}]")
        for name in ("legal_basis", "applies_when", "guidance", "model_text"):
            lines.append(f"{name} = {_toml_string(getattr(spec, name))}")
        if spec.decp_consideration:
            lines.append(f"decp_consideration = {_toml_string(spec.decp_consideration)}")
        if spec.copied_from:
            lines.append(f"copied_from = {_toml_string(spec.copied_from)}")
        lines.append("")
    return "\n".join(lines)
