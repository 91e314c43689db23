"""`lanterne sync` with the test feed connector registered: what the SIGKILL test runs in a subprocess."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lanterne.cli import main
from lanterne.collect.connectors import registry
from stand_ins.programme_feed import FeedConnector

if __name__ == "__main__":
    registry.BUILT_IN["feed"] = FeedConnector
    sys.argv = ["lanterne", "sync", *sys.argv[1:]]
    main()
