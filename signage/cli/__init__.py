"""The ``signage`` command line: one module per command group, thin over the packages below.

May import every other package of the project; nothing imports this one (the demo, which runs
all of them together, lives here too).
"""

from signage.cli import content, production, publishing, requests, site, users  # noqa: F401 - each registers its commands
from signage.cli.common import main

__all__ = ["main"]
