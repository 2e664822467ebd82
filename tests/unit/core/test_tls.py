"""The local CA: constrained to the names Ringback serves, months not years, renewed in time."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import logging
import os
import re
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ringback.core.tls import TlsFiles, ensure_tls

T0 = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def fingerprint(cert: x509.Certificate) -> bytes:
    return cert.fingerprint(hashes.SHA256())


def constraints(cert: x509.Certificate) -> x509.Extension[x509.NameConstraints]:
    return cert.extensions.get_extension_for_class(x509.NameConstraints)


def pem_blocks(path: Path | str) -> list[bytes]:
    """The certificates of a PEM file, as text: one of certifi's roots has a serial number
    `cryptography` warns about (and will one day refuse) parsing, though OpenSSL takes it."""
    return re.findall(
        rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", Path(path).read_bytes(), re.S
    )


def sans(path: Path) -> set[x509.GeneralName]:
    cert = load(path)
    return set(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)


def dns(name: str) -> x509.DNSName:
    return x509.DNSName(name)


def ip(value: str) -> x509.IPAddress:
    return x509.IPAddress(ipaddress.ip_network(value))


def handshake(server: ssl.SSLContext, client: ssl.SSLContext, hostname: str) -> None:
    """A real TLS handshake between two in-memory ends, no sockets."""
    s_in, s_out, c_in, c_out = (ssl.MemoryBIO() for _ in range(4))
    server_end = server.wrap_bio(s_in, s_out, server_side=True)
    client_end = client.wrap_bio(c_in, c_out, server_hostname=hostname)
    done = {"client": False, "server": False}
    for _ in range(20):
        for name, end in (("client", client_end), ("server", server_end)):
            if not done[name]:
                try:
                    end.do_handshake()
                    done[name] = True
                except ssl.SSLWantReadError:
                    pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if all(done.values()):
            return
    raise AssertionError("handshake did not finish")


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def sign_leaf(directory: Path, name: str) -> tuple[Path, Path]:
    """A server certificate for `name` signed with Ringback's CA key, as a thief of it could."""
    ca = load(directory / "ca.pem")
    ca_key = serialization.load_pem_private_key(
        (directory / "ca-key.pem").read_bytes(), password=None
    )
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=10))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = directory / "evil.pem", directory / "evil-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def old_ringback_ca(directory: Path) -> None:
    """The CA an older Ringback made: ten years, no name constraints."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ringback local CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "ca-key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    return ensure_tls(tmp_path / "data", "127.0.0.1")


def test_the_ca_is_constrained_to_the_names_ringback_serves(tls: TlsFiles) -> None:
    extension = constraints(load(tls.ca_cert))
    assert extension.critical
    assert set(extension.value.permitted_subtrees or []) == {
        dns("localhost"),
        dns("api.nexmo.com"),
        dns("rest.nexmo.com"),
        ip("127.0.0.0/8"),
        ip("::1/128"),
    }
    assert extension.value.excluded_subtrees is None
    assert isinstance(load(tls.ca_cert).public_key(), ec.EllipticCurvePublicKey)


def test_lifetimes_are_months_not_years(tls: TlsFiles) -> None:
    ca, leaf = load(tls.ca_cert), load(tls.cert)
    ca_days = (ca.not_valid_after_utc - ca.not_valid_before_utc).days
    leaf_days = (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days
    assert 330 <= ca_days <= 396  # about 12 months, at most 13
    assert 80 <= leaf_days <= 92


def test_the_server_certificate_carries_loopback_and_vonages_hosts(tls: TlsFiles) -> None:
    assert sans(tls.cert) == {
        dns("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
        dns("api.nexmo.com"),
        dns("rest.nexmo.com"),
    }


def test_a_specific_host_and_extra_names_are_permitted_and_carried(tmp_path: Path) -> None:
    files = ensure_tls(tmp_path, "192.168.7.20", ["ringback.test"])
    permitted = set(constraints(load(files.ca_cert)).value.permitted_subtrees or [])
    assert {ip("192.168.7.20/32"), dns("ringback.test")} <= permitted
    assert {x509.IPAddress(ipaddress.ip_address("192.168.7.20")), dns("ringback.test")} <= sans(
        files.cert
    )


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::"])
def test_a_wildcard_host_widens_nothing(tmp_path: Path, wildcard: str) -> None:
    files = ensure_tls(tmp_path, wildcard, ["*", "*.example.com"])
    assert len(constraints(load(files.ca_cert)).value.permitted_subtrees or []) == 5
    assert len(sans(files.cert)) == 5


@pytest.mark.parametrize("hostname", ["localhost", "127.0.0.1", "::1", "api.nexmo.com"])
def test_clients_trusting_the_bundle_accept_the_server(tls: TlsFiles, hostname: str) -> None:
    client = ssl.create_default_context(cafile=tls.ca_bundle)
    handshake(server_context(tls.cert, tls.key), client, hostname)


def test_a_certificate_for_another_name_is_refused_even_signed_by_the_ca(tls: TlsFiles) -> None:
    cert, key = sign_leaf(tls.ca_cert.parent, "bank.example.com")
    client = ssl.create_default_context(cafile=tls.ca_bundle)
    with pytest.raises(ssl.SSLCertVerificationError, match="permitted subtree violation"):
        handshake(server_context(cert, key), client, "bank.example.com")


NODE_CONNECT = """
const tls = require("tls");
const [port, servername] = process.argv.slice(1);
let trusted = false;
const socket = tls.connect({ host: "127.0.0.1", port: Number(port), servername }, () => {
  trusted = true;
  console.log("trusted");
  socket.end();
});
// once trusted, how the test server hangs up (often without close_notify) is not the question
socket.on("error", (e) => { if (!trusted) console.log(e.message); });
"""


def node_connect(server: ssl.SSLContext, hostname: str, bundle: Path) -> str:
    """What Node (NODE_EXTRA_CA_CERTS=bundle) says of a TLS server using `server`."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve_one() -> None:
        conn, _ = listener.accept()
        with contextlib.suppress(OSError), server.wrap_socket(conn, server_side=True):
            pass

    thread = threading.Thread(target=serve_one, daemon=True)
    thread.start()
    try:
        done = subprocess.run(
            ["node", "-e", NODE_CONNECT, str(listener.getsockname()[1]), hostname],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "NODE_EXTRA_CA_CERTS": str(bundle)},
        )
    finally:
        thread.join(10)
        listener.close()
    return done.stdout.strip()


def test_node_trusts_the_server_and_refuses_another_name_signed_by_the_ca(tls: TlsFiles) -> None:
    assert node_connect(server_context(tls.cert, tls.key), "localhost", tls.ca_bundle) == "trusted"
    cert, key = sign_leaf(tls.ca_cert.parent, "bank.example.com")
    refused = node_connect(server_context(cert, key), "bank.example.com", tls.ca_bundle)
    assert refused == "permitted subtree violation"


def test_the_bundle_is_certifis_roots_plus_the_ca(tls: TlsFiles) -> None:
    roots = pem_blocks(certifi.where())
    bundle = pem_blocks(tls.ca_bundle)
    assert bundle == [*roots, *pem_blocks(tls.ca_cert)]
    assert len(roots) > 100
    # what requests does with REQUESTS_CA_BUNDLE: every root loads as a trust anchor
    anchors = ssl.create_default_context(cafile=tls.ca_bundle).get_ca_certs()
    assert len(anchors) == len(roots) + 1
    # ca.pem stays the CA alone
    assert len(pem_blocks(tls.ca_cert)) == 1


def test_a_second_start_keeps_everything(tmp_path: Path) -> None:
    first = ensure_tls(tmp_path, "127.0.0.1", now=T0)
    before = {p: p.read_bytes() for p in (first.ca_cert, first.ca_bundle, first.cert, first.key)}
    ensure_tls(tmp_path, "127.0.0.1", now=T0 + dt.timedelta(days=59))
    assert {p: p.read_bytes() for p in before} == before


def test_the_server_certificate_is_renewed_30_days_before_it_expires(tmp_path: Path) -> None:
    first = ensure_tls(tmp_path, "127.0.0.1", now=T0)
    ca, leaf = first.ca_cert.read_bytes(), first.cert.read_bytes()
    ensure_tls(tmp_path, "127.0.0.1", now=T0 + dt.timedelta(days=61))
    assert first.ca_cert.read_bytes() == ca
    assert first.cert.read_bytes() != leaf
    renewed = load(first.cert)
    assert renewed.not_valid_after_utc > T0 + dt.timedelta(days=140)
    renewed.verify_directly_issued_by(load(first.ca_cert))


def test_the_ca_is_renewed_30_days_before_it_expires_and_it_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = ensure_tls(tmp_path, "127.0.0.1", now=T0)
    old = load(first.ca_cert)
    with caplog.at_level(logging.INFO, logger="ringback"):
        ensure_tls(tmp_path, "127.0.0.1", now=T0 + dt.timedelta(days=336))
    new = load(first.ca_cert)
    assert fingerprint(new) != fingerprint(old)
    assert new.not_valid_after_utc > T0 + dt.timedelta(days=600)
    load(first.cert).verify_directly_issued_by(new)
    in_bundle = pem_blocks(first.ca_bundle)
    assert pem_blocks(first.ca_cert)[0] in in_bundle
    assert old.public_bytes(serialization.Encoding.PEM).strip() not in in_bundle
    assert any("local CA changed" in r.message and r.levelname == "WARNING" for r in caplog.records)


def test_the_server_certificate_never_outlives_its_ca(tmp_path: Path) -> None:
    first = ensure_tls(tmp_path, "127.0.0.1", now=T0)
    # the first server certificate has expired; the CA has 45 days left
    ensure_tls(tmp_path, "127.0.0.1", now=T0 + dt.timedelta(days=320))
    assert load(first.cert).not_valid_after_utc <= load(first.ca_cert).not_valid_after_utc


def test_changed_names_reissue_the_server_certificate(tmp_path: Path) -> None:
    files = ensure_tls(tmp_path, "127.0.0.1", ["ringback.test"])
    ca = files.ca_cert.read_bytes()
    ensure_tls(tmp_path, "127.0.0.1")
    assert dns("ringback.test") not in sans(files.cert)
    assert files.ca_cert.read_bytes() == ca  # still covers every name needed


def test_a_host_the_ca_does_not_cover_replaces_the_ca(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = ensure_tls(tmp_path, "127.0.0.1")
    ca = files.ca_cert.read_bytes()
    with caplog.at_level(logging.WARNING, logger="ringback"):
        ensure_tls(tmp_path, "10.1.2.3")
    assert files.ca_cert.read_bytes() != ca
    assert ip("10.1.2.3/32") in (constraints(load(files.ca_cert)).value.permitted_subtrees or [])
    assert any("do not cover 10.1.2.3" in r.message for r in caplog.records)


def test_a_ten_year_unconstrained_ca_from_an_older_ringback_is_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old_ringback_ca(tmp_path)
    old = load(tmp_path / "ca.pem")
    with caplog.at_level(logging.WARNING, logger="ringback"):
        files = ensure_tls(tmp_path, "127.0.0.1")
    new = load(files.ca_cert)
    assert fingerprint(new) != fingerprint(old)
    assert constraints(new).critical
    assert (new.not_valid_after_utc - new.not_valid_before_utc).days <= 396
    assert any("older Ringback" in r.message for r in caplog.records)


def test_unreadable_files_are_replaced_not_fatal(tmp_path: Path) -> None:
    files = ensure_tls(tmp_path, "127.0.0.1")
    files.ca_cert.write_text("not a certificate")
    files.key.write_text("")
    ensure_tls(tmp_path, "127.0.0.1")
    load(files.cert).verify_directly_issued_by(load(files.ca_cert))
