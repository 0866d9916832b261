"""Value rules: SIRET, money and CPV codes.

Pure functions: callers get ``(ok, message)``-style answers or a ``ValueError`` subclass with a
French message, never a database or Qt dependency.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
LA_POSTE_SIREN = "356000000"
_CPV_RE = re.compile(r"^(\d{8})(?:-(\d))?$")


class InvalidValue(ValueError):
    """A value that breaks a rule; ``str()`` is a French sentence for the user."""


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def normalize_siret(value: str | int | None) -> str:
    """Digits only: spaces, dots and dashes that users type are removed."""
    if value is None:
        return ""
    return re.sub(r"[\s.\-\u00a0\u202f]", "", str(value))


def siret_problem(value: str | int | None) -> str | None:
    """French explanation of what is wrong with ``value`` as a SIRET, or ``None`` if it is valid."""
    siret = normalize_siret(value)
    if not siret:
        return "Le SIRET est vide."
    if not siret.isdigit():
        return f"Le SIRET « {value} » ne doit contenir que des chiffres."
    if len(siret) != 14:
        return f"Le SIRET « {value} » doit compter 14 chiffres (il en a {len(siret)})."
    if siret.startswith(LA_POSTE_SIREN):
        # La Poste's establishments share one SIREN; their SIRET sums to a multiple of 5.
        if sum(int(c) for c in siret) % 5 != 0:
            return f"Le SIRET « {value} » (La Poste) a une clé de contrôle incorrecte."
        return None
    if not luhn_ok(siret):
        return f"Le SIRET « {value} » a une clé de contrôle incorrecte : vérifiez les chiffres saisis."
    return None


def validate_siret(value: str | int | None) -> str:
    """Return the normalised SIRET or raise ``InvalidValue`` with a French message."""
    problem = siret_problem(value)
    if problem:
        raise InvalidValue(problem)
    return normalize_siret(value)


def with_luhn_key(prefix13: str) -> str:
    """Complete 13 digits with the Luhn key (used by the demo generator and tests)."""
    for key in range(10):
        candidate = f"{prefix13}{key}"
        if luhn_ok(candidate):
            return candidate
    raise AssertionError("unreachable: one Luhn key always exists")


def to_money(value: object) -> Decimal:
    """A Decimal rounded to the cent; floats are converted through ``repr`` (no binary noise)."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, int):
        amount = Decimal(value)
    else:
        try:
            amount = Decimal(str(value))
        except InvalidOperation as exc:
            raise InvalidValue(f"« {value} » n'est pas un montant.") from exc
    if not amount.is_finite():
        raise InvalidValue(f"« {value} » n'est pas un montant.")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def normalize_cpv(code: str) -> str:
    """``'30192700-8'`` or ``'30192700'`` -> ``'30192700'`` (8 digits); raises InvalidValue otherwise."""
    match = _CPV_RE.match(str(code).strip())
    if not match:
        raise InvalidValue(
            f"Le code CPV « {code} » doit avoir 8 chiffres, éventuellement suivis de « -clé »."
        )
    return match.group(1)


def cpv_check_digit_ok(code: str) -> bool:
    """CPV codes shipped with their check digit; ``resources/cpv`` is the authority (see cpv.py)."""
    return bool(_CPV_RE.match(code))


def nature_from_cpv(code: str) -> str:
    """Divisions 45 -> works, 50-98 -> services, else supplies (common DAJ convention, FACTS.md §2)."""
    division = int(normalize_cpv(code)[:2])
    if division == 45:
        return "works"
    if division >= 50:
        return "services"
    return "supplies"
