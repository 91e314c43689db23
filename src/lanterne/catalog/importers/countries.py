"""Country names out of the CNC's `NATIONALITE` column ('Fr-89 / Belg-11', 'FRANCE-100', 'It -80').

The CNC abbreviates and capitalises differently from year to year; one spelling per country lets the
open data facet on it. Unknown names are kept as published (capitals turned to title case).
"""

from __future__ import annotations

import re

from lanterne.catalog.identity import fold

_SHARE = re.compile(r"\s*-?\s*\d+\s*%?\s*$")
_NAMES = {
    "France": ("fr", "france"),
    "Belgique": ("belg", "bel", "be", "belgique"),
    "Allemagne": ("all", "allemagne"),
    "Italie": ("it", "italie"),
    "Espagne": ("esp", "es", "espagne"),
    "Luxembourg": ("lux", "luxembourg"),
    "Portugal": ("port", "portugal"),
    "Suisse": ("suisse",),
    "Royaume-Uni": ("gb", "r u", "royaume uni", "grande bretagne"),
    "Canada": ("can", "canada"),
    "Danemark": ("dan", "danemark"),
    "Pologne": ("pol", "pologne"),
    "Irlande": ("irl", "irlande"),
    "Roumanie": ("roum", "roumanie"),
    "Israël": ("isr", "israel"),
    "Argentine": ("arg", "argentine"),
    "Mexique": ("mex", "mexique"),
    "Norvège": ("norv", "norvege"),
    "Bulgarie": ("bulg", "bulgarie"),
    "Finlande": ("fin", "finlande"),
    "Suède": ("suede",),
    "Grèce": ("grece",),
    "Pays-Bas": ("pays bas",),
    "République tchèque": (
        "rep tch",
        "rep tcheque",
        "rep tcheq",
        "republique tcheque",
    ),
    "Afrique du Sud": ("af du sud", "afrique du sud"),
    "Bosnie-Herzégovine": ("bosnie herz", "bosnie herzegovine", "bosnie"),
    "Macédoine du Nord": ("macedoine du n", "macedoine"),
    "Turquie": ("turquie", "turquiee"),
    "États-Unis": ("etats unis",),
    "Brésil": ("bresil",),
    "Algérie": ("algerie",),
    "Géorgie": ("georgie",),
    "Arménie": ("armenie",),
    "Sénégal": ("senegal",),
    "Égypte": ("egypte",),
    "Slovénie": ("slovenie",),
    "Islande": ("islande",),
    "Corée du Sud": ("coree", "coree du sud"),
    "Nouvelle-Zélande": ("nouvelle zelande",),
    "Équateur": ("equateur",),
    "Côte d'Ivoire": ("cote d ivoire",),
    "Monténégro": ("montenegro",),
    "Kirghizstan": ("kirghiztan", "kirghizstan"),
    "Japon": ("japon",),
}
CANONICAL = {alias: name for name, aliases in _NAMES.items() for alias in aliases}


def country(published: str) -> str:
    """One country as the union writes it: 'Belg-11' → 'Belgique', 'GRECE' → 'Grèce'."""
    name = _SHARE.sub("", published).strip()
    known = CANONICAL.get(fold(name))
    if known:
        return known
    return name.title() if name.isupper() else name


def countries(published: str | None) -> str | None:
    """'Fr-72 / Belgique-28' → 'France, Belgique' (co-producers in the published order, once each)."""
    if not published:
        return None
    names: list[str] = []
    for part in published.split("/"):
        name = country(part)
        if name and name not in names:
            names.append(name)
    return ", ".join(names) or None
