"""The demo: a realistic, deterministic French cinema landscape generated from a seed, and its loader.

`DemoWorld` describes it (pure, lazy); `build`/`load` write it fast; `programme_for` gives one cinema's
programme as the neutral records a stand-in box office serves; `prepare_demo` is `lanterne demo`.
"""

from lanterne.demo.launch import DemoOptions, prepare_demo
from lanterne.demo.loading import DemoSummary, build, load
from lanterne.demo.world import DemoWorld, programme_for

__all__ = ["DemoOptions", "DemoSummary", "DemoWorld", "build", "load", "prepare_demo", "programme_for"]
