"""boto3 sessions: shared config and credentials files, profile, region, assume-role.

Sessions are not thread-safe, so they never leave :mod:`cleanroomsml_tf.aws` (the shared
client built from one is).
"""

from __future__ import annotations

import os
import time
from typing import Any

from cleanroomsml_tf.aws.settings import AssumeRole, ClientSettings
from cleanroomsml_tf.model.errors import ConfigurationError


def session(settings: ClientSettings) -> Any:
    """A boto3 session for the settings' files, profile and region (not yet assume-role)."""
    import boto3
    import botocore.exceptions
    import botocore.session

    core = botocore.session.Session()
    if settings.shared_config_files:
        core.set_config_variable("config_file", os.path.expanduser(settings.shared_config_files[0]))
    if settings.shared_credentials_files:
        core.set_config_variable(
            "credentials_file", os.path.expanduser(settings.shared_credentials_files[0])
        )
    # AWS_REGION wins over AWS_DEFAULT_REGION in the other SDKs and in Terraform's AWS provider;
    # botocore only reads the latter.
    region = settings.region or os.environ.get("AWS_REGION") or None
    try:
        return boto3.session.Session(
            botocore_session=core, profile_name=settings.profile, region_name=region
        )
    except botocore.exceptions.ProfileNotFound:
        # botocore's message repeats the name raw (a "\r" in it would break the one line)
        raise ConfigurationError(
            f"invalid profile {settings.profile!r}: expected a profile of the shared AWS config "
            "files; it could not be found"
        ) from None


def assumed_session(base: Any, role: AssumeRole, region: str | None) -> Any:
    """A session whose credentials come from STS AssumeRole and refresh themselves."""
    import boto3
    from botocore.credentials import DeferredRefreshableCredentials
    from botocore.session import Session as CoreSession

    sts = base.client("sts", region_name=region)

    def fetch() -> dict[str, str]:
        params: dict[str, Any] = {
            "RoleArn": role.role_arn,
            "RoleSessionName": role.session_name or f"cleanroomsml-tf-{int(time.time())}",
        }
        if role.external_id:
            params["ExternalId"] = role.external_id
        creds = sts.assume_role(**params)["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    core = CoreSession()
    core._credentials = DeferredRefreshableCredentials(fetch, "assume-role")
    return boto3.session.Session(botocore_session=core, region_name=region)
