"""Where requests go: the endpoint and the region, and where each came from.

First match wins:

1. an explicit endpoint (``--endpoint-url``, the provider's ``endpoint``);
2. ``AWS_ENDPOINT_URL_CLEANROOMSML``, then ``AWS_ENDPOINT_URL`` (the standard variables), then an
   ``endpoint_url`` in the selected profile (botocore reads it);
3. AWS itself when a region is configured (argument, ``AWS_REGION``/``AWS_DEFAULT_REGION`` or
   the profile);
4. otherwise the local endpoint at :data:`~cleanroomsml_tf.aws.settings.DEFAULT_LOCAL_ENDPOINT`,
   so an unconfigured machine (a new clone, CI) talks to ``cleanroomsml-tf emulator --port
   8790`` rather than failing with "no region".

A loopback endpoint never walks the credential chain (which could probe the EC2 metadata
service): :mod:`cleanroomsml_tf.aws.connection` gives it the ``AWS_ACCESS_KEY_ID`` pair when
set, or fixed local credentials.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
from typing import Any

from cleanroomsml_tf.aws.settings import ClientSettings, check_endpoint

ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_CLEANROOMSML", "AWS_ENDPOINT_URL")


def is_loopback(url: str) -> bool:
    """True when the URL's host is localhost or a loopback address."""
    return is_loopback_host(urllib.parse.urlparse(url).hostname or "")


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def env_endpoint() -> str | None:
    """The endpoint the standard variables set, checked under the variable's name."""
    for variable in ENDPOINT_VARIABLES:
        value = os.environ.get(variable)
        if value:
            check_endpoint(variable, value)
            return value
    return None


def region_source(settings: ClientSettings) -> str:
    """Where the session's region came from, as the user would name it."""
    if settings.region:
        return "region"
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(variable):
            return variable
    return "region of the selected profile"


def profile_endpoint(core: Any) -> str | None:
    """The ``endpoint_url`` of the session's selected profile, checked under that name."""
    from cleanroomsml_tf.aws.session import profile_value

    value = profile_value(core, "endpoint_url")
    if value:
        check_endpoint("endpoint_url of the selected profile", value)
    return value or None
