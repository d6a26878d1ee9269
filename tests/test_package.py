"""``cleanroomsml-tf package``: reproducible release assets, and a network mirror that real
Terraform installs from over HTTPS (a private CA trusted through ``SSL_CERT_FILE``)."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from cleanroomsml_tf import __version__
from cleanroomsml_tf.cli import package_command
from cleanroomsml_tf.plugin import package as packaging
from cleanroomsml_tf.plugin.install import install
from cleanroomsml_tf.plugin.launcher import launcher_script
from tests.support import team_docs
from tests.support.example_ids import CHURN, COLLABORATION
from tests.support.terraform import TerraformRunner, terraform_env

NAME = "terraform-provider-cleanroomsml"
MIRROR = Path("registry.terraform.io", "cleanroomsml-tf", "cleanroomsml")


def run_package(out: Path, *platforms: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "cleanroomsml_tf", "package", "--out", str(out)]
    for platform in platforms:
        argv += ["--platform", platform]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_release_assets(tmp_path: Path) -> None:
    result = run_package(tmp_path / "out")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    platforms = sorted(package_command.DEFAULT_PLATFORMS)
    assert platforms == sorted(packaging.DEFAULT_PLATFORMS)
    zips = [f"{NAME}_{__version__}_{p}.zip" for p in platforms]
    manifest = f"{NAME}_{__version__}_manifest.json"
    sums = f"{NAME}_{__version__}_SHA256SUMS"
    assert sorted(tree(out)) == sorted([
        *zips, manifest, sums, str(MIRROR / "index.json"), str(MIRROR / f"{__version__}.json")])

    # SHA256SUMS matches the files, in sha256sum's format.
    listed = dict(reversed(line.split("  ")) for line in (out / sums).read_text().splitlines())
    assert sorted(listed) == sorted([*zips, manifest])
    for name, digest in listed.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    check = subprocess.run(["sha256sum", "--check", "--strict", sums], cwd=out,
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr

    assert json.loads((out / manifest).read_text()) == {
        "version": 1, "metadata": {"protocol_versions": ["6.0"]}}
    with zipfile.ZipFile(out / zips[0]) as archive:
        (info,) = archive.infolist()
        assert info.filename == f"{NAME}_v{__version__}"
        assert (info.external_attr >> 16) == 0o100755
        assert archive.read(info) == launcher_script(__version__).encode()
        # The same bytes `install` writes: a lock file from the mirror fits the local mirror.
        assert archive.read(info) == install(tmp_path / "m", home=tmp_path).read_bytes()

    index = json.loads((out / MIRROR / "index.json").read_text())
    assert index == {"versions": {__version__: {}}}
    archives = json.loads((out / MIRROR / f"{__version__}.json").read_text())["archives"]
    assert sorted(archives) == platforms
    for platform, entry in archives.items():
        data = (out / MIRROR / entry["url"]).resolve().read_bytes()
        assert entry["url"] == f"../../../{NAME}_{__version__}_{platform}.zip"
        assert f"zh:{hashlib.sha256(data).hexdigest()}" in entry["hashes"]
        assert packaging.h1_hash(data) in entry["hashes"]


def test_two_runs_give_identical_bytes(tmp_path: Path) -> None:
    assert run_package(tmp_path / "one", "linux_amd64", "darwin_arm64").returncode == 0
    assert run_package(tmp_path / "two", "darwin_arm64", "linux_amd64").returncode == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert run_package(tmp_path / "one", "linux_amd64", "darwin_arm64").returncode == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "two")  # re-packaging changes nothing


def test_index_keeps_other_versions(tmp_path: Path) -> None:
    index = tmp_path / MIRROR / "index.json"
    index.parent.mkdir(parents=True)
    index.write_text('{"versions": {"0.0.9": {}}}')
    assert run_package(tmp_path, "linux_amd64").returncode == 0
    assert json.loads(index.read_text()) == {"versions": {"0.0.9": {}, __version__: {}}}


@pytest.mark.parametrize(("platform", "message"), [
    ("windows_amd64", "POSIX shell script"), ("amd64", "expected OS_ARCH")])
def test_bad_platform_is_one_line(tmp_path: Path, platform: str, message: str) -> None:
    result = run_package(tmp_path / "out", platform)
    assert result.returncode == 1
    assert result.stderr.startswith("cleanroomsml-tf package: platform ") and message in (
        result.stderr)
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["file", "file-parent"])
def test_an_out_that_cannot_be_a_directory_names_the_option(tmp_path: Path, kind: str) -> None:
    file = tmp_path / "file"
    file.write_text("not a directory")
    out = file if kind == "file" else file / "out"
    result = run_package(out, "linux_amd64")
    assert result.returncode == 1
    assert result.stderr.startswith(f"cleanroomsml-tf package: --out {str(out)!r}: ")
    assert "Not a directory" in result.stderr and "expected a directory" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert file.read_text() == "not a directory"


def test_foreign_index_is_refused(tmp_path: Path) -> None:
    index = tmp_path / MIRROR / "index.json"
    index.parent.mkdir(parents=True)
    index.write_text("[1, 2]")
    result = run_package(tmp_path, "linux_amd64")
    assert result.returncode == 1
    assert f"{index} has no \"versions\" object" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.zip"))  # refused before writing anything


# --- served over HTTPS: what Terraform does with it ---------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    disable_nagle_algorithm = True
    requested: list[str]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        self.requested.append(self.path)


@pytest.fixture
def https_mirror(tmp_path: Path, tls_files) -> Iterator[tuple[str, Path, list[str]]]:
    """``package`` output served over HTTPS; (URL, directory, paths requested)."""
    site = tmp_path / "site"
    assert run_package(site).returncode == 0
    requested: list[str] = []
    handler = type("Handler", (_Handler,), {"requested": requested})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(handler, directory=str(site)))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files.server_cert, tls_files.server_key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/", site, requested
    finally:
        server.shutdown()
        server.server_close()


CONFIG = f"""
terraform {{
  required_providers {{
    cleanroomsml = {{ source = "cleanroomsml-tf/cleanroomsml", version = "{__version__}" }}
  }}
}}

locals {{ models = {{ churn = "{CHURN}" }} }}

data "cleanroomsml_collaboration_trained_model" "m" {{
  for_each                 = local.models
  trained_model_arn        = each.value
  collaboration_identifier = "{COLLABORATION}"
}}

output "status" {{ value = data.cleanroomsml_collaboration_trained_model.m["churn"].status }}
"""


@pytest.mark.terraform
def test_terraform_installs_from_the_https_mirror(
    terraform_binary, https_mirror, tls_files, emulator, tmp_path: Path
) -> None:
    url, site, requested = https_mirror
    home = tmp_path / "home"
    home.mkdir()
    # docs/index.md "A network mirror": its CLI configuration and lock command, as written.
    documented_url = "https://terraform-mirror.example.com/"
    (config,) = team_docs.blocks("A network mirror", "hcl")
    assert documented_url in config
    (home / ".terraformrc").write_text(config.replace(documented_url, url))
    (lock_command,) = team_docs.commands("A network mirror")
    assert "`cleanroomsml-tf package --out DIR`" in team_docs.section("A network mirror")
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "main.tf").write_text(CONFIG)
    env = terraform_env(home, {
        "SSL_CERT_FILE": str(tls_files.ca_cert),
        # The documented variable instead of `install`: this interpreter runs the provider.
        "CLEANROOMSML_TF_PYTHON": sys.executable,
        "AWS_ENDPOINT_URL_CLEANROOMSML": emulator.url,
    })
    tf = TerraformRunner(terraform_binary, workdir, env)
    init = tf.init()
    assert f"Installing cleanroomsml-tf/cleanroomsml v{__version__}" in init.stdout
    platform = f"{NAME}_{__version__}_linux_amd64.zip"
    assert f"/{platform}" in requested

    lock = workdir / ".terraform.lock.hcl"
    lock.unlink()
    assert lock_command[:3] == ["terraform", "providers", "lock"]
    tf.run(*[arg.replace(documented_url, url) for arg in lock_command[1:]])
    assert f"-net-mirror={documented_url}" in lock_command
    assert {"-platform=linux_amd64", "-platform=darwin_arm64"} <= set(lock_command)
    assert f"/{NAME}_{__version__}_darwin_arm64.zip" in requested
    archive = (site / platform).read_bytes()
    # Terraform records the h1: hash it computes for each platform's package (the zh: hashes a
    # mirror reports are unsigned, so it checks them but does not record them). Every platform's
    # archive holds the same launcher, hence one h1: for both -- the one `install` gives too.
    assert set(re.findall(r'"((?:h1|zh):[^"]+)"', lock.read_text())) == {
        packaging.h1_hash(archive)}

    tf.run("init", "-input=false")  # the new lock file is accepted
    tf.apply()
    assert tf.outputs() == {"status": "ACTIVE"}
    assert os.environ.get("SSL_CERT_FILE") != str(tls_files.ca_cert)  # only Terraform trusts it


@pytest.mark.terraform
def test_terraform_checks_the_mirror_hashes(
    terraform_binary, https_mirror, tls_files, tmp_path: Path
) -> None:
    """Terraform checks a downloaded archive against the hashes in VERSION.json (it accepts
    an archive that matches any of them, the ``zh:`` or the ``h1:``): another archive served
    under the same name is refused."""
    url, site, _ = https_mirror
    archive = site / f"{NAME}_{__version__}_linux_amd64.zip"
    archive.write_bytes(packaging.archive_bytes("0.0.1"))
    home = tmp_path / "home"
    home.mkdir()
    (home / ".terraformrc").write_text(
        f'provider_installation {{\n  network_mirror {{\n    url = "{url}"\n  }}\n}}\n')
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "main.tf").write_text(CONFIG)
    tf = TerraformRunner(terraform_binary, workdir,
                         terraform_env(home, {"SSL_CERT_FILE": str(tls_files.ca_cert)}))
    init = tf.run("init", "-input=false", check=False)
    assert init.returncode == 1
    text = " ".join(init.stderr.split())
    assert "provider package doesn't match the" in text and "expected checksum" in text
