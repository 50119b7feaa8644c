"""Workflows as data (SPEC 3.1-3.4); `engine` replays histories, `requirements` says what each stage needs."""
