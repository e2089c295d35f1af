"""Allow ``python -m summitry``."""

from summitry.cli import main

main()
