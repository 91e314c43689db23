"""Tables of the booking domain."""

from __future__ import annotations
