"""Collect: pull each cinema's programme from its box office, repair it, and keep it."""
