"""A request's values as named bind parameters, so that one shape of request is one SQL statement.

Which parameters a `lines` request has decides its SQL; their values do not. Every value a filter reads
is bound here by name (`v0`, `v1`, …) while the filter records its structure in `shape`; a statement built
for the first request of a shape then serves every later one with their own `values`, because building
and compiling the SQL cost several times more than running it (docs/api.md, "Speed").
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.sql.elements import BindParameter


class Binds:
    """Collects the values of one request and the structure of the conditions that read them."""

    def __init__(self, prefix: str = "v") -> None:
        self.prefix = prefix
        self.values: dict[str, Any] = {}
        self.shape: list[Hashable] = []

    def __call__(self, value: Any, type_: Any = None) -> BindParameter[Any]:
        """A named placeholder holding `value`; give the column's type so times and booleans convert."""
        name = f"{self.prefix}{len(self.values)}"
        self.values[name] = value
        return bindparam(name, value, type_=type_)

    def mark(self, *structure: Hashable) -> None:
        """Record what, besides the number of values, changes the SQL (a parameter's name, a branch)."""
        self.shape.append(structure)
