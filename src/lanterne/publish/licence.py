"""The credit every published file carries: the producer and Licence Ouverte 2.0 (Etalab), with its link."""

from __future__ import annotations

PRODUCER = "Union des cinémas indépendants"
LICENCE = "Licence Ouverte / Open Licence version 2.0"
LICENCE_ID = "lov2"  # data.gouv.fr's identifier of the licence
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
