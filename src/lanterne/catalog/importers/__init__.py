"""Importers of the national reference files (CNC cinemas and films, schools directory, film lists).

Each reads the file as published, rejects bad rows with their file line, and loads the rest idempotently.
"""
