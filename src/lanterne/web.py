"""Shared web glue for every domain's routes: typed dependencies and the one Jinja2 environment.

Templates of every domain extend `base.html` (in `lanterne/templates/`), so the portal, the venue pages
and the agenda look like one site.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from lanterne.runtime import Runtime
from lanterne.settings import Settings
from lanterne.templating import ENVIRONMENT


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_engine(request: Request) -> Engine:
    return get_runtime(request).engine


def get_settings(request: Request) -> Settings:
    return get_runtime(request).settings


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


templates = Jinja2Templates(env=ENVIRONMENT)
