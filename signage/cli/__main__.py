"""``python -m signage.cli``: the same as the ``signage`` command."""

from signage.cli import main

main()
