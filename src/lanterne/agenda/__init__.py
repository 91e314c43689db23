"""Agenda: event screenings, their enrichment by the cinemas, OpenAgenda and feeds."""

from lanterne.agenda import published as published  # registers the enriched events dataset on import
