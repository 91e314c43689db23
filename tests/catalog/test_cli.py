"""`lanterne import …`: the report, the "nothing to update" message and the exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.catalog.builders import HEADER_2023, HEADER_2024, balzac, lycee, rural_circuit, table
from typer.testing import CliRunner

from lanterne.catalog.models import Cinema, School
from lanterne.cli import app


@pytest.fixture
def runner(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("LANTERNE_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.delenv("LANTERNE_CONFIG", raising=False)
    return CliRunner()


def test_import_then_reimport_says_nothing_changed(
    runner: CliRunner, engine: Engine, xlsx: Callable[..., Path]
) -> None:
    path = xlsx("cnc.xlsx", {"Etab": table(HEADER_2024, [balzac(), rural_circuit()])})
    first = runner.invoke(app, ["import", "cinemas", str(path)])
    assert first.exit_code == 0, first.output
    assert "cinémas — ajoutés : 2" in first.output
    second = runner.invoke(app, ["import", "cinemas", str(path)])
    assert second.exit_code == 0 and "Rien à mettre à jour" in second.output
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Cinema)) == 2


def test_rejected_rows_exit_1_and_are_listed(
    runner: CliRunner, engine: Engine, csv_file: Callable[..., Path]
) -> None:
    path = csv_file("annuaire.csv", table(HEADER_2023, [lycee(), lycee(Identifiant_de_l_etablissement="12")]))
    result = runner.invoke(app, ["import", "schools", str(path)])
    assert result.exit_code == 1
    assert "ligne 3, champ « Identifiant_de_l_etablissement »" in result.output
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(School)) == 1


def test_a_refused_file_exits_2_and_loads_nothing(runner: CliRunner, csv_file: Callable[..., Path]) -> None:
    path = csv_file("wrong.csv", [["title", "director"], ["Eo", "Jerzy Skolimowski"]])
    result = runner.invoke(app, ["import", "films", str(path)])
    assert result.exit_code == 2 and "colonne absente" in result.output and "VISA" in result.output
    assert runner.invoke(app, ["import", "films", "/nonexistent.xlsx"]).exit_code == 2


def test_lists_report_what_did_not_match(runner: CliRunner, csv_file: Callable[..., Path]) -> None:
    path = csv_file("reco.csv", [["titre", "réalisateur", "année"], ["Inconnu", "Personne", 2020]])
    result = runner.invoke(app, ["import", "recommended", str(path)])
    assert result.exit_code == 0
    assert "1 ligne(s) sans film correspondant" in result.output and "« Inconnu »" in result.output
    assert runner.invoke(app, ["import", "accessible", "--replace", str(path)]).exit_code == 0
