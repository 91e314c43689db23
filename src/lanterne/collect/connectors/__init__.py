"""Box-office connectors: one module per source, listed in `registry.py` (see docs/connectors.md).

A connector speaks HTTP (or reads a file) and converts the vendor's fields to `programme.py`'s
neutral types. It never touches the database: `sync.py` does.
"""
