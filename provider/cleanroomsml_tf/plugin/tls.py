"""The plugin's TLS identity: a self-signed ``localhost`` certificate, cached across launches.

go-plugin (Terraform) dials the plugin over TLS and trusts exactly the certificate the plugin
prints in its handshake line. Terraform launches the plugin ~3 times per plan, so the key pair is
generated once and cached under ``$XDG_CACHE_HOME`` (default ``~/.cache``). The cache records the
expiry time itself, so a warm start reads one small JSON file and never imports ``cryptography``
(~30 ms saved before the handshake).

The cache holds a private key, so it is reused only when nobody else could have read or planted
it: a regular file (not a symlink) owned by the user with mode 0600, in a directory owned by the
user with mode 0700. Anything else gets a new key; a directory of ours that is too open is
tightened to 0700 first, one that belongs to someone else is not written to at all (the new key
then lives for this launch only).
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections import namedtuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike

_VALIDITY_SECONDS = 30 * 24 * 3600
_RENEW_BEFORE_SECONDS = 24 * 3600  # never hand Terraform a certificate about to expire
_CACHE_NAME = "plugin-tls-v1.json"


class Identity(namedtuple("Identity", ("key_pem", "cert_pem", "cert_der", "not_after"))):
    """PEM key and certificate for the gRPC server (bytes), DER certificate for the handshake
    (bytes), expiry time (epoch seconds). A named tuple rather than a dataclass: read before
    every handshake, and ``dataclasses`` (with the ``inspect`` it imports) costs a launch ~10 ms.
    """

    __slots__ = ()

    @property
    def handshake_cert(self) -> str:
        """The certificate as go-plugin's handshake wants it: base64 DER, no padding."""
        return base64.b64encode(self.cert_der).decode().rstrip("=")


# os.path, not pathlib: this runs before every handshake, and pathlib (with the urllib.parse and
# ipaddress it imports) is not otherwise needed by a launch that only answers the schema.
def cache_path() -> str | None:
    """Where the identity is cached (``None``: nowhere to cache it, see ``cache_directory``)."""
    from cleanroomsml_tf.output.cache import cache_directory

    directory = cache_directory()
    return None if directory is None else os.path.join(directory, _CACHE_NAME)


def load_or_create(path: str | PathLike[str] | None = None,
                   now: float | None = None) -> Identity:
    """The cached identity when still valid for a day, else a new one (cached atomically)."""
    path = os.fspath(path) if path is not None else cache_path()
    now = time.time() if now is None else now
    identity = _load(path) if path is not None else None
    if identity is not None and identity.not_after - now > _RENEW_BEFORE_SECONDS:
        return identity
    identity = generate(now)
    if path is not None:
        _store(path, identity)
    return identity


def _private(path: str) -> bool:
    """True when ``path`` is a regular file owned by us, mode 0600 (or stricter), in a directory
    owned by us, mode 0700 (or stricter); symlinks are not followed."""
    from cleanroomsml_tf.output.cache import owned

    try:
        directory, file = os.lstat(os.path.dirname(path)), os.lstat(path)
    except OSError:
        return False
    return (owned(directory, directory=True, forbidden=0o077)
            and owned(file, directory=False, forbidden=0o077))


def _private_directory(directory: str) -> bool:
    """Make ``directory`` (ours) 0700, creating it if needed; False when it is not ours."""
    from cleanroomsml_tf.output.cache import owned

    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        info = os.lstat(directory)
        if not owned(info, directory=True, forbidden=0):
            return False
        if info.st_mode & 0o077:
            os.chmod(directory, 0o700)
    except OSError:
        return False
    return True


def _load(path: str) -> Identity | None:
    if not _private(path):
        return None  # missing, or others could read (or have planted) it: a new key
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
        return Identity(
            key_pem=data["key_pem"].encode(),
            cert_pem=data["cert_pem"].encode(),
            cert_der=base64.b64decode(data["cert_der"]),
            not_after=float(data["not_after"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged cache: regenerate


def _store(path: str, identity: Identity) -> None:
    """Write atomically, owner-only (it holds the private key): parallel launches may race."""
    payload = json.dumps({
        "key_pem": identity.key_pem.decode(),
        "cert_pem": identity.cert_pem.decode(),
        "cert_der": base64.b64encode(identity.cert_der).decode(),
        "not_after": identity.not_after,
    })
    from cleanroomsml_tf.output.atomic import atomic_write_text

    if not _private_directory(os.path.dirname(path)):
        return  # someone else's directory: this launch's key is not cached
    try:
        if os.path.islink(path):
            os.unlink(path)  # write our own file, not through a link someone else planted
        atomic_write_text(path, payload, mode=0o600)
    except OSError:
        pass  # a read-only HOME only costs the next launch a new key


def generate(now: float | None = None) -> Identity:
    """A fresh P-256 key and a self-signed ``localhost`` certificate (fast to make, unlike RSA)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = time.time() if now is None else now
    start = dt.datetime.fromtimestamp(now - 60, dt.UTC)
    end = dt.datetime.fromtimestamp(now + _VALIDITY_SECONDS, dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=True, key_cert_sign=True, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return Identity(
        key_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        cert_der=cert.public_bytes(serialization.Encoding.DER),
        not_after=end.timestamp(),
    )
