"""HTTP routes of the pass, thin: `api.py` (JSON under /api/v1/pass/…) and `pages.py` (French pages
under /pass/…), both authenticated by `access.py`'s simple tokens.
"""

from __future__ import annotations

from fastapi import APIRouter

from lanterne.booking.routes.api import router as api_router
from lanterne.booking.routes.pages import router as pages_router

router = APIRouter()
router.include_router(api_router)
router.include_router(pages_router)
