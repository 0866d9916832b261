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


def test_service_sentences_agree_with_their_count() -> None:
    from app.services.facts import EditResult
    from app.services.imports import ImportReport, UndoResult

    one = ImportReport(kind="orders", file="x", dry_run=True, rows_read=1, created=1)
    assert one.summary().startswith("Commandes : 1 ligne lue ; 1 serait créée, 0 serait mise à jour.")
    many = ImportReport(kind="orders", file="x", dry_run=False, rows_read=14, created=14, skipped_invalid=2)
    assert many.summary().startswith(
        "Commandes : 14 lignes lues ; 14 créées, 0 mise à jour, 2 lignes invalides"
    )
    assert (
        UndoResult(1, 1, 0).sentence() == "Import annulé : 1 ligne retirée, 1 remise dans son état d'avant."
    )
    assert EditResult(changed=1, facts=2).sentence() == "2 données enregistrées sur 1 marché."
