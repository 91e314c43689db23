"""Tables of the collect domain."""

from __future__ import annotations
