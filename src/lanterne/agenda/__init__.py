"""Agenda: event screenings, their enrichment by the cinemas, OpenAgenda and feeds."""
