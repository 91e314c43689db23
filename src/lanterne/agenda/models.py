"""Tables of the agenda domain."""

from __future__ import annotations
