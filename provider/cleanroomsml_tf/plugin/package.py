"""Release artifacts and a Provider Network Mirror tree: ``cleanroomsml-tf package --out DIR``.

DIR receives, for one provider version and a set of platforms:

* the registry release assets, what a private registry or a GitHub release takes:
  ``terraform-provider-cleanroomsml_VERSION_OS_ARCH.zip`` per platform,
  ``terraform-provider-cleanroomsml_VERSION_manifest.json`` (plugin protocol 6) and
  ``terraform-provider-cleanroomsml_VERSION_SHA256SUMS`` (``sha256sum`` format, both above);
* a Provider Network Mirror Protocol tree, so a static HTTPS server or bucket serving DIR is a
  ``provider_installation { network_mirror { url = "https://HOST/" } }``:
  ``registry.terraform.io/cleanroomsml-tf/cleanroomsml/index.json`` (every version packaged into
  DIR so far) and ``.../VERSION.json`` (each platform's archive, by a URL relative to that file,
  with its ``h1:`` and ``zh:`` hashes).

Every byte is reproducible: the archives hold the launcher of :mod:`plugin.launcher` (the very
bytes ``install`` writes, so a lock file from the mirror and one from ``install`` agree) with a
fixed time stamp and mode, stored uncompressed (deflate output may differ between zlib builds),
and the JSON is written with sorted keys. The launcher is a shell script, so the archives of all
platforms are identical and share one hash.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanroomsml_tf import PROVIDER_HOSTNAME, PROVIDER_SOURCE, __version__
from cleanroomsml_tf.model.errors import CleanroomsmlTfError
from cleanroomsml_tf.output.atomic import atomic_write_bytes
from cleanroomsml_tf.plugin.launcher import EXECUTABLE_NAME, check_platform, launcher_script

DEFAULT_PLATFORMS = ("linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64")
PROTOCOL_VERSIONS = ("6.0",)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build time in the bytes


class PackageError(CleanroomsmlTfError):
    """The output directory holds something that is not ours to extend."""

    summary = "Package error"


@dataclass(frozen=True)
class PackageResult:
    """What :func:`package` wrote (paths inside its ``out`` directory)."""

    archives: dict[str, Path]
    sha256sums: Path
    manifest: Path
    mirror_index: Path
    mirror_version: Path


def archive_name(platform: str, version: str = __version__) -> str:
    """``terraform-provider-cleanroomsml_VERSION_OS_ARCH.zip``."""
    return f"{EXECUTABLE_NAME}_{version}_{platform}.zip"


def archive_bytes(version: str = __version__) -> bytes:
    """The zip of one platform: the launcher as ``terraform-provider-cleanroomsml_vVERSION``."""
    info = zipfile.ZipInfo(f"{EXECUTABLE_NAME}_v{version}", date_time=_ZIP_TIME)
    info.create_system = 3  # Unix, so that the mode below is honoured when Terraform unpacks it
    info.external_attr = (0o100755 << 16)
    info.compress_type = zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, launcher_script(version).encode())
    return buffer.getvalue()


def zh_hash(archive: bytes) -> str:
    """Terraform's ``zh:`` hash: the SHA-256 of the archive file."""
    return "zh:" + hashlib.sha256(archive).hexdigest()


def h1_hash(archive: bytes) -> str:
    """Terraform's ``h1:`` hash of the archive's contents (Go's dirhash "Hash1": the SHA-256 of
    the sorted ``sha256  name`` lines), the same for the zip and for the unpacked directory
    ``install`` writes."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        for name in sorted(opened.namelist()):
            lines.append(f"{hashlib.sha256(opened.read(name)).hexdigest()}  {name}\n")
    return "h1:" + base64.b64encode(hashlib.sha256("".join(lines).encode()).digest()).decode()


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode()


def package(out: Path, platforms: Sequence[str] = DEFAULT_PLATFORMS,
            version: str = __version__) -> PackageResult:
    """Write the release assets and the network mirror tree for ``version`` into ``out``."""
    names = sorted(dict.fromkeys(check_platform(name) for name in platforms))
    if not names:
        raise PackageError("no platform to package")
    out = Path(out)
    mirror = out.joinpath(PROVIDER_HOSTNAME, *PROVIDER_SOURCE.split("/"))
    mirror.mkdir(parents=True, exist_ok=True)
    index = mirror / "index.json"
    versions = _versions(index)  # before writing anything: refuse a foreign index.json
    archive = archive_bytes(version)
    hashes = sorted([h1_hash(archive), zh_hash(archive)])
    archives = {}
    for name in names:
        archives[name] = out / archive_name(name, version)
        atomic_write_bytes(archives[name], archive, mode=0o644)

    manifest = out / f"{EXECUTABLE_NAME}_{version}_manifest.json"
    atomic_write_bytes(manifest, _json(
        {"version": 1, "metadata": {"protocol_versions": list(PROTOCOL_VERSIONS)}}), mode=0o644)
    sums = out / f"{EXECUTABLE_NAME}_{version}_SHA256SUMS"
    listed = sorted([*archives.values(), manifest], key=lambda p: p.name)
    atomic_write_bytes(sums, "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in listed).encode(),
        mode=0o644)

    # URLs relative to VERSION.json (three levels below `out`): one copy of each archive serves
    # both the release assets and the mirror.
    up = "../" * 3
    version_json = mirror / f"{version}.json"
    atomic_write_bytes(version_json, _json({"archives": {
        name: {"url": up + archives[name].name, "hashes": hashes} for name in names}}),
        mode=0o644)
    versions[version] = {}
    atomic_write_bytes(index, _json({"versions": versions}), mode=0o644)
    return PackageResult(archives, sums, manifest, index, version_json)


def _versions(index: Path) -> dict[str, Any]:
    """The versions an existing ``index.json`` lists (a mirror accumulates releases)."""
    try:
        document = json.loads(index.read_text())
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise PackageError(f"{index} is not JSON ({error}); remove it or package into an "
                           "empty directory") from None
    versions = document.get("versions") if isinstance(document, dict) else None
    if not isinstance(versions, dict):
        raise PackageError(f"{index} has no \"versions\" object; remove it or package into an "
                         "empty directory")
    return {name: {} for name in versions}
