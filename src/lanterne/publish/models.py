"""Tables of the publish domain."""

from __future__ import annotations
