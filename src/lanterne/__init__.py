"""Lanterne: the open-source digital back office of France's independent (Art et Essai) cinemas."""

__version__ = "0.1.0"
