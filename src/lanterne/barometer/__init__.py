"""Barometer: the weekly Art et Essai admissions barometer against the market."""
