"""The failures the crawler expects, and says in one line: one root class, `CrawlerError`.

`crawler.cli.main` catches `CrawlerError` and nothing broader: it prints the message and
exits with the error's `exit_code`. Anything else that escapes a command is a bug of ours,
logged with its traceback, exit 70 (`crawler.cli.Exit.CRASHED`).
"""

from __future__ import annotations


class CrawlerError(Exception):
    """An expected failure of bad input or of the environment; the message says what to do."""

    exit_code = 2  # the spec's "bad input or usage" (crawler.cli.Exit.BAD_INPUT)


class UsageError(CrawlerError, ValueError):
    """A command-line option, argument or setting that cannot be used."""


class StoreError(CrawlerError):
    """The history store cannot be used; the message names the store and what to do."""


class SharedCrawlError(StoreError):
    """The shared crawl cannot start or go on; the message says why and what to do."""


class NetworkUnavailable(CrawlerError):
    """Nothing on the network answered a request the command needed (the spec's exit 3)."""

    exit_code = 3


class WriteError(CrawlerError):
    """A file or store could not be written (a full disk, a read-only folder): an environment
    failure, not bad input. Exit 74, sysexits' EX_IOERR."""

    exit_code = 74  # crawler.cli.Exit.CANNOT_WRITE

    @classmethod
    def of(cls, error: OSError, where: object) -> WriteError:
        """`error`, raised while writing the file `where`, as one line naming that file."""
        return cls(f"{where}: cannot write ({error.strerror or error})")


class Interrupted(CrawlerError):
    """The crawl was stopped by a signal (SIGINT, SIGTERM): the checks it made stand and the
    run is settled as interrupted. Exit 128 + the signal's number, as a shell reports it."""

    def __init__(self, message: str, signal_number: int) -> None:
        super().__init__(message)
        self.exit_code = 128 + signal_number
