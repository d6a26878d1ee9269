"""The local endpoint's request bounds (issue 11): a Content-Length that is not a number, one of
2,000,000,000, a client that goes silent. Real processes, real sockets."""

from __future__ import annotations

import resource
import socket
import time


def _raw(url: str, request: bytes, *, timeout: float = 10) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_a_content_length_that_is_not_a_number_gets_400(emulator):
    answer = _raw(emulator.url, b"GET /collaborations/x/trained-models HTTP/1.1\r\n"
                  b"Host: x\r\nContent-Length: abc\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]


def test_a_huge_content_length_is_refused_without_reserving_memory():
    # A subprocess, so its peak memory is its own.
    with _emulator_process() as (process, url):
        started = time.monotonic()
        answer = _raw(url, b"POST /collaborations/x/trained-models HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Length: 2000000000\r\n\r\n" + b"x" * 1000, timeout=10)
        assert time.monotonic() - started < 5
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        peak_kib = _peak_rss_kib(process.pid)
    assert peak_kib < 500_000, f"emulator peak RSS {peak_kib} KiB"


def test_an_idle_connection_is_closed_by_the_emulator():
    with _emulator_process("--idle-timeout", "1") as (_, url):
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            started = time.monotonic()
            sock.sendall(b"GET /collaborations/x/trained-models HTTP/1.1\r\n")  # never ends
            data = sock.recv(65536)
            elapsed = time.monotonic() - started
        assert data == b"" or data.startswith(b"HTTP/1.1 408"), data[:200]
        assert elapsed < 5, f"closed after {elapsed:.1f} s"


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def _emulator_process(*args: str):  # noqa: ANN202 - a context manager
    from tests.support.emulator import emulator_process

    return emulator_process(*args)
