"""`python -m quotetrack.cli` runs the command line, as the `quotetrack` script does."""
from . import main

if __name__ == "__main__":
    main()
