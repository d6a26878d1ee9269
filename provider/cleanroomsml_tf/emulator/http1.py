"""HTTP/1.x request and response heads, cheap for the requests clients really send.

``http.server`` parses every request's headers with the ``email`` package's feed parser (about
half of the emulator's CPU per request) and writes a response in two ``send`` calls. The
benchmarks run the emulator on the same cores as Terraform and the plugin, so each request's CPU
counts. Here:

* :func:`read_headers` reads the header lines with the standard library's bounds and, when every
  line is a plain ``Name: value`` line of printable ASCII, builds the same
  :class:`http.client.HTTPMessage` the ``email`` parser would; anything else (folded lines,
  control characters, bytes above 0x7e, a missing line end...) goes through the ``email``
  parser itself, exactly as :func:`http.client.parse_headers` does.
* :func:`simple_request_line` recognizes the common request line (``METHOD /path HTTP/1.x``);
  every other request line is left to ``http.server``.
* :func:`response_head` builds a whole response head in one string, byte for byte what
  ``send_response`` + ``send_header`` + ``end_headers`` write.
* :func:`request_id` is a random UUID (version 4) in text form, without building a
  :class:`uuid.UUID`.
"""

from __future__ import annotations

import email.parser
import email.utils
import http.client
import os
import re
import time
from typing import Protocol

MAX_LINE = 65536
"""Longest header line, as :func:`http.client.parse_headers` allows."""
MAX_HEADERS = 100
"""Most header lines (counting the blank line that ends them) :func:`http.client.parse_headers`
reads before giving up."""
_END = (b"\r\n", b"\n", b"")

# Header lines the email parser reads as exactly one ``Name: value`` header each: a name of the
# characters its header pattern accepts (printable ASCII but ':'), a colon, printable ASCII or
# tab (nothing str.splitlines would split on), one line end.
_PLAIN_HEADERS = re.compile(rb"(?:[\x21-\x39\x3b-\x7e]+:[\t\x20-\x7e]*\r?\n)*")
# METHOD SP /path SP HTTP/1.x: what ``parse_request`` accepts without special cases (no
# '//' path prefix to collapse, no HTTP/0.9, no other version, single spaces).
_PLAIN_REQUEST_LINE = re.compile(
    rb"([A-Z]+) (/(?!/)[\x21-\x7e]*) (HTTP/1\.[01])\r?\n")


class LineReader(Protocol):
    """What the headers are read from (a handler's ``rfile``)."""

    def readline(self, size: int, /) -> bytes: ...


def simple_request_line(raw: bytes) -> tuple[str, str, str] | None:
    """``(method, path, version)`` of a plain request line; ``None`` for anything else."""
    match = _PLAIN_REQUEST_LINE.fullmatch(raw)
    if match is None:
        return None
    method, path, version = match.groups()
    return method.decode("ascii"), path.decode("ascii"), version.decode("ascii")


def read_headers(rfile: LineReader) -> http.client.HTTPMessage:
    """The request's headers, read from ``rfile`` like :func:`http.client.parse_headers`.

    Raises :class:`http.client.LineTooLong` or :class:`http.client.HTTPException`, with the
    same messages, where it does.
    """
    readline = rfile.readline
    lines: list[bytes] = []
    while True:
        line = readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise http.client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
        if line in _END:
            break
    return parse_header_lines(lines)


def parse_header_lines(lines: list[bytes]) -> http.client.HTTPMessage:
    """The headers of ``lines`` (the last one the blank line or ``b""``), as the ``email``
    parser reads them."""
    if lines[-1] not in _END:
        return _parsed_by_email(lines)
    block = b"".join(lines[:-1])
    if _PLAIN_HEADERS.fullmatch(block) is None:
        return _parsed_by_email(lines)
    message = http.client.HTTPMessage()
    for line in block.decode("ascii").splitlines():  # ASCII without control characters
        name, _, value = line.partition(":")
        message[name] = value.lstrip(" \t")  # like the email parser (compat32 policy)
    return message


def _parsed_by_email(lines: list[bytes]) -> http.client.HTTPMessage:
    text = b"".join(lines).decode("iso-8859-1")
    parsed = email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)
    assert isinstance(parsed, http.client.HTTPMessage)
    return parsed


def response_head(
    protocol_version: str, status: int, reason: str, headers: list[tuple[str, str]],
) -> bytes:
    """Status line, headers and the blank line, as ``http.server`` writes them (Latin-1)."""
    parts = [f"{protocol_version} {status} {reason}\r\n"]
    parts.extend(f"{name}: {value}\r\n" for name, value in headers)
    parts.append("\r\n")
    return "".join(parts).encode("latin-1", "strict")


_date_cache: tuple[int, str] = (-1, "")


def http_date(timestamp: float | None = None) -> str:
    """The ``Date`` header for ``timestamp`` (default: now), like ``date_time_string``; the
    text for the current second is formatted once."""
    global _date_cache
    if timestamp is not None:
        return email.utils.formatdate(timestamp, usegmt=True)
    now = time.time()
    second = int(now)  # formatdate shows whole seconds, rounded down
    cached_second, text = _date_cache
    if second != cached_second:
        text = email.utils.formatdate(now, usegmt=True)
        _date_cache = (second, text)  # one tuple: a reader sees a matching pair
    return text


def request_id(raw: bytes | None = None) -> str:
    """``str(uuid.UUID(bytes=raw, version=4))`` for 16 ``raw`` bytes (default: random)."""
    data = bytearray(os.urandom(16) if raw is None else raw)
    data[6] = (data[6] & 0x0F) | 0x40  # version 4
    data[8] = (data[8] & 0x3F) | 0x80  # the RFC 4122 variant
    text = data.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
