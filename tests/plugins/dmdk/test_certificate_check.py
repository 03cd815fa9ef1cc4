"""The public self-check page says in words what is wrong with a certificate, or that it is fine; the command-line
signer prints a signature the login accepts."""

from __future__ import annotations

import base64
from datetime import timedelta
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from core.api import save_settings, session, tenant_scope
from core.testing.fixtures import tenant_path
from plugins.dmdk.certlogin.service import challenge_message
from plugins.dmdk.certlogin.verifiers import verifier_for
from tests.plugins.dmdk import pki


@pytest.fixture(scope="module")
def ca():
    root = pki.root()
    return {"root": root, "stranger": pki.root("Чужой УЦ")}


@pytest.fixture
def site(app, make_tenant, enable_plugin, ca):
    def make(slug: str, locale: str = "en", revoked=(), next_update=None):
        tenant = make_tenant(slug, locale=locale)
        enable_plugin(tenant, "dmdk")
        with app.app_context(), tenant_scope(tenant.id):
            crl = ca["root"].revocation_list(*revoked, next_update=next_update)
            save_settings("dmdk.certlogin", {"trust_roots": ca["root"].pem, "crl": crl})
            session.commit()
        return tenant

    return make


def check(client, tenant, certificate: str = "", organization_inn: str = "", upload=None):
    data = {"certificate": certificate, "organization_inn": organization_inn}
    if upload is not None:
        data["certificate_file"] = upload
    return client.submit(
        tenant_path(tenant, "/dmdk/certificate-check"),
        data,
        content_type="multipart/form-data",
    )


def issue(ca, authority="root", **fields):
    return ca[authority].issue(pki.ec_key(), **fields)


def test_a_good_certificate_is_fine_with_its_subject_issuer_and_validity(app, site, ca):
    tenant = site("fine")
    client = app.test_client()
    assert "Paste your certificate" in client.get(tenant_path(tenant, "/dmdk/certificate-check")).get_data(as_text=True)
    page = check(client, tenant, pki.pem(issue(ca)), organization_inn="7707083893").get_data(as_text=True)
    assert "The certificate is fine: you can log in with it." in page
    assert "Иванов Иван, АО «Ювелир»" in page and "Тестовый УЦ" in page and "7707083893" in page
    assert "11223344595" in page


@pytest.mark.parametrize(
    ("fields", "authority", "inn", "words"),
    [
        ({"not_after": pki.NOW - timedelta(days=3)}, "root", "", "The certificate expired on"),
        ({"not_before": pki.NOW + timedelta(days=3)}, "root", "", "The certificate is not valid yet"),
        ({}, "stranger", "", "issued by «Чужой УЦ», which is not a trusted certification authority"),
        ({"inn": None, "inn_le": None}, "root", "", "The certificate names no INN"),
        ({}, "root", "7728168971", "The certificate is of the organization with INN 7707083893, not 7728168971."),
        ({"inn_le": None}, "root", "7728168971", "The certificate is a person"),
    ],
)
def test_what_is_wrong_is_said_in_words(app, site, ca, fields, authority, inn, words):
    tenant = site("wrong")
    page = check(app.test_client(), tenant, pki.pem(issue(ca, authority, **fields)), organization_inn=inn)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "The certificate cannot be used here" in text and words in text


def test_a_revoked_certificate_and_an_uploaded_der_file(app, site, ca):
    cert = issue(ca)
    tenant = site("revoked", revoked=(cert,))
    der = cert.public_bytes(serialization.Encoding.DER)
    page = check(app.test_client(), tenant, upload=(BytesIO(der), "ivanov.cer")).get_data(as_text=True)
    assert "The certificate was revoked on" in page


SIGNING_ONLY_FOR_KEYS = x509.KeyUsage(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=True,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


@pytest.mark.parametrize(
    ("extensions", "words"),
    [
        ((SIGNING_ONLY_FOR_KEYS,), "key may not make signatures"),
        ((x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),), "issued for other purposes, not for logging in"),
        ((x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]),), None),
    ],
    ids=["key-usage-without-signatures", "server-only", "client-and-e-mail"],
)
def test_a_certificate_for_other_purposes_is_refused_in_words(app, site, ca, extensions, words):
    tenant = site("purpose")
    page = check(app.test_client(), tenant, pki.pem(issue(ca, extensions=extensions))).get_data(as_text=True)
    if words is None:
        assert "The certificate is fine" in page
    else:
        assert "The certificate cannot be used here" in page and words in page


def test_an_out_of_date_revocation_list_is_named_not_trusted(app, site, ca):
    tenant = site("stale", next_update=pki.NOW - timedelta(days=2))
    page = check(app.test_client(), tenant, pki.pem(issue(ca))).get_data(as_text=True)
    assert "The certificate cannot be used here" in page
    assert "The revocation list of «Тестовый УЦ» is out of date since" in page
    assert "administrator must load a fresh list" in page


def test_an_ordinary_certificate_cannot_vouch_for_another(app, site, ca):
    """A trusted person's certificate signs a certificate with somebody else's INN: the pair is not a chain."""
    holder_key = pki.ec_key()
    holder = ca["root"].issue(holder_key, name="Петров Пётр")
    forged = pki.Authority(holder_key, holder).issue(pki.ec_key(), name="Сидоров Сидор", inn="770000000019")
    tenant = site("forged")
    page = check(app.test_client(), tenant, pki.pem(forged) + pki.pem(holder)).get_data(as_text=True)
    assert "The certificate cannot be used here" in page
    assert "is not a certification authority" in page


def test_not_a_certificate_and_the_russian_page(app, site, ca):
    tenant = site("ru", locale="ru")
    client = app.test_client()
    bad = check(client, tenant, "hello")
    assert bad.status_code == 400 and "Это не сертификат" in bad.get_data(as_text=True)
    page = check(client, tenant, pki.pem(issue(ca, not_after=pki.NOW - timedelta(days=3)))).get_data(as_text=True)
    assert "Проверка сертификата" in page and "Срок действия сертификата истёк" in page and "expired on" not in page
    assert "Кем выдан" in page and "Тестовый УЦ" in page


def test_the_command_line_signer_prints_a_signature_of_the_challenge(app, ca, tmp_path):
    key = pki.rsa_key()
    cert = ca["root"].issue(key)
    (tmp_path / "key.pem").write_bytes(pki.key_pem(key))
    (tmp_path / "cert.pem").write_text(pki.pem(cert))
    (tmp_path / "other.pem").write_bytes(pki.key_pem(pki.ec_key()))
    runner = app.test_cli_runner()
    args = [
        "dmdk",
        "sign-challenge",
        "--cert",
        str(tmp_path / "cert.pem"),
        "--nonce",
        "abc",
        "--origin",
        "https://lk.example",
    ]
    result = runner.invoke(args=[*args, "--key", str(tmp_path / "key.pem")])
    assert result.exit_code == 0, result.output
    signature = base64.b64decode(result.output.strip())
    assert verifier_for(cert).verify_challenge(cert, signature, challenge_message("abc", "https://lk.example"))
    assert not verifier_for(cert).verify_challenge(cert, signature, challenge_message("abc", "https://other.example"))
    wrong = runner.invoke(args=[*args, "--key", str(tmp_path / "other.pem")])
    assert wrong.exit_code == 1 and "this key is not the key of the certificate" in wrong.output


def test_a_verifier_for_another_key_algorithm_plugs_in(app, site, ca, monkeypatch):
    """A GOST verifier would be registered the same way, by its key algorithm's OID; here one for ECDSA keys
    that trusts nothing shows the chain check goes through the registry."""
    from plugins.dmdk.certlogin import verifiers

    class Refusing:
        def verify_challenge(self, cert, signature, message):
            return False

        def verify_issued(self, signed, issuer):
            return False

    middle = pki.intermediate(ca["root"])
    cert = middle.issue(pki.ec_key())
    tenant = site("plug")
    client = app.test_client()
    assert "The certificate is fine" in check(client, tenant, pki.pem(cert) + middle.pem).get_data(as_text=True)
    oid = middle.cert.public_key_algorithm_oid.dotted_string
    monkeypatch.setitem(verifiers._VERIFIERS, oid, verifiers.verifier_for(middle.cert))
    verifiers.register_verifier(oid, Refusing())
    page = check(client, tenant, pki.pem(cert) + middle.pem).get_data(as_text=True)
    assert "does not match its authority «Промежуточный УЦ»" in page
