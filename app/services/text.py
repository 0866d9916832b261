"""Text normalisation shared by services (matching supplier names, searching)."""

from __future__ import annotations

import re
import unicodedata

_LEGAL_FORMS = re.compile(r"\b(sas|sasu|sarl|eurl|sa|sci|scop|scic|snc|eirl|ei|ste|societe)\b")


def fold(text: str) -> str:
    """Lower case without accents: 'Élagage' -> 'elagage'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalize_name(name: str) -> str:
    """A supplier's name reduced for matching: no accents, punctuation or legal form."""
    folded = re.sub(r"[^a-z0-9]+", " ", fold(name))
    folded = _LEGAL_FORMS.sub(" ", folded)
    return " ".join(folded.split())
