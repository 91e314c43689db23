"""HTTP routes of the agenda domain: thin — parse, call one domain function, format."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
