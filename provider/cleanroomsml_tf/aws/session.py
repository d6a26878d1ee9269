"""botocore sessions: shared config and credentials files, profile, region, assume-role.

Only botocore's public session API (``set_config_variable``, ``get_scoped_config``,
``register_component``, ``lazy_register_component``, ``get_component``, ``create_client``).
Sessions are not thread-safe, so they never leave :mod:`cleanroomsml_tf.aws` (the shared client
built from one is).
"""

from __future__ import annotations

import os
import time
from typing import Any

from cleanroomsml_tf.aws.settings import AssumeRole, ClientSettings
from cleanroomsml_tf.model.errors import ProfileNotFoundError


def session(settings: ClientSettings) -> Any:
    """A botocore session for the settings' files, profile and region (not yet assume-role)."""
    import botocore.exceptions
    import botocore.session

    from cleanroomsml_tf.aws import timestamps

    core = botocore.session.Session()
    # Lazily, as botocore registers its own: reading ``data_path`` resolves the profile, which
    # must fail below, by name (profile_not_found), not here.
    core.lazy_register_component("data_loader", lambda: client_services_loader(
        core.get_config_variable("data_path")))
    timestamps.install(core)
    if settings.shared_config_files:
        core.set_config_variable("config_file", os.path.expanduser(settings.shared_config_files[0]))
    if settings.shared_credentials_files:
        core.set_config_variable(
            "credentials_file", os.path.expanduser(settings.shared_credentials_files[0])
        )
    if settings.profile is not None:
        core.set_config_variable("profile", settings.profile)
    # AWS_REGION wins over AWS_DEFAULT_REGION in the other SDKs and in Terraform's AWS provider;
    # botocore only reads the latter.
    region = settings.region or os.environ.get("AWS_REGION") or None
    if region is not None:
        core.set_config_variable("region", region)
    try:
        core.get_scoped_config()  # reads the files now: an unknown profile fails here, by name
    except botocore.exceptions.ProfileNotFound:
        raise profile_not_found(settings, core) from None
    return core


CLIENT_SERVICES = ("cleanroomsml", "sts")
"""The services this package makes clients for (sts: assume-role)."""


def client_services_loader(data_path: str | None = None) -> Any:
    """botocore's data ``Loader`` (the default search paths, plus ``AWS_DATA_PATH`` /
    ``data_path`` as botocore's ``create_loader`` adds them), answering "which services exist?"
    for :data:`CLIENT_SERVICES` only.

    botocore checks that a service exists before loading its model by listing every service
    directory on the search paths (~400 of them, a directory listing each): ~13 ms a time,
    twice per client, in the launch that reads. For the services we ask for, the answer is the
    same (tests/test_session_loader.py compares it with botocore's own)."""
    from botocore.exceptions import DataNotFoundError
    from botocore.loaders import Loader

    class ClientServicesLoader(Loader):
        def list_available_services(self, type_name: str) -> list[str]:
            available = []
            for name in CLIENT_SERVICES:
                try:
                    self.list_api_versions(name, type_name)
                except DataNotFoundError:
                    continue
                available.append(name)
            return available

    if not data_path:
        return ClientServicesLoader()
    paths = [os.path.expanduser(os.path.expandvars(path)) for path in data_path.split(os.pathsep)]
    return ClientServicesLoader(extra_search_paths=paths)


def profile_not_found(settings: ClientSettings, core: Any) -> ProfileNotFoundError:
    """One line naming the missing profile, where its name came from and the files read
    (botocore's message names neither the files nor the variable, and repeats the name raw: a
    ``\r`` in it would break the line)."""
    if settings.profile:
        name, source = settings.profile, "profile"
    else:
        source = "AWS_PROFILE" if os.environ.get("AWS_PROFILE") else "AWS_DEFAULT_PROFILE"
        name = os.environ.get(source) or ""
    files = [os.path.expanduser(str(core.get_config_variable(variable) or ""))
             for variable in ("config_file", "credentials_file")]
    return ProfileNotFoundError(
        f"invalid profile {name!r} (from {source}): not found in {files[0]} or {files[1]}; "
        "expected a profile these files define"
    )


def region_of(core: Any) -> str | None:
    """The region the session's configuration names (argument, environment or profile)."""
    return core.get_config_variable("region") or None


def profile_value(core: Any, name: str) -> Any:
    """A value of the selected profile (``None`` when unset, or when the files cannot be read:
    a broken config file surfaces later, with botocore's own message)."""
    try:
        return core.get_scoped_config().get(name)
    except Exception:  # noqa: BLE001
        return None


def assumed_session(base: Any, role: AssumeRole, region_name: str | None) -> Any:
    """A session whose credentials come from STS AssumeRole (called with ``base``'s credentials)
    and refresh themselves before they expire.

    botocore's public extension point: a :class:`botocore.credentials.CredentialProvider` whose
    ``load`` returns :class:`botocore.credentials.DeferredRefreshableCredentials`, installed as
    the session's ``credential_provider`` component.
    """
    import botocore.session
    from botocore.credentials import (
        CredentialProvider,
        CredentialResolver,
        DeferredRefreshableCredentials,
    )

    sts = base.create_client("sts", region_name=region_name)

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

    class AssumeRoleCredentials(CredentialProvider):  # type: ignore[misc]
        METHOD = "assume-role"
        CANONICAL_NAME = "cleanroomsml-tf-assume-role"

        def load(self) -> Any:
            return DeferredRefreshableCredentials(fetch, self.METHOD)

    core = botocore.session.Session()
    core.register_component("credential_provider", CredentialResolver([AssumeRoleCredentials()]))
    if region_name is not None:
        core.set_config_variable("region", region_name)
    return core
