"""quotetrack: who said what, against whom, in news articles."""
__version__ = "0.1.0"
