"""French agreement of a counted noun: singular below 2, French digit grouping above."""

from app import format as fmt
from app.ui import messages


def test_count_keeps_the_singular_below_two() -> None:
    assert fmt.count(0, "marché") == "0 marché"
    assert fmt.count(1, "marché") == "1 marché"
    assert fmt.count(2, "marché") == "2 marchés"


def test_count_takes_a_whole_plural_and_groups_digits() -> None:
    assert fmt.count(1, "ligne lue", "lignes lues") == "1 ligne lue"
    assert fmt.count(14, "ligne lue", "lignes lues") == "14 lignes lues"
    assert fmt.count(1200, "élément créé", "éléments créés").replace("\u202f", " ") == "1 200 éléments créés"


def test_plural_gives_the_agreeing_word_alone() -> None:
    assert fmt.plural(1, "a", "ont") == "a"
    assert fmt.plural(3, "a", "ont") == "ont"
    assert fmt.plural(3, "restante") == "restantes"


def test_screens_helper_delegates() -> None:
    assert messages.count(3, "avenant") == fmt.count(3, "avenant") == "3 avenants"
