"""Publishing the management company's reports and deciding who reads them.

A report is a PDF checked by its content (core's upload check, then the PDF's end-of-file marker: a file renamed
to ``.pdf`` or cut short is refused) and kept in core's file storage under the owner ``housing_report``. A report
for a building is for the residents of that building; one without a building is for every resident of the
tenant; staff who publish reports see them all. Anyone else gets 404 for the file.
"""

from __future__ import annotations

from sqlalchemy import select

from core.api import (
    N_,
    UploadRejected,
    User,
    check_upload,
    current_tenant,
    enabled_plugins,
    has_permission,
    register_file_owner,
    session,
    store_file,
)
from plugins.housing.common import clock
from plugins.housing.models import Building, Report
from plugins.housing.stock.residents import buildings_of

OWNER = "housing_report"
PDF = frozenset({"application/pdf"})
READ = "housing.reports.read"
PUBLISH = "housing.reports.publish"


#: Why an upload is refused (a msgid): core's check says too big, empty or not a PDF; the end marker, cut short.
NOT_A_PDF = N_("Only a complete PDF document of at most 10 MB is accepted.")


def check_pdf(filename: str, data: bytes):
    """The upload if it is a whole PDF document; :class:`UploadRejected` (its message :data:`NOT_A_PDF`) otherwise."""
    try:
        upload = check_upload(filename, data, PDF)
    except UploadRejected as rejected:
        raise UploadRejected(NOT_A_PDF) from rejected
    if b"%%EOF" not in data[-2048:]:
        raise UploadRejected(NOT_A_PDF)
    return upload


def publish(title: str, building: Building | None, filename: str, data: bytes, user_id: int | None) -> Report:
    """Store the PDF and publish it under ``title`` for ``building`` (None: every resident); the caller commits."""
    upload = check_pdf(filename, data)
    report = Report(
        title=title,
        building_id=building.id if building else None,
        published_on=clock.today(),
        published_by=user_id,
    )
    session.add(report)
    session.flush()
    stored = store_file(upload, OWNER, report.id, user_id)
    session.flush()
    report.file_id = stored.id
    return report


def reports_for(user: User) -> list[Report]:
    """The reports ``user`` may read, newest first: the tenant's and those of the buildings they live in."""
    statement = select(Report).where(Report.file_id.is_not(None))
    if not has_permission(user, PUBLISH):
        buildings = buildings_of(user)
        statement = statement.where(Report.building_id.is_(None) | Report.building_id.in_(buildings or {0}))
    return list(session.scalars(statement.order_by(Report.published_on.desc(), Report.id.desc())))


def may_read(user: User, report_id: int) -> bool:
    """Whether ``user`` may download the file of report ``report_id`` (core's file download asks)."""
    if "housing" not in enabled_plugins(current_tenant()):
        return False
    report = session.scalar(select(Report).where(Report.id == report_id))
    if report is None:
        return False
    if has_permission(user, PUBLISH):
        return True
    if not has_permission(user, READ):
        return False
    return report.building_id is None or report.building_id in buildings_of(user)


register_file_owner(OWNER, may_read)
