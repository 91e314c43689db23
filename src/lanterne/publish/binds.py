"""A request's values as named bind parameters, so that one shape of request is one SQL statement.

Which parameters a `lines` request has decides its SQL; their values do not. Every value a filter reads
is bound here by name (`v0`, `v1`, …) while the filter records its structure in `shape`; a statement built
for the first request of a shape then serves every later one with their own `values`, because building
and compiling the SQL cost several times more than running it (docs/api.md, "Speed"). Filters therefore
validate and bind a request's values at once, and hand back a `Build`: the SQL itself is only made when
a shape's statement is (building SQLAlchemy conditions was a tenth of a computed page).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.sql.elements import BindParameter

Build = Callable[[], Any]  # makes a condition's SQL, on the first request of its shape only
Late = Callable[[], Any]  # makes the scalar SQL of a value read from the database just before a statement


class Bound:
    """One value of the request, under the name its statement reads it by."""

    __slots__ = ("name", "type", "value")

    def __init__(self, name: str, value: Any, type_: Any) -> None:
        self.name, self.value, self.type = name, value, type_

    def param(self) -> BindParameter[Any]:
        """The placeholder in SQL, holding this request's value (the statement's default)."""
        return bindparam(self.name, self.value, type_=self.type)


class Binds:
    """Collects the values of one request and the structure of the conditions that read them."""

    def __init__(self, prefix: str = "v") -> None:
        self.prefix = prefix
        self.values: dict[str, Any] = {}
        self.shape: list[Hashable] = []
        self.late: dict[str, Late] = {}

    def __call__(self, value: Any, type_: Any = None) -> Bound:
        """`value` bound under the next name; give the column's type so times and booleans convert."""
        name = f"{self.prefix}{len(self.values)}"
        self.values[name] = value
        return Bound(name, value, type_)

    def later(self, expression: Late, type_: Any) -> Bound:
        """A value the database gives just before the statement runs, where its SQL asks for one (the
        keys a search word matches, on PostgreSQL: `search.keys_in`). `expression` makes the scalar SQL
        that reads it, bound to this request's values: a request's late values are read in one query."""
        bound = self(None, type_)
        self.late[bound.name] = expression
        return bound

    def mark(self, *structure: Hashable) -> None:
        """Record what, besides the number of values, changes the SQL (a parameter's name, a branch)."""
        self.shape.append(structure)
