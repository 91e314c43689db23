"""The one Jinja2 environment: every domain's `templates/` folder, all extending `base.html`.

Kept apart from the web layer so e-mails and reports render the same templates without FastAPI.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

PACKAGE = Path(__file__).parent
TEMPLATE_DIRS = [PACKAGE / "templates", *sorted(PACKAGE.glob("*/templates"))]


def environment() -> Environment:
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(path)) for path in TEMPLATE_DIRS]),
        autoescape=select_autoescape(["html", "xml", "j2"]),
    )


ENVIRONMENT = environment()
