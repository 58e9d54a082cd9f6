"""quotetrack: who said what, against whom, in news articles."""
import logging

__version__ = "0.1.0"

# A library leaves logging to its application: without this, warnings would reach stderr
# through logging's last-resort handler. The CLI installs its own stderr handler.
logging.getLogger(__name__).addHandler(logging.NullHandler())
