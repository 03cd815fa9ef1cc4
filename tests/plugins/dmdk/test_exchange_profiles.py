"""Information exchange profiles: the organization's administrator adds a system's name, code and certificate
(a PEM or DER file, or the PEM text) for the organization or one of its subdivisions; the page shows what the
certificate says (subject, issuer, serial number, validity) and anything else is refused with a clear message;
other roles and other organizations get 404, on the site and in the API."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from core.api import session, tenant_scope
from plugins.dmdk.employees.roles import APPLICATIONS, BATCHES, PARTICIPANT
from plugins.dmdk.exchange.models import ExchangeProfile
from plugins.dmdk.models import Subdivision
from tests.plugins.dmdk.orgs import NEVA, bind_certificate, fill_wizard
from tests.plugins.dmdk.pki import ec_key, root

NOT_A_CERTIFICATE = "This is not a certificate"


def _certificate():
    authority = root("УЦ Проверочный")
    return authority.issue(ec_key(), name="ИС Учёт Партий", organization="АО «Северное сияние»")


def _serial(number: int) -> str:
    text = f"{number:X}"
    return text.rjust(len(text) + len(text) % 2, "0")


def _profiles(app, world) -> list[ExchangeProfile]:
    with app.app_context(), tenant_scope(world.tenant.id):
        rows = list(session.scalars(select(ExchangeProfile).order_by(ExchangeProfile.id)))
        session.expunge_all()
    return rows


def _add(world, client, certificate_file=None, **values):
    data = {"subdivision_id": "", "system_name": "Учёт партий", "system_code": "uchet-1", "certificate": "", **values}
    if certificate_file is not None:
        data["certificate_file"] = certificate_file
    return client.submit(world.url("/exchange-profiles/new"), data, content_type="multipart/form-data")


def test_a_pem_certificate_is_read_and_shown(app, participants):
    world = participants("dm-ex")
    cert = _certificate()
    pem = cert.public_bytes(serialization.Encoding.PEM)
    response = _add(world, world.head_client, (io.BytesIO(pem), "uchet.cer"))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    page = world.head_client.get(response.headers["Location"]).get_data(as_text=True)
    serial = _serial(cert.serial_number)
    assert "ИС Учёт Партий, АО «Северное сияние»" in page  # the subject
    assert "УЦ Проверочный" in page  # the issuer
    assert f'<dd class="mono">{serial}</dd>' in page
    valid_from, valid_to = cert.not_valid_before_utc, cert.not_valid_after_utc
    for moment in (valid_from, valid_to):  # shown in the tenant's time zone
        local = moment.astimezone(ZoneInfo("Europe/Moscow"))
        assert f"{local.day} {local:%B} {local.year}, {local:%H:%M}" in page
    assert '<span class="badge">In force</span>' in page
    (profile,) = _profiles(app, world)
    assert (profile.system_code, profile.subdivision_id, profile.serial) == ("uchet-1", None, serial)
    assert profile.valid_to == valid_to and profile.certificate.startswith("-----BEGIN CERTIFICATE-----")
    listing = world.head_client.get(world.url("/exchange-profiles")).get_data(as_text=True)
    assert "Учёт партий" in listing and "uchet-1" in listing and "Certificate valid until" in listing


def test_a_der_file_and_pasted_pem_text_are_accepted(app, participants):
    world = participants("dm-ex-der")
    cert = _certificate()
    der = cert.public_bytes(serialization.Encoding.DER)
    assert _add(world, world.head_client, (io.BytesIO(der), "uchet.der")).status_code == 302
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    assert _add(world, world.head_client, system_code="uchet-2", certificate=pem).status_code == 302
    first, second = _profiles(app, world)
    assert first.serial == second.serial == _serial(cert.serial_number)


def test_garbage_is_refused_with_a_clear_message(app, participants):
    world = participants("dm-ex-bad")
    for attempt in (
        {"certificate_file": (io.BytesIO(b"hello, I am a text file"), "uchet.cer")},
        {"certificate_file": (io.BytesIO(b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n"), "x.pem")},
        {"certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"},
        {"certificate": "just words"},
    ):
        file = attempt.pop("certificate_file", None)
        response = _add(world, world.head_client, file, **attempt)
        assert response.status_code == 400, attempt
        assert NOT_A_CERTIFICATE in response.get_data(as_text=True), attempt
    missing = _add(world, world.head_client)
    assert missing.status_code == 400 and "Add the information system&#39;s certificate" in missing.get_data(
        as_text=True
    )
    assert _profiles(app, world) == []
    bad_code = _add(world, world.head_client, certificate=_pem(), system_code="код с пробелами")
    assert bad_code.status_code == 400 and "Latin letters" in bad_code.get_data(as_text=True)


def _pem() -> str:
    return _certificate().public_bytes(serialization.Encoding.PEM).decode()


def test_a_subdivisions_profile_and_a_taken_code(app, participants):
    world = participants("dm-ex-sub")
    with app.app_context(), tenant_scope(world.tenant.id):
        branch_id = session.scalar(select(Subdivision.organization_id))
    response = _add(world, world.head_client, certificate=_pem(), subdivision_id=str(branch_id))
    assert response.status_code == 302
    page = world.head_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Филиал в Твери" in page
    taken = _add(world, world.head_client, certificate=_pem())
    assert taken.status_code == 400 and "already has this code" in taken.get_data(as_text=True)
    # a subdivision of another organization is no place of this one
    other = world.make_user(world.tenant, "neva@dm-ex-sub.example", roles=())
    bind_certificate(app, world.tenant, other, NEVA["inn"])
    fill_wizard(world.login(world.tenant, other), world.tenant, NEVA["ogrn"])
    with app.app_context(), tenant_scope(world.tenant.id):
        foreign = session.scalar(select(Subdivision.organization_id).where(Subdivision.organization_id != branch_id))
    wrong = _add(world, world.head_client, certificate=_pem(), system_code="x2", subdivision_id=str(foreign))
    assert wrong.status_code == 400 and "Choose the organization or one of its subdivisions" in wrong.get_data(
        as_text=True
    )
    assert [p.subdivision_id for p in _profiles(app, world)] == [branch_id]


def test_a_profile_is_changed_and_deleted(app, participants):
    world = participants("dm-ex-edit")
    first = _add(world, world.head_client, certificate=_pem())
    url = first.headers["Location"]
    old_serial = _profiles(app, world)[0].serial
    kept = world.head_client.submit(
        url,
        {"subdivision_id": "", "system_name": "Новое имя", "system_code": "uchet-1", "certificate": ""},
        content_type="multipart/form-data",
    )
    assert kept.status_code == 302
    (profile,) = _profiles(app, world)
    assert (profile.system_name, profile.serial) == ("Новое имя", old_serial)
    replaced = world.head_client.submit(
        url,
        {"subdivision_id": "", "system_name": "Новое имя", "system_code": "uchet-1", "certificate": _pem()},
        content_type="multipart/form-data",
    )
    assert replaced.status_code == 302 and _profiles(app, world)[0].serial != old_serial
    assert world.head_client.submit(url + "/delete", form_url=url).status_code == 302
    assert _profiles(app, world) == []


def test_only_the_administrator_reaches_profiles(app, participants, make_user, login):
    world = participants("dm-ex-roles")
    response = _add(world, world.head_client, certificate=_pem())
    profile_url = response.headers["Location"]
    for role in (PARTICIPANT, APPLICATIONS, BATCHES):
        _user, client = world.employee(f"роль-{role.split('_')[-1]}", (role,))
        assert client.get(world.url("/exchange-profiles")).status_code == 404, role
        assert client.get(profile_url).status_code == 404, role
    assert world.head_client.get(profile_url).status_code == 200
    # the API: the administrator lists and adds; another organization's administrator gets 404
    client = app.test_client()
    base = world.url("/exchange-profiles").replace("/dmdk/", "/api/v1/dmdk/")
    headers = {"Authorization": f"Bearer {world.token(world.head)}"}
    listed = client.get(base, headers=headers).get_json()
    assert listed[0]["system_code"] == "uchet-1" and listed[0]["certificate"]["state"] == "valid"
    garbage = client.post(
        base, json={"system_name": "X", "system_code": "x", "certificate": "garbage"}, headers=headers
    )
    assert garbage.status_code == 422 and NOT_A_CERTIFICATE in garbage.get_json()["errors"]["certificate"][0]
    added = client.post(base, json={"system_name": "X", "system_code": "x", "certificate": _pem()}, headers=headers)
    assert added.status_code == 201 and added.get_json()["certificate"]["issuer"] == "УЦ Проверочный"
    other = make_user(world.tenant, "neva@dm-ex-roles.example", roles=())
    bind_certificate(app, world.tenant, other, NEVA["inn"])
    other_client = login(world.tenant, other)
    fill_wizard(other_client, world.tenant, NEVA["ogrn"])
    assert other_client.get(profile_url).status_code == 404
    other_headers = {"Authorization": f"Bearer {world.token(other)}"}
    profile_id = added.get_json()["id"]
    assert client.get(f"{base}/{profile_id}", headers=other_headers).status_code == 404
    assert client.delete(f"{base}/{profile_id}", headers=other_headers).status_code == 404
    assert len(_profiles(app, world)) == 2


def test_russian_profile_pages(participants):
    world = participants("dm-ex-ru", locale="ru")
    response = _add(world, world.head_client, certificate=_pem())
    page = world.head_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Серийный номер" in page and "Кем выдан" in page and "Действует" in page and "<table" not in page
    refused = _add(world, world.head_client, certificate="мусор", system_code="y").get_data(as_text=True)
    assert "Это не сертификат" in refused
