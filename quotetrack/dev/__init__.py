"""Evaluation, benchmark and training code: kept apart from the library, which never imports it."""
