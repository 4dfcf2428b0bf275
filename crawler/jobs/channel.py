"""What the parent and a child crawl say to each other over their socket, and how.

One socket pair per child: the parent sends one `Job`; the child sends a `Check` per entry
and a `ShardDone` at the end. Each message is a frame: a 4-byte big-endian length, then the
pickled message. Pickle is safe here: both ends are this program, on a socket pair no other
process holds. The parent closing its end tells the child to stop at once.
"""

from __future__ import annotations

import pickle
import socket
import struct
from dataclasses import dataclass
from typing import Any

from crawler.directory import Entry

_LENGTH = struct.Struct(">I")


@dataclass(frozen=True, slots=True)
class Job:
    """One child's share: the Scrapy settings it runs with, and its entries."""

    index: int  # 0-based, for messages
    settings: dict[str, Any]
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class ShardDone:
    """Child `index`'s crawl is over; `bugs` errors of the crawler itself happened in it."""

    index: int
    bugs: int


def frame(message: object) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(body)) + body


class FrameReader:
    """Turns the bytes of a stream into messages, whatever pieces they arrive in."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[object]:
        self._buffer += data
        messages: list[object] = []
        while len(self._buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self._buffer)
            end = _LENGTH.size + length
            if len(self._buffer) < end:
                break
            messages.append(pickle.loads(self._buffer[_LENGTH.size : end]))
            del self._buffer[:end]
        return messages


def receive(channel: socket.socket) -> object:
    """One message from a blocking socket; EOFError if the other end closed first."""
    (length,) = _LENGTH.unpack(_exactly(channel, _LENGTH.size))
    return pickle.loads(_exactly(channel, length))


def _exactly(channel: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        piece = channel.recv(min(size - len(data), 1 << 20))
        if not piece:
            raise EOFError("the other end of the channel closed")
        data += piece
    return bytes(data)
