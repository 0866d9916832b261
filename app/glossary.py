"""The acronyms a town hall meets in the app, each with its full name and a plain-French definition
(``resources/glossary.json``): tooltips on the screens, and the glossary page of the reports."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from app.paths import resource


@dataclass(frozen=True)
class Entry:
    acronym: str
    term: str
    definition: str

    def sentence(self) -> str:
        """« SPASER : Schéma de promotion… — Le plan, adopté par les élus… »"""
        return f"{self.acronym} : {self.term}. {self.definition}"


@cache
def entries() -> tuple[Entry, ...]:
    data = json.loads(resource("glossary.json").read_text(encoding="utf-8"))
    return tuple(Entry(key, value["term"], value["definition"]) for key, value in sorted(data.items()))


@cache
def _pattern() -> re.Pattern[str]:
    # whole words only, and case as written: « CAD » but not « cadre », « HT » but not « http »
    names = sorted((e.acronym for e in entries()), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def used_in(*texts: str) -> list[Entry]:
    """The entries whose acronym appears in any of ``texts``, in alphabetical order."""
    by_name = {e.acronym: e for e in entries()}
    found = {m.group(1) for text in texts for m in _pattern().finditer(text or "")}
    return [by_name[name] for name in sorted(found, key=str.lower)]


def explain(*texts: str) -> str:
    """A tooltip explaining every acronym of ``texts`` (empty when there is none)."""
    return "\n".join(e.sentence() for e in used_in(*texts))
