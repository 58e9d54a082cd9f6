"""`python -m quotetrack.cli` runs the command line, as the `quotetrack` script does."""
from . import main

main()
