"""Where requests go: the endpoint and the region, and where each came from.

First match wins:

1. an explicit endpoint (``--endpoint-url``, the provider's ``endpoint``);
2. ``AWS_ENDPOINT_URL_CLEANROOMSML``, then ``AWS_ENDPOINT_URL`` (the standard variables), then an
   ``endpoint_url`` in the selected profile (botocore reads it);
3. AWS itself, in a region: the configured one (argument, ``AWS_REGION``/
   ``AWS_DEFAULT_REGION`` or the profile) — and, for a trained model, the region its ARN names
   (:func:`arn_region`; the resolver routes each lookup there, one shared client per region).

With neither an endpoint nor a region there is nowhere to send a request: :data:`NO_REGION`
says so, and how to set one, before any request (like Terraform's AWS provider). The local
endpoint is never a silent default: a plan on a machine where an emulator happens to listen on
127.0.0.1:8790 must not read fake data.

A loopback endpoint never walks the credential chain (which could probe the EC2 metadata
service): :mod:`cleanroomsml_tf.aws.connection` gives it the ``AWS_ACCESS_KEY_ID`` pair when
set, or fixed local credentials.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse
from typing import Any

from cleanroomsml_tf.aws.settings import (
    DEFAULT_LOCAL_ENDPOINT,
    DEFAULT_LOCAL_PORT,
    ClientSettings,
    check_endpoint,
    is_region_name,
)

ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_CLEANROOMSML", "AWS_ENDPOINT_URL")
NO_REGION = (
    "no region configured: set one with --region / the provider's region, AWS_REGION or "
    "AWS_DEFAULT_REGION, or a region in the AWS profile; or choose an endpoint with "
    "--endpoint-url / the provider's endpoint or AWS_ENDPOINT_URL_CLEANROOMSML (the local "
    f"endpoint: {DEFAULT_LOCAL_ENDPOINT}, after `cleanroomsml-tf emulator --port "
    f"{DEFAULT_LOCAL_PORT}`)"
)


def arn_region(arn: str) -> str | None:
    """The region a trained model ARN names (``arn:aws:cleanrooms-ml:REGION:...``), or ``None``
    when it names none that has a region's form."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or not is_region_name(parts[3]):
        return None
    return parts[3]


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
