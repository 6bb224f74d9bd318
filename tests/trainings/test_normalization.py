import pytest

from trainings.normalization import fold, search_words, searchable, stem, word_pattern


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Marchés publics", "marches publics"),
        ("MARCHÉS-PUBLICS", "marches publics"),
        ("Joué-lès-Tours", "joue les tours"),
        ("Œuvre d'Élus", "oeuvre d elus"),
        ("  budget\t2027 ", "budget 2027"),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_search_words_drop_stop_words_and_duplicates():
    assert search_words("La gestion des conflits, les conflits") == ["gestion", "conflits"]


def test_stem_plurals():
    assert stem("marches") == "marche"
    assert stem("communaux") == "communa"
    assert stem("plus") == "plus"  # short words are left alone


def test_short_words_match_whole_words_long_words_match_word_starts():
    text = searchable("Budget : plan pluriannuel d'investissement", "Urbanisme : le PLU")
    assert text.startswith(" ") and text.endswith(" ")
    assert word_pattern("plu") in text
    assert word_pattern("plu") not in searchable("plan pluriannuel")
    assert word_pattern("investissements") in text
    assert word_pattern("budgetaire") not in text
