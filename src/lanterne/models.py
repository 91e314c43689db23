"""Every domain's tables on one metadata: what Alembic compares against and tests create."""

from lanterne import jobs
from lanterne.agenda import models as agenda
from lanterne.audience import models as audience
from lanterne.barometer import models as barometer
from lanterne.booking import models as booking
from lanterne.catalog import models as catalog
from lanterne.collect import models as collect
from lanterne.db import Base
from lanterne.publish import models as publish

__all__ = ["Base", "agenda", "audience", "barometer", "booking", "catalog", "collect", "jobs", "publish"]
