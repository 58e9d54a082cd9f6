"""Input and output: reading articles, finding page boilerplate, writing result files.

Nothing here imports click or pandas; the CLI turns the errors into user messages.
"""
from .boilerplate import boilerplate_ranges, in_ranges, load_patterns, merge_ranges
from .readers import (DEFAULT_MAX_BYTES, FOLDER_EXTENSIONS, article_status, decode_bytes,
                      iter_paths, parse_date, parse_header, read_inputs, text_article)
from .writers import (ARTICLES_CSV, ATTRIBUTIONS_CSV, ATTRIBUTIONS_JSONL, ExtractOutput,
                      atomic_write, open_output, read_attributions, spreadsheet_safe)

__all__ = [
    "ARTICLES_CSV", "ATTRIBUTIONS_CSV", "ATTRIBUTIONS_JSONL", "DEFAULT_MAX_BYTES",
    "FOLDER_EXTENSIONS", "ExtractOutput", "article_status", "atomic_write",
    "boilerplate_ranges", "decode_bytes", "in_ranges", "iter_paths", "load_patterns",
    "merge_ranges", "open_output", "parse_date", "parse_header", "read_attributions",
    "read_inputs", "spreadsheet_safe", "text_article",
]
