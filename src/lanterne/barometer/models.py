"""Tables of the barometer domain."""

from __future__ import annotations
