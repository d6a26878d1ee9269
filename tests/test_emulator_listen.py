"""The local endpoint listens on loopback unless told otherwise.

Checked on the real socket: the bound address, and a connection attempt through one of this
machine's non-loopback addresses (refused when bound to loopback, answered when explicitly bound
to 0.0.0.0 — the control that proves the address is reachable at all).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import socket
from pathlib import Path

import pytest

from cleanroomsml_tf.emulator import Emulator
from tests.support.emulator import emulator_process
from tests.support.example_ids import COLLABORATION

LIST_PATH = f"/collaborations/{COLLABORATION}/trained-models"


def _non_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.version == 4 and not (ip.is_loopback or ip.is_unspecified or ip.is_multicast)


def _from_route() -> str | None:
    """The source address the kernel picks for an outside destination (a UDP "connect" sends
    nothing; TEST-NET-3 is never routed anywhere real)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("203.0.113.1", 9))
        except OSError:
            return None  # no route
        return probe.getsockname()[0]


def _from_proc() -> list[str]:
    """Local host addresses from the kernel's routing trie (Linux), e.g. on a host without a
    default route."""
    try:
        lines = Path("/proc/net/fib_trie").read_text().splitlines()
    except OSError:
        return []
    found = []
    for previous, line in zip(lines, lines[1:], strict=False):
        if "/32 host LOCAL" in line:
            found.append(previous.strip().lstrip("|-+ ").strip())
    return found


def _is_mine(address: str) -> bool:
    with socket.socket() as s:
        try:
            s.bind((address, 0))
        except OSError:
            return False
    return True


def non_loopback_ipv4() -> str | None:
    """An IPv4 address of this machine that is not loopback, or None when it has none."""
    candidates = [_from_route(), *_from_proc()]
    with contextlib.suppress(OSError):
        candidates.append(socket.gethostbyname(socket.gethostname()))
    return next((c for c in candidates if c and _non_loopback(c) and _is_mine(c)), None)


def _get(host: str, port: int) -> dict:
    """GET the list operation at host:port directly (no proxy), parsed."""
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.request("GET", LIST_PATH)
        response = connection.getresponse()
        assert response.status == 200
        return json.loads(response.read())
    finally:
        connection.close()


def assert_loopback_only(port: int) -> None:
    """Reachable on 127.0.0.1; refused through the machine's non-loopback address."""
    assert _get("127.0.0.1", port)["collaborationTrainedModels"]
    outside = non_loopback_ipv4()
    if outside is None:
        # This machine has no non-loopback IPv4 address: nothing else could reach the port
        # anyway, so the bound address (asserted by the callers) is the whole check.
        return
    with pytest.raises(ConnectionRefusedError), \
            socket.create_connection((outside, port), timeout=5):
        pass


def assert_reachable_from_outside(port: int) -> None:
    outside = non_loopback_ipv4()
    if outside is None:
        return  # no other address to reach it by (see assert_loopback_only)
    assert _get(outside, port)["collaborationTrainedModels"]


def test_emulator_class_binds_loopback_by_default() -> None:
    with Emulator() as em:
        host, port = em.address
        assert host == "127.0.0.1"
        assert em.url == f"http://127.0.0.1:{port}"
        assert_loopback_only(port)


def test_emulator_class_binds_elsewhere_only_when_told() -> None:
    with Emulator(host="0.0.0.0") as em:
        host, port = em.address
        assert host == "0.0.0.0"
        assert_reachable_from_outside(port)


def test_cli_binds_loopback_by_default_without_warning() -> None:
    with emulator_process() as (process, url):
        assert url.startswith("http://127.0.0.1:")
        assert_loopback_only(int(url.rsplit(":", 1)[1]))
        process.terminate()
        assert process.wait(timeout=10) == 0
        assert process.stderr.read() == ""


def test_cli_host_0000_is_reachable_and_warned_about_once() -> None:
    with emulator_process("--host", "0.0.0.0") as (process, url):
        port = int(url.rsplit(":", 1)[1])
        assert url == f"http://0.0.0.0:{port}"
        assert_reachable_from_outside(port)
        process.terminate()
        assert process.wait(timeout=10) == 0
        lines = process.stderr.read().strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"cleanroomsml-tf emulator: warning: listening on 0.0.0.0:{port}")
    assert "reachable from other machines" in lines[0]

