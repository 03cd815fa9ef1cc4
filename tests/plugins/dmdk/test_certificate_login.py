"""Certificate login with a throwaway CA: a valid chain logs in; each refusal has its own words (English, Russian)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import update

from core.api import save_settings, session, tenant_scope, utcnow
from core.testing.fixtures import tenant_path
from plugins.dmdk.certlogin.signing import sign_challenge
from plugins.dmdk.models import CertificateHolder, LoginNonce
from tests.plugins.dmdk import pki

NONCE = re.compile(r'name="nonce" value="([^"]+)"')
ORIGIN = "http://localhost"
PROXY = "10.0.0.5"


@pytest.fixture(scope="module")
def ca():
    """A root (RSA), an intermediate (ECDSA) under it, a stranger root, and the CRLs (root's revokes nothing)."""
    root = pki.root()
    middle = pki.intermediate(root)
    return {"root": root, "middle": middle, "stranger": pki.root("Чужой УЦ")}


@pytest.fixture
def site(app, make_tenant, make_user, enable_plugin, ca):
    """``site(slug, locale, revoked=())``: a dmdk tenant trusting the test root, with Иванов's account bound to
    SNILS 112-233-445 95; certificates in ``revoked`` are on the intermediate's revocation list."""

    def make(slug: str, locale: str = "en", revoked=()):
        tenant = make_tenant(slug, locale=locale)
        enable_plugin(tenant, "dmdk")
        user = make_user(tenant, f"ivanov@{slug}.example", full_name="Иванов Иван")
        with app.app_context(), tenant_scope(tenant.id):
            save_settings(
                "dmdk.certlogin",
                {
                    "trust_roots": ca["root"].pem,
                    "crl": ca["root"].revocation_list() + ca["middle"].revocation_list(*revoked),
                    "proxy_addresses": [PROXY],
                },
            )
            session.add(CertificateHolder(user_id=user.id, snils="11223344595"))
            session.commit()
        return tenant

    return make


def chain(ca, cert) -> str:
    return pki.pem(cert) + ca["middle"].pem


def person(ca, **fields):
    """An ECDSA key and its certificate from the intermediate (Иванов of АО «Ювелир», INN 7707083893)."""
    key = pki.ec_key()
    return key, ca["middle"].issue(key, **fields)


def challenge(client, tenant) -> str:
    page = client.get(tenant_path(tenant, "/dmdk/login"))
    assert page.status_code == 200
    return NONCE.search(page.get_data(as_text=True)).group(1)


def attempt(client, tenant, key, certificate: str, *, nonce=None, organization_inn="", origin=ORIGIN):
    nonce = nonce or challenge(client, tenant)
    data = {
        "nonce": nonce,
        "signature": sign_challenge(key, nonce, origin),
        "certificate": certificate,
        "organization_inn": organization_inn,
    }
    return client.submit(tenant_path(tenant, "/dmdk/login"), data), data


def refusal(response) -> str:
    assert response.status_code == 401
    return response.get_data(as_text=True)


def test_a_valid_chain_logs_in_with_an_intermediate_and_ecdsa_or_rsa_directly_under_the_root(app, site, ca):
    tenant = site("jeweller")
    key, cert = person(ca)
    client = app.test_client()
    response, _data = attempt(client, tenant, key, chain(ca, cert), organization_inn="7707083893")
    assert response.status_code == 302 and response.location.endswith(tenant_path(tenant, "/"))
    assert "Иванов Иван" in client.get(tenant_path(tenant, "/")).get_data(as_text=True)

    rsa_key = pki.rsa_key()
    rsa_cert = ca["root"].issue(rsa_key)
    other = app.test_client()
    response, _data = attempt(other, tenant, rsa_key, pki.pem(rsa_cert))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"not_after": pki.NOW - timedelta(days=1)}, "The certificate expired on"),
        ({"not_before": pki.NOW + timedelta(days=2)}, "The certificate is not valid yet: it is valid from"),
        ({"inn": None, "inn_le": None}, "The certificate names no INN"),
    ],
)
def test_a_certificate_out_of_its_dates_or_without_an_inn_is_refused(app, site, ca, fields, words):
    tenant = site("dates")
    key, cert = person(ca, **fields)
    response, _data = attempt(app.test_client(), tenant, key, chain(ca, cert))
    assert words in refusal(response)


def test_a_revoked_certificate_is_refused(app, site, ca):
    key, cert = person(ca)
    tenant = site("revoked", revoked=(cert,))
    response, _data = attempt(app.test_client(), tenant, key, chain(ca, cert))
    assert "The certificate was revoked on" in refusal(response)


def test_a_certificate_of_an_unknown_ca_is_refused(app, site, ca):
    tenant = site("stranger")
    key = pki.ec_key()
    cert = ca["stranger"].issue(key)
    response, _data = attempt(app.test_client(), tenant, key, pki.pem(cert))
    assert "issued by «Чужой УЦ», which is not a trusted certification authority" in refusal(response)


def test_a_forged_certificate_claiming_a_trusted_issuer_is_refused(app, site, ca):
    tenant = site("forged")
    key = pki.ec_key()
    impostor = pki.Authority(pki.ec_key(), ca["middle"].cert)  # the intermediate's name and certificate, another key
    cert = impostor.issue(key)
    response, _data = attempt(app.test_client(), tenant, key, chain(ca, cert))
    assert "does not match its authority «Промежуточный УЦ»" in refusal(response)


def test_a_trusted_person_cannot_issue_a_certificate_in_another_persons_name(app, site, ca):
    """Петров holds an ordinary certificate of the trusted intermediate; he signs one carrying Иванов's SNILS with
    it and presents the two as a chain. Only a certification authority may vouch: refused, nobody logged in."""
    petrov_key = pki.ec_key()
    petrov = ca["middle"].issue(petrov_key, name="Петров Пётр", snils="12345678964", inn="500100732260")
    forged_key = pki.ec_key()
    forged = pki.Authority(petrov_key, petrov).issue(forged_key, name="Иванов Иван")  # Иванов's SNILS and INN
    client = app.test_client()
    tenant = site("forger")
    response, _data = attempt(client, tenant, forged_key, pki.pem(forged) + pki.pem(petrov) + ca["middle"].pem)
    assert "is not a certification authority" in refusal(response)
    assert client.get(tenant_path(tenant, "/")).status_code == 302  # still logged out


def test_a_wrong_signature_is_refused(app, site, ca):
    tenant = site("wrongsig")
    _key, cert = person(ca)
    response, _data = attempt(app.test_client(), tenant, pki.ec_key(), chain(ca, cert))
    assert "The signature does not match this certificate and challenge" in refusal(response)
    key, cert = person(ca)
    response, _data = attempt(app.test_client(), tenant, key, chain(ca, cert), origin="https://evil.example")
    assert "for http://localhost" in refusal(response)


def test_a_replayed_challenge_is_refused(app, site, ca):
    tenant = site("replay")
    key, cert = person(ca)
    first, data = attempt(app.test_client(), tenant, key, chain(ca, cert))
    assert first.status_code == 302
    replay = app.test_client().submit(tenant_path(tenant, "/dmdk/login"), data)
    assert "This login challenge has already been used" in refusal(replay)


def test_an_expired_challenge_is_refused(app, site, ca):
    tenant = site("stale")
    key, cert = person(ca)
    client = app.test_client()
    nonce = challenge(client, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        session.execute(update(LoginNonce).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    response, _data = attempt(client, tenant, key, chain(ca, cert), nonce=nonce)
    assert "The login challenge expired before it came back" in refusal(response)


def test_a_challenge_of_another_tenant_is_unknown(app, site, ca):
    first, second = site("first"), site("second")
    key, cert = person(ca)
    client = app.test_client()
    nonce = challenge(client, first)
    response, _data = attempt(client, second, key, chain(ca, cert), nonce=nonce)
    assert "This login challenge is unknown" in refusal(response)


def test_the_certificate_of_another_organization_is_refused(app, site, ca):
    tenant = site("otherorg")
    key, cert = person(ca)
    response, _data = attempt(app.test_client(), tenant, key, chain(ca, cert), organization_inn="7728168971")
    assert "The certificate is of the organization with INN 7707083893, not 7728168971." in refusal(response)


def test_an_unknown_certificate_is_sent_to_register(app, site, ca):
    tenant = site("unknown")
    key, cert = person(ca, snils="12345678964", inn="7710140679")
    response, _data = attempt(app.test_client(), tenant, key, chain(ca, cert))
    assert response.status_code == 302 and response.location.endswith("/dmdk/register")


def test_the_refusal_and_the_page_are_in_russian(app, site, ca):
    tenant = site("russian", locale="ru")
    client = app.test_client()
    login_page = client.get(tenant_path(tenant, "/login")).get_data(as_text=True)
    assert "Вход по сертификату" in login_page and "/dmdk/login" in login_page
    page = client.get(tenant_path(tenant, "/dmdk/login")).get_data(as_text=True)
    assert "Вход по сертификату" in page and "Подпись" in page and "Log in" not in page
    key, cert = person(ca, not_after=pki.NOW - timedelta(days=1))
    response, _data = attempt(client, tenant, key, chain(ca, cert))
    text = refusal(response)
    assert "Срок действия сертификата истёк" in text and "expired on" not in text


def proxy_get(client, tenant, cert, address):
    header = quote(pki.pem(cert))
    return client.get(
        tenant_path(tenant, "/dmdk/login/tls"),
        headers={"X-SSL-Client-Cert": header},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_proxy_certificate_logs_in_only_from_a_trusted_proxy(app, site, ca):
    tenant = site("proxy")
    with app.app_context(), tenant_scope(tenant.id):  # a proxy passes the owner's certificate alone
        save_settings("dmdk.certlogin", {"trust_roots": ca["root"].pem + ca["middle"].pem, "proxy_addresses": [PROXY]})
        session.commit()
    _key, cert = person(ca)
    untrusted = proxy_get(app.test_client(), tenant, cert, "192.0.2.7")
    assert "came from 192.0.2.7, which is not a trusted proxy of this site: it was ignored" in refusal(untrusted)
    trusted = proxy_get(app.test_client(), tenant, cert, PROXY)
    assert trusted.status_code == 302, trusted.get_data(as_text=True)


def test_failures_are_throttled_per_address(app, site, ca):
    tenant = site("throttle")
    _key, cert = person(ca)
    client = app.test_client()
    texts = [refusal(attempt(client, tenant, pki.ec_key(), chain(ca, cert))[0]) for _ in range(11)]
    assert "Too many failed attempts" in texts[-1] and "Too many" not in texts[0]


def test_a_blocked_user_is_not_logged_in_by_a_certificate(app, site, ca):
    from core.identity.models import User

    tenant = site("blocked")
    with app.app_context(), tenant_scope(tenant.id):
        session.execute(update(User).values(status="blocked"))
        session.commit()
    key, cert = person(ca)
    response, _data = attempt(app.test_client(), tenant, key, chain(ca, cert))
    assert "Your account is blocked" in refusal(response)


def test_old_challenges_are_purged_by_the_hourly_job(app, site):
    from sqlalchemy import func, select

    from core.jobs.registry import run_job

    tenant = site("purge")
    client = app.test_client()
    challenge(client, tenant)
    challenge(client, tenant)
    with app.app_context(), tenant_scope(tenant.id):
        first = session.scalar(select(func.min(LoginNonce.id)))
        session.execute(
            update(LoginNonce).where(LoginNonce.id == first).values(expires_at=utcnow() - timedelta(hours=2))
        )
        session.commit()
    run_job(app, "dmdk.nonces.purge")
    with app.app_context(), tenant_scope(tenant.id):
        assert session.scalars(select(LoginNonce.id)).all() != [] and session.get(LoginNonce, first) is None
