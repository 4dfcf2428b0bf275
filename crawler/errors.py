"""The failures the crawler expects, and says in one line: one root class, `CrawlerError`.

`crawler.cli.main` catches `CrawlerError` and nothing broader: it prints the message and
exits with the error's `exit_code`. Anything else that escapes a command is a bug of ours,
logged with its traceback, exit 70 (`crawler.cli.Exit.CRASHED`).
"""

from __future__ import annotations


class CrawlerError(Exception):
    """An expected failure of bad input or of the environment; the message says what to do."""

    exit_code = 2  # the spec's "bad input or usage"


class UsageError(CrawlerError, ValueError):
    """A command-line option, argument or setting that cannot be used."""


class StoreError(CrawlerError):
    """The history store cannot be used; the message names the store and what to do."""


class SharedCrawlError(StoreError):
    """The shared crawl cannot start or go on; the message says why and what to do."""
