"""Ringback's local certificate authority, the server certificate it signs, and the CA bundle.

The Python SDK only speaks https, so Ringback serves TLS. Trusting the CA needs only
`REQUESTS_CA_BUNDLE` (Python) or `NODE_EXTRA_CA_CERTS` (Node), pointed at `ca-bundle.pem`:
certifi's roots plus Ringback's CA, because `REQUESTS_CA_BUNDLE` *replaces* the trusted roots and
an app that also calls other HTTPS services must keep trusting them. `ca.pem` is the CA alone.

A trusted CA whose key sits on disk is a risk, so it is kept small: its name constraints
(critical) permit only the names Ringback serves (loopback, the host it listens on, Vonage's two
hosts for /etc/hosts mapping), and it lives 12 months (the server certificate 90 days). Both
are renewed 30 days before they expire; a CA that no longer fits (expiring, too long-lived or
unconstrained as older Ringbacks made it, or not covering a new host) is replaced, and that is
logged, since a client holding the old one must re-read the bundle.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ringback.core.private_files import make_private_dir, write_private

log = logging.getLogger("ringback")

# Vonage's real hosts are included so a machine that maps them to 127.0.0.1 in /etc/hosts
# (the only way to reach tools whose hosts cannot be configured) gets a valid certificate.
ALWAYS_NAMES = ("localhost", "127.0.0.1", "::1", "api.nexmo.com", "rest.nexmo.com")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
LOOPBACK_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))

CA_LIFETIME = dt.timedelta(days=365)
SERVER_LIFETIME = dt.timedelta(days=90)
RENEW_BEFORE = dt.timedelta(days=30)
BACKDATE = dt.timedelta(days=1)  # tolerate a client clock a little behind
# anything longer-lived is a CA from an older Ringback (10 years) and is replaced
LONGEST_CA = CA_LIFETIME + BACKDATE + dt.timedelta(days=1)


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    ca_bundle: Path
    cert: Path
    key: Path


Name = x509.DNSName | x509.IPAddress


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _san(name: str) -> Name:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name.lower())


def server_names(host: str, extra_names: Sequence[str] = ()) -> list[Name]:
    """What the server certificate carries: loopback, Vonage's hosts, `host` unless a wildcard.

    A pattern among `extra_names` (`*`, `*.example.com`) is left out: a name constraint cannot
    say it, and a wildcard certificate is not what a local server needs.
    """
    wanted = [n.strip() for n in (*ALWAYS_NAMES, host, *extra_names)]
    names = [_san(n) for n in wanted if n not in WILDCARD_HOSTS and "*" not in n]
    return list(dict.fromkeys(names))


def _permitted(names: Sequence[Name]) -> list[x509.GeneralName]:
    """The CA's permitted subtrees: `localhost`, the loopback networks, and every other name."""
    subtrees: list[x509.GeneralName] = [x509.DNSName("localhost")]
    subtrees += [x509.IPAddress(network) for network in LOOPBACK_NETWORKS]
    for name in names:
        if isinstance(name, x509.IPAddress):
            if not any(name.value in network for network in LOOPBACK_NETWORKS):
                subtrees.append(x509.IPAddress(ipaddress.ip_network(name.value)))
        elif not _dns_within(name.value, "localhost"):
            subtrees.append(name)
    return list(dict.fromkeys(subtrees))


def _dns_within(name: str, base: str) -> bool:
    return name == base or name.endswith("." + base)


def _covers(constraints: x509.NameConstraints, name: Name) -> bool:
    for subtree in constraints.permitted_subtrees or []:
        if isinstance(name, x509.DNSName) and isinstance(subtree, x509.DNSName):
            if _dns_within(name.value, subtree.value.lstrip(".")):
                return True
        elif isinstance(name, x509.IPAddress) and isinstance(subtree, x509.IPAddress):
            network = subtree.value
            if isinstance(network, ipaddress.IPv4Network | ipaddress.IPv6Network) and (
                name.value in network
            ):
                return True
    return False


def _load_pair(
    cert_path: Path, key_path: Path
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    """The certificate and its key, or None when either is missing, unreadable or they differ."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        return None
    if cert.public_key() != key.public_key():
        return None
    return cert, key


def _ca_problem(ca: x509.Certificate, names: Sequence[Name], now: dt.datetime) -> str | None:
    """Why this CA must be replaced, or None if it is fine."""
    if ca.not_valid_after_utc - RENEW_BEFORE <= now:
        return f"it expires on {ca.not_valid_after_utc:%Y-%m-%d}"
    if ca.not_valid_after_utc - ca.not_valid_before_utc > LONGEST_CA:
        return "it was made by an older Ringback: valid for years and without name constraints"
    try:
        extension = ca.extensions.get_extension_for_class(x509.NameConstraints)
    except x509.ExtensionNotFound:
        return "it has no name constraints (made by an older Ringback)"
    uncovered = [str(n.value) for n in names if not _covers(extension.value, n)]
    if uncovered:
        return f"its name constraints do not cover {', '.join(uncovered)}"
    return None


def _new_ca(
    names: Sequence[Name], now: dt.datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ringback"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Ringback local CA {now:%Y-%m-%d}"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.NameConstraints(permitted_subtrees=_permitted(names), excluded_subtrees=None),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _server_problem(
    path: Path,
    key_path: Path,
    names: Sequence[Name],
    ca: x509.Certificate,
    now: dt.datetime,
) -> str | None:
    """Why the server certificate must be re-issued, or None if it is fine."""
    pair = _load_pair(path, key_path)
    if pair is None:
        return "there is none yet"
    cert = pair[0]
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return "the CA changed"
    if cert.not_valid_after_utc - RENEW_BEFORE <= now:
        return f"it expires on {cert.not_valid_after_utc:%Y-%m-%d}"
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return "it has no names"
    if set(sans) != set(names):
        return "the names it must carry changed"
    return None


def _new_server_cert(
    names: Sequence[Name],
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    now: dt.datetime,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        # never outliving its CA
        .not_valid_after(min(now + SERVER_LIFETIME, ca.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def bundle_pem(ca: x509.Certificate) -> bytes:
    """certifi's roots, then Ringback's CA."""
    roots = Path(certifi.where()).read_bytes().rstrip(b"\n")
    ours = ca.public_bytes(serialization.Encoding.PEM)
    return roots + b"\n\n# Ringback local CA\n" + ours


def ensure_tls(
    directory: Path,
    host: str,
    extra_names: Sequence[str] = (),
    *,
    now: dt.datetime | None = None,
) -> TlsFiles:
    """The CA, the server certificate for `host` and `extra_names`, and the bundle, current.

    `now` is real time by default (clients check certificates against their own clock, not
    Ringback's simulated one); tests pass a later one to see renewals.
    """
    now = now or dt.datetime.now(dt.UTC)
    make_private_dir(directory)
    files = TlsFiles(
        ca_cert=directory / "ca.pem",
        ca_bundle=directory / "ca-bundle.pem",
        cert=directory / "server.pem",
        key=directory / "server-key.pem",
    )
    ca_key_path = directory / "ca-key.pem"
    names = server_names(host, extra_names)

    first = not files.ca_cert.exists() and not ca_key_path.exists()
    pair = _load_pair(files.ca_cert, ca_key_path)
    if pair is None:
        problem: str | None = "its files were unreadable or did not match"
    else:
        problem = _ca_problem(pair[0], names, now)
    if pair is None or problem is not None:
        ca, ca_key = _new_ca(names, now)
        write_private(ca_key_path, _key_pem(ca_key))
        write_private(files.ca_cert, ca.public_bytes(serialization.Encoding.PEM))
        if first:
            log.info("created a local CA (valid until %s)", f"{ca.not_valid_after_utc:%Y-%m-%d}")
        else:
            log.warning(
                "the local CA changed (%s): clients must trust the new one; "
                "REQUESTS_CA_BUNDLE / NODE_EXTRA_CA_CERTS name %s, so restarting them is enough",
                problem,
                files.ca_bundle.resolve(),
            )
    else:
        ca, ca_key = pair

    bundle = bundle_pem(ca)
    if not files.ca_bundle.exists() or files.ca_bundle.read_bytes() != bundle:
        write_private(files.ca_bundle, bundle)

    problem = _server_problem(files.cert, files.key, names, ca, now)
    if problem is not None:
        cert, key = _new_server_cert(names, ca, ca_key, now)
        write_private(files.key, _key_pem(key))
        write_private(files.cert, cert.public_bytes(serialization.Encoding.PEM))
        log.info("issued a server certificate (%s)", problem)
    return files
