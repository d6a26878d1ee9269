"""A private certificate authority and server certificates for HTTPS tests, made with
``cryptography`` once per session in a temporary directory.

* ``tls_files``: a :class:`TlsFiles` — the CA certificate (what ``AWS_CA_BUNDLE`` trusts), a
  server certificate for ``127.0.0.1``/``localhost`` and one for ``example.com`` (the wrong host
  name), both signed by the CA, each with its key.
* ``tls_emulator``: the session-wide emulator with the example data, serving HTTPS with the
  ``127.0.0.1`` certificate. Shared: do not change its data or faults.
* ``wrong_host_emulator``: the same over HTTPS with the ``example.com`` certificate.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cleanroomsml_tf.emulator import Emulator


@dataclass(frozen=True)
class TlsFiles:
    """PEM files: the CA, and two server certificates signed by it with their keys."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    wrong_host_cert: Path
    wrong_host_key: Path


def _key() -> Any:
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())  # fast to make, unlike RSA


def _write_key(key: Any, path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    path.chmod(0o600)


def _write_cert(cert: Any, path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _name(common_name: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cleanroomsml-tf tests"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _validity() -> tuple[dt.datetime, dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    return now - dt.timedelta(minutes=5), now + dt.timedelta(days=2)


def make_ca(directory: Path) -> tuple[Any, Any]:
    """A self-signed CA (key, certificate), its certificate written to ``ca.pem``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    key = _key()
    start, end = _validity()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("cleanroomsml-tf test CA"))
        .issuer_name(_name("cleanroomsml-tf test CA"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_cert(cert, directory / "ca.pem")
    return key, cert


def make_server_cert(ca_key: Any, ca_cert: Any, names: Sequence[str], cert_path: Path,
                     key_path: Path) -> None:
    """A server certificate for ``names`` (DNS names or IP addresses) signed by the CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    alternatives: list[x509.GeneralName] = []
    for name in names:
        try:
            alternatives.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alternatives.append(x509.DNSName(name))
    key = _key()
    start, end = _validity()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write_cert(cert, cert_path)
    _write_key(key, key_path)


def make_tls_files(directory: Path) -> TlsFiles:
    """Write a CA and two server certificates into ``directory``."""
    ca_key, ca_cert = make_ca(directory)
    files = TlsFiles(
        ca_cert=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server-key.pem",
        wrong_host_cert=directory / "example-com.pem",
        wrong_host_key=directory / "example-com-key.pem",
    )
    make_server_cert(ca_key, ca_cert, ["127.0.0.1", "localhost"], files.server_cert,
                     files.server_key)
    make_server_cert(ca_key, ca_cert, ["example.com"], files.wrong_host_cert,
                     files.wrong_host_key)
    return files


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """The test CA and server certificates (made once per session)."""
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def tls_emulator(tls_files: TlsFiles) -> Iterator[Emulator]:
    """The example data over HTTPS at ``https://127.0.0.1:PORT``, signed by the test CA."""
    with Emulator(tls_cert=tls_files.server_cert, tls_key=tls_files.server_key) as em:
        yield em


@pytest.fixture(scope="session")
def wrong_host_emulator(tls_files: TlsFiles) -> Iterator[Emulator]:
    """The example data over HTTPS with a certificate issued to ``example.com`` (test CA)."""
    with Emulator(tls_cert=tls_files.wrong_host_cert, tls_key=tls_files.wrong_host_key) as em:
        yield em
