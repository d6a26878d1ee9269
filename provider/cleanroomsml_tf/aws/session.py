"""botocore sessions: shared config and credentials files, profile, region, assume-role.

Only botocore's public session API (``set_config_variable``, ``get_scoped_config``,
``register_component``, ``lazy_register_component``, ``get_component``, ``create_client``).
Sessions are not thread-safe, so they never leave :mod:`cleanroomsml_tf.aws` (the shared client
built from one is).
"""

from __future__ import annotations

import json
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
    use_client_services_loader(core)
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

CLIENT_ENDPOINT_PREFIXES = {"cleanroomsml": "cleanrooms-ml", "sts": "sts"}
"""Each service's ``endpointPrefix`` (its service model's metadata): the name its entry has in
the endpoints data, where botocore's endpoint resolver looks it up (tests compare this with the
installed botocore's models)."""

_ENDPOINTS_SERVICES = tuple(sorted({*CLIENT_SERVICES, *CLIENT_ENDPOINT_PREFIXES.values()}))

ENDPOINTS = "endpoints"
"""The data name botocore's session loads its endpoint resolver from
(``loader.load_data_with_path("endpoints")``: the partitions, their regions and every service's
endpoints, a 1.25 MB JSON file)."""

_ENDPOINTS_EXTENSIONS = (".json", ".json.gz")  # botocore's JSONFileLoader tries them in this order
_ENDPOINTS_CACHE_FORMAT = 2  # 1 kept services by name only, dropping cleanrooms-ml
_ENDPOINTS_CACHE_MAX_BYTES = 4 * 1024 * 1024  # ours is ~10 KB; a larger file is not ours to parse


def use_client_services_loader(core: Any) -> None:
    """Make :func:`client_services_loader` the botocore session's ``data_loader``.

    Lazily, as botocore registers its own: reading ``data_path`` resolves the profile, which
    must fail in :func:`session`, by name (profile_not_found), not here."""
    core.lazy_register_component("data_loader", lambda: client_services_loader(
        core.get_config_variable("data_path")))


def client_services_loader(data_path: str | None = None) -> Any:
    """botocore's data ``Loader`` (the default search paths, plus ``AWS_DATA_PATH`` /
    ``data_path`` as botocore's ``create_loader`` adds them), answering for
    :data:`CLIENT_SERVICES` only where botocore would read data about every service.

    * "Which services exist?": botocore checks that a service exists before loading its model
      by listing every service directory on the search paths (~400 of them, a directory
      listing each): ~13 ms a time, twice per client, in the launch that reads.
    * The endpoints data: botocore's session parses the whole ``endpoints.json`` (1.25 MB,
      ~25 ms) for each client's endpoint resolver, which only ever looks up the services it
      makes clients for. We answer with the same document whose partitions list only our
      services, cached on disk (:func:`client_endpoints`).

    For the services we ask for, the answers are the same (tests/test_session_loader.py
    compares them with botocore's own)."""
    from botocore.exceptions import DataNotFoundError
    from botocore.loaders import Loader

    class ClientServicesLoader(Loader):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.client_endpoints: tuple[Any, str] | None = None

        def list_available_services(self, type_name: str) -> list[str]:
            available = []
            for name in CLIENT_SERVICES:
                try:
                    self.list_api_versions(name, type_name)
                except DataNotFoundError:
                    continue
                available.append(name)
            return available

        def load_data_with_path(self, name: str) -> Any:
            if name != ENDPOINTS:
                return super().load_data_with_path(name)
            if self.client_endpoints is None:
                # Once per loader, as botocore caches its own answer per loader instance.
                self.client_endpoints = (client_endpoints(self)
                                         or super().load_data_with_path(name))
            return self.client_endpoints

    if not data_path:
        return ClientServicesLoader()
    paths = [os.path.expanduser(os.path.expandvars(path)) for path in data_path.split(os.pathsep)]
    return ClientServicesLoader(extra_search_paths=paths)


def client_endpoints(loader: Any) -> tuple[Any, str] | None:
    """What ``loader.load_data_with_path("endpoints")`` returns in botocore (the document, and
    the path it came from without its extension: botocore's ``is_builtin_path`` decides from
    it whether the endpoint rule sets are used as for its own data), with the partitions'
    services reduced to our services' (:func:`reduce_endpoints`).

    The reduced document is cached under the user's cache directory, keyed by the source
    file's identity (path, size, mtime, inode), botocore's version and our services: a
    botocore upgrade or another ``AWS_DATA_PATH`` file gets a new one. ``None`` (botocore then
    reads its file itself) when no endpoints file is on the search paths, or it is in a form
    we do not know. A cache that cannot be read, is damaged or is someone else's is ignored
    (and replaced when we can)."""
    import botocore

    source = _endpoints_source(loader)
    if source is None:
        return None
    base, file = source
    try:
        before = os.stat(file)
        key = {"format": _ENDPOINTS_CACHE_FORMAT, "source": file, "size": before.st_size,
               "mtime_ns": before.st_mtime_ns, "inode": before.st_ino,
               "botocore": botocore.__version__, "services": list(_ENDPOINTS_SERVICES)}
        cache = endpoints_cache_path(file)
        if cache is None:
            return None  # nowhere to cache it: botocore's own answer
        cached = _read_endpoints_cache(cache, key)
        if cached is not None:
            return cached, base
        full = loader.file_loader.load_file(base)  # botocore's own parse of its file
        reduced = reduce_endpoints(full)
        if reduced is None:
            return None  # a form we do not know: botocore's answer, unchanged
        after = os.stat(file)
    except (OSError, ValueError):
        return None
    if (after.st_size, after.st_mtime_ns, after.st_ino) == (
            before.st_size, before.st_mtime_ns, before.st_ino):  # not replaced meanwhile
        _write_endpoints_cache(cache, key, reduced)
    return reduced, base


def _endpoints_source(loader: Any) -> tuple[str, str] | None:
    """(the path botocore returns, the file it reads) for the endpoints data: the first search
    path (an existing directory) that has one, as botocore's ``load_data_with_path`` looks."""
    for directory in loader.search_paths:
        if not os.path.isdir(directory):
            continue
        base = os.path.join(directory, ENDPOINTS)
        if not loader.file_loader.exists(base):
            continue
        for extension in _ENDPOINTS_EXTENSIONS:
            if os.path.isfile(base + extension):
                return base, base + extension
        return None  # a form of file we do not know: botocore reads it
    return None


def reduce_endpoints(document: Any) -> Any:
    """The endpoints document with each partition's ``services`` reduced to our services'
    entries (keyed by endpoint prefix, :data:`CLIENT_ENDPOINT_PREFIXES`; by name too); every
    other key of the document and of each partition unchanged (regions, regionRegex,
    dnsSuffix, defaults, variants: what botocore's ``EndpointResolver`` consults besides the
    service itself). ``None`` when the document is not in that form."""
    if not isinstance(document, dict) or not isinstance(document.get("partitions"), list):
        return None
    partitions = []
    for partition in document["partitions"]:
        if not isinstance(partition, dict) or not isinstance(partition.get("services"), dict):
            return None
        services = partition["services"]
        partitions.append({**partition, "services": {
            name: data for name, data in services.items() if name in _ENDPOINTS_SERVICES}})
    return {**document, "partitions": partitions}


def endpoints_cache_path(source: str) -> str | None:
    """Where the reduced endpoints data of ``source`` is cached: one file per source file (two
    virtualenvs do not overwrite each other's), under ``$XDG_CACHE_HOME`` (default
    ``~/.cache``)/cleanroomsml-tf, beside the plugin's TLS identity."""
    import hashlib

    from cleanroomsml_tf.output.cache import cache_directory

    directory = cache_directory()
    if directory is None:
        return None  # nowhere to cache: botocore reads its own file
    digest = hashlib.sha256(os.fsencode(source)).hexdigest()[:24]
    return os.path.join(directory, f"botocore-endpoints-{digest}.json")


def _ours(info: os.stat_result, *, directory: bool) -> bool:
    """Ours, and nobody else may write it: the endpoints data decides where requests go."""
    from cleanroomsml_tf.output.cache import owned

    return owned(info, directory=directory, forbidden=0o022)


def _read_endpoints_cache(path: str, key: dict[str, Any]) -> Any:
    from collections import OrderedDict

    # Not through a symlink, and never blocking on a FIFO put in its place; checked on the
    # file opened, not on the name.
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        if not _ours(os.lstat(os.path.dirname(path)), directory=True):
            return None
        descriptor = os.open(path, flags)
        with open(descriptor, "rb") as file:
            if not _ours(os.fstat(descriptor), directory=False):
                return None
            data = file.read(_ENDPOINTS_CACHE_MAX_BYTES + 1)
            if len(data) > _ENDPOINTS_CACHE_MAX_BYTES:
                return None
            document = json.loads(data.decode("utf-8"), object_pairs_hook=OrderedDict)
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deep to parse
        return None
    if not isinstance(document, dict) or document.get("key") != key:
        return None  # another source file, botocore version or format: rebuilt
    endpoints = document.get("endpoints")
    return endpoints if reduce_endpoints(endpoints) is not None else None


def _write_endpoints_cache(path: str, key: dict[str, Any], endpoints: Any) -> None:
    """Atomically (launches may race); nothing when the directory is not ours or cannot be
    written (a read-only HOME only costs the next launch the full parse)."""
    import stat

    from cleanroomsml_tf.output.atomic import atomic_write_text

    directory = os.path.dirname(path)
    try:
        payload = json.dumps({"key": key, "endpoints": endpoints}, separators=(",", ":"))
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not _ours(os.lstat(directory), directory=True):
            return
        if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
            os.unlink(path)  # a link, FIFO or device in our place: our own file instead
        atomic_write_text(path, payload, mode=0o644)
    except (OSError, ValueError, TypeError):
        pass


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
    use_client_services_loader(core)
    core.register_component("credential_provider", CredentialResolver([AssumeRoleCredentials()]))
    if region_name is not None:
        core.set_config_variable("region", region_name)
    return core
