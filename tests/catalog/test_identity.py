from __future__ import annotations

from lanterne.catalog.identity import film_match_key, fold


def test_fold_removes_accents_case_and_punctuation() -> None:
    assert fold("L’Été  dernier !") == "l ete dernier"


def test_same_film_from_two_vendors_meets() -> None:
    assert film_match_key("L'Été dernier", "Catherine Breillat", 2023) == film_match_key(
        "L ETE DERNIER", "BREILLAT Catherine", 2023
    )


def test_leading_article_and_codirector_do_not_split_a_film() -> None:
    assert film_match_key("The Zone of Interest", "Jonathan Glazer", 2023) == film_match_key(
        "Zone of Interest", "Jonathan Glazer, X", 2023
    )


def test_different_year_is_a_different_film() -> None:
    assert film_match_key("Nosferatu", "Robert Eggers", 2024) != film_match_key(
        "Nosferatu", "F. W. Murnau", 1922
    )
