"""The `barometre` open dataset: one row per cinema week and segment, from the stored figures."""

from __future__ import annotations

from sqlalchemy import literal

from lanterne.barometer.models import BarometerFigure
from lanterne.publish.datasets import Column, Dataset, register

figures = BarometerFigure.__table__


def _col(name: str, type_: str, title: str, expression: object, description: str = "") -> Column:
    return Column(name, type_, title, description, expression)


BAROMETER = register(
    Dataset(
        id="barometre",
        title="Baromètre hebdomadaire des entrées Art et Essai",
        description=(
            "Entrées des cinémas Art et Essai par semaine cinéma (du mercredi au mardi), comparées au marché "
            "et par catégorie A à E ; évolutions à périmètre constant."
        ),
        columns=(
            _col(
                "id", "string", "Identifiant de la ligne", figures.c.week + literal("|") + figures.c.segment
            ),
            _col(
                "semaine", "string", "Semaine cinéma", figures.c.week, "AAAA-Wnn, nommée d'après son mercredi"
            ),
            _col("debut", "date", "Premier jour (mercredi)", figures.c.week_start),
            _col("fin", "date", "Dernier jour (mardi)", figures.c.week_end),
            _col(
                "segment", "string", "Segment", figures.c.segment, "Art et Essai, Marché, ou catégorie A à E"
            ),
            _col("cinemas", "integer", "Cinémas déclarants", figures.c.cinemas),
            _col("entrees", "integer", "Entrées", figures.c.admissions),
            _col(
                "evolution_semaine_precedente",
                "number",
                "Évolution / semaine précédente",
                figures.c.change_previous_week,
                "Fraction : 0,05 = +5 %",
            ),
            _col(
                "cinemas_semaine_precedente",
                "integer",
                "Cinémas comparés (semaine précédente)",
                figures.c.cinemas_previous_week,
            ),
            _col(
                "evolution_annee_precedente",
                "number",
                "Évolution / même semaine N-1",
                figures.c.change_year_before,
            ),
            _col(
                "cinemas_annee_precedente", "integer", "Cinémas comparés (N-1)", figures.c.cinemas_year_before
            ),
            _col("cumul_annuel", "integer", "Entrées cumulées depuis la semaine 1", figures.c.year_to_date),
            _col("evolution_cumul", "number", "Évolution du cumul / N-1", figures.c.change_year_to_date),
            _col("cinemas_cumul", "integer", "Cinémas comparés (cumul)", figures.c.cinemas_year_to_date),
            _col(
                "part_de_marche",
                "number",
                "Part de marché",
                figures.c.share_of_market,
                "Fraction des entrées",
            ),
        ),
        source=figures,
        key="id",
        text_search=("segment", "semaine"),
        updated=(figures.c.computed_at,),
        keywords=("fréquentation", "entrées", "art et essai", "baromètre"),
    )
)
