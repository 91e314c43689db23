"""Tables of the audience domain."""

from __future__ import annotations
