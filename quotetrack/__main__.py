"""`python -m quotetrack` runs the command line, as the `quotetrack` script does."""
from .cli import main

if __name__ == "__main__":
    main()
