"""Shared web glue for every domain's routes: typed dependencies and the one Jinja2 environment.

Templates of every domain extend `base.html` (in `lanterne/templates/`), so the portal, the venue pages
and the agenda look like one site.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from lanterne.runtime import Runtime
from lanterne.settings import Settings

PACKAGE = Path(__file__).parent
TEMPLATE_DIRS = [PACKAGE / "templates", *sorted(PACKAGE.glob("*/templates"))]


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


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(path)) for path in TEMPLATE_DIRS]),
        autoescape=select_autoescape(["html", "xml", "j2"]),
    )
    return Jinja2Templates(env=env)


templates = make_templates()
