"""The dmdk plugin's objects for the shipped route suites (the ``populate_test_world`` hook; tests only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core.api import Organization, User, check_upload, session, store_file
from plugins.dmdk.applications.models import Application, ApplicationDocument, ApplicationStatusChange
from plugins.dmdk.batches import service as batches
from plugins.dmdk.batches import transfers
from plugins.dmdk.documents.models import Document
from plugins.dmdk.documents.service import ACCEPTED, OWNER
from plugins.dmdk.employees.roles import ROLE_CODES
from plugins.dmdk.employees.service import join, set_roles
from plugins.dmdk.exchange.models import ExchangeProfile
from plugins.dmdk.exchange.service import read_certificate
from plugins.dmdk.models import OrganizationProfile

RECEIVER_INN = "7701001238"


def _receiver() -> Organization:
    """Another registered organization of the tenant (the receiver of the world's specification)."""
    organization = Organization(name="АО «Приёмка»")
    session.add(organization)
    session.flush()
    session.add(
        OrganizationProfile(
            organization_id=organization.id,
            kind="legal",
            inn=RECEIVER_INN,
            ogrn="1027700000001",
            kpp="770101001",
            full_name="Акционерное общество «Приёмка»",
            data={},
        )
    )
    session.flush()
    return organization


def _batch(organization_id: int, name: str) -> int:
    data = batches.BatchInput(kind="product", name=name, metal="gold", fineness=5850, weight_mg=3250, count=1)
    return batches.create(None, organization_id, data, register=True).id


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def throwaway_certificate(common_name: str = "ИС «Проба»") -> str:
    """A self-signed certificate (PEM) for an exchange profile of the world."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def populate(site: Any) -> dict[str, int]:
    """A registered organization administered by every user of the site (its pages are the organization's, so
    each role the route suites log in as must belong to it): ``organization_id``; the wizard's first step; a
    registered batch of it (``batch_id``) and its draft specification of another batch for a second organization
    (``specification_id``); a document (``document_id``) attached to a submitted application
    (``application_id``), so it is locked; an exchange profile (``exchange_profile_id``)."""
    organization = Organization(name="ООО «Проба»")
    session.add(organization)
    session.flush()
    session.add(
        OrganizationProfile(
            organization_id=organization.id,
            kind="legal",
            inn="7707083893",
            ogrn="1027700132195",
            kpp="773601001",
            full_name="Общество с ограниченной ответственностью «Проба»",
            data={"record": {"legal_address": "г. Москва, ул. Пробная, 1"}},
        )
    )
    for user in (*site.users.values(), site.everyone):
        head = session.get(User, user.id)
        join(head, organization.id)
        set_roles(head, head, organization.id, set(ROLE_CODES))
    session.flush()
    site.values["step_code"] = "find"
    _receiver()
    batch_id = _batch(organization.id, "Кольцо обручальное")
    sent_batch = _batch(organization.id, "Серьги")
    head = session.get(User, site.everyone.id)
    spec = transfers.create(head, organization.id, RECEIVER_INN, [sent_batch])
    return {
        "organization_id": organization.id,
        "batch_id": batch_id,
        "specification_id": spec.id,
        **_registry_objects(organization, site.everyone.id),
    }


def _registry_objects(organization: Organization, user_id: int) -> dict[str, int]:
    document = Document(
        organization_id=organization.id,
        type_code="charter",
        number="1",
        issued_on=date(2020, 1, 15),
        expires_on=date(2099, 12, 31),
        uploaded_by=user_id,
    )
    session.add(document)
    session.flush()
    stored = store_file(check_upload("ustav.pdf", PDF, ACCEPTED), OWNER, document.id, user_id)
    session.flush()
    document.file_id = stored.id
    now = datetime.now(UTC)
    application = Application(organization_id=organization.id, status="submitted", created_by=user_id, submitted_at=now)
    session.add(application)
    session.flush()
    session.add(ApplicationDocument(application_id=application.id, document_id=document.id))
    for status in ("draft", "submitted"):
        session.add(ApplicationStatusChange(application_id=application.id, status=status, actor_id=user_id, at=now))
    facts = read_certificate(throwaway_certificate())
    profile = ExchangeProfile(
        organization_id=organization.id,
        system_name="Учётная система",
        system_code="proba-1",
        certificate=facts.pem,
        subject=facts.subject,
        issuer=facts.issuer,
        serial=facts.serial,
        valid_from=facts.valid_from,
        valid_to=facts.valid_to,
    )
    session.add(profile)
    session.flush()
    return {"document_id": document.id, "application_id": application.id, "exchange_profile_id": profile.id}
