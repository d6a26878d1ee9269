"""The provider configuration is checked without botocore, exactly as botocore would check it.

``terraform validate`` and two of the three plugin launches of every plan validate the provider
configuration; importing botocore for that cost ~50 ms each time. The endpoint and region checks
are therefore our own, and these properties hold them to botocore's (``botocore.utils.
is_valid_uri`` and ``validate_region_name``, which run when the client is built), on generated
hosts, ports and regions around every rule: labels, dots, hyphens, lengths, IPv6 and zone IDs.
"""

from __future__ import annotations

import json
import subprocess
import sys

from botocore.exceptions import InvalidRegionError
from botocore.utils import is_valid_uri, validate_region_name
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanroomsml_tf.aws.settings import _usable_endpoint, _usable_region

HOST_CHARS = st.sampled_from(list("aZ09-._:[]%@/ \t\n") + ["fe80::1", "::", "1.2.3.4", "é"])
REGION_CHARS = st.sampled_from(list("aZ09-._\n é:"))


def _botocore_endpoint(url: str) -> bool:
    """What the client build would accept (the same printable-ASCII, scheme and port rules
    as ours, then botocore's host check)."""
    import urllib.parse

    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parsed = urllib.parse.urlsplit(url)
        port = parsed.port
    except ValueError:
        return False
    return (parsed.scheme in ("http", "https") and bool(parsed.hostname)
            and (port is None or 0 <= port <= 65535) and bool(is_valid_uri(url)))


def _botocore_region(region: str) -> bool:
    try:
        validate_region_name(region)
    except InvalidRegionError:
        return False
    return "\n" not in region


PORTS = st.sampled_from(["", ":8080", ":0", ":99999", ":x"])


@settings(max_examples=500)
@given(st.lists(HOST_CHARS, max_size=12).map("".join), PORTS)
def test_endpoint_check_agrees_with_botocore(host: str, port: str) -> None:
    for url in (f"http://{host}{port}", f"https://{host}{port}/path", f"http://[{host}]{port}"):
        assert _usable_endpoint(url) == _botocore_endpoint(url), url


@settings(max_examples=500)
@given(st.lists(REGION_CHARS, max_size=70).map("".join))
def test_region_check_agrees_with_botocore(region: str) -> None:
    assert _usable_region(region) == _botocore_region(region), region


def test_edges_agree_with_botocore() -> None:
    urls = ["http://127.0.0.1:8790", "http://localhost",
            "https://cleanrooms-ml.us-east-1.amazonaws.com",
            "http://[::1]:8080", "http://[fe80::1%25eth0]:1", "http://a..b", "http://a.b.",
            "http://" + "a" * 63, "http://" + "a" * 64, "http://" + ".".join(["a" * 63] * 4),
            "http://-a", "http://a-", "http://a_b", "http://[v1.x]", "http://user:pw@host:1"]
    for url in urls:
        assert _usable_endpoint(url) == _botocore_endpoint(url), url
    regions = ["us-east-1", "", "-us", "us-", "123", "a" * 63, "a" * 64, "us_east_1",
               "eu-west-1\n"]
    for region in regions:
        assert _usable_region(region) == _botocore_region(region), region


def test_validating_the_provider_configuration_imports_no_botocore() -> None:
    code = """
import json, sys
from cleanroomsml_tf.plugin.diagnostics import Diagnostics
from cleanroomsml_tf.plugin.provider import CleanroomsmlProvider
diags = Diagnostics()
CleanroomsmlProvider().validate_config(
    diags, {"endpoint": "http://127.0.0.1:8790", "region": "us-east-1"})
bad = Diagnostics()
CleanroomsmlProvider().validate_config(bad, {"endpoint": "http://a_b:1", "region": "us_east"})
print(json.dumps({"ok": not diags.has_errors(), "bad": len(bad.diagnostics),
                  "botocore": "botocore" in sys.modules}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"ok": True, "bad": 1, "botocore": False}
