"""Publish: the open datasets, Data Fair's `/lines` query language, and every export format."""
