"""Bounded response heads: a cap on the header lines and bytes one response may send.

The read limit and the inflate cap count body bytes only. Twisted's HTTP client parser keeps
every header line it receives and joins continuation lines into one value, so a server that
sends header lines for as long as the timeout allows grows the crawler's memory without bound
(hundreds of megabytes in seconds). Each connection of our download handler is an
`HTTP11ClientProtocol` that counts what arrives while a response head is being read -- before
its parser sees it -- and, past `MAX_HEAD_BYTES`, `MAX_HEAD_LINES` or `MAX_LINE_BYTES`, drops
the connection: the request fails with `HeadersTooLarge`, a verdict of its own, not retried.
"""

from __future__ import annotations

from typing import Any

from twisted.python.failure import Failure
from twisted.web._newclient import HEADER, STATUS, HTTP11ClientProtocol, ResponseFailed
from twisted.web.client import _HTTP11ClientFactory

# What Chrome accepts in a response head: a site a reader can open fits.
MAX_HEAD_BYTES = 256 * 1024
# Twisted's own server takes 500 header lines; every line costs objects beyond its bytes.
MAX_HEAD_LINES = 500
# Twisted's line reader drops the connection after a longer line anyway; this says why.
MAX_LINE_BYTES = 16 * 1024


class HeadersTooLarge(Exception):
    """A response head went past one of the caps; the message says which."""


class _HeadMeter:
    """What has arrived of a response's head (and of any 1xx heads before it)."""

    __slots__ = ("bytes", "lines", "line", "tail")

    def __init__(self) -> None:
        self.bytes = 0  # bytes of head
        self.lines = 0  # line ends among them
        self.line = 0  # bytes of the line not yet ended
        self.tail = b""  # the last two bytes, to find a blank line split across reads

    def take(self, data: bytes) -> str | None:
        """Count the head bytes in `data`; why the head is too large, or None."""
        joined = self.tail + data
        if (end := _head_end(joined)) >= 0:
            data = data[: max(0, end - len(self.tail))]  # what follows is body
        self.tail = joined[-2:]
        self.bytes += len(data)
        if self.bytes > MAX_HEAD_BYTES:
            return f"response head larger than {MAX_HEAD_BYTES // 1024} KiB"
        self.lines += data.count(b"\n")
        if self.lines > MAX_HEAD_LINES:
            return f"more than {MAX_HEAD_LINES} header lines"
        start = 0  # at most MAX_HEAD_LINES line ends get here
        while (newline := data.find(b"\n", start)) >= 0:
            if self.line + newline - start > MAX_LINE_BYTES:
                break
            self.line, start = 0, newline + 1
        else:
            self.line += len(data) - start
            if self.line <= MAX_LINE_BYTES:
                return None
        return f"a header line longer than {MAX_LINE_BYTES // 1024} KiB"


def _head_end(data: bytes) -> int:
    """Where the first head in `data` ends (after its empty line), or -1."""
    ends = [i + len(mark) for mark in (b"\n\n", b"\n\r\n") if (i := data.find(mark)) >= 0]
    return min(ends, default=-1)


class BoundedHeadProtocol(HTTP11ClientProtocol):
    """Twisted's HTTP/1.1 client protocol, refusing a response whose head is too large."""

    def __init__(self, quiescentCallback: Any = lambda c: None) -> None:  # noqa: N803 - Twisted's
        super().__init__(quiescentCallback)
        self._meter = _HeadMeter()

    def request(self, request: Any) -> Any:
        self._meter = _HeadMeter()
        return super().request(request)

    def dataReceived(self, bytes: bytes) -> None:  # noqa: A002 - Twisted's parameter name
        parser = self._parser
        # While the parser reads a status line or headers (again after a 1xx answer), the
        # bytes are counted first: a refused head never reaches the parser's buffers.
        if parser is not None and parser.state in (STATUS, HEADER):
            if (problem := self._meter.take(bytes)) is not None:
                self._giveUp(Failure(HeadersTooLarge(problem)))
                return
        super().dataReceived(bytes)


class BoundedHeadFactory(_HTTP11ClientFactory):
    """What Twisted's connection pool builds each connection with (`HTTPConnectionPool._factory`)."""

    def buildProtocol(self, addr: Any) -> BoundedHeadProtocol:
        return BoundedHeadProtocol(self._quiescentCallback)


def head_too_large(exc: BaseException) -> HeadersTooLarge | None:
    """The `HeadersTooLarge` behind a failed download (Scrapy wraps Twisted's
    `ResponseFailed` in its own exception), or None."""
    cause = exc.__cause__ if not isinstance(exc, ResponseFailed) else exc
    for reason in getattr(cause, "reasons", None) or ():
        if isinstance(getattr(reason, "value", None), HeadersTooLarge):
            return reason.value
    return None
