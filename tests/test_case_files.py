"""Uploaded materials of a case: the allowed types, the size limit, a content hash, and a file
whose content lies about its type refused."""

import hashlib
from pathlib import Path

import pytest

from app.models import CaseFile
from app.services.cases import applying, files
from app.services.errors import DomainError, NotFoundError
from tests import factories as f
from tests.case_helpers import PDF, PNG, live_item


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    saved = {key: app.config.get(key) for key in ("INSTANCE_DIR", "CASE_UPLOAD_MAX_BYTES")}
    app.config["INSTANCE_DIR"] = str(tmp_path)
    yield
    app.config.update(saved)


@pytest.fixture
def draft(db_session):
    item = live_item(db_session)
    applicant = f.user(db_session, "contact")
    return applying.apply(db_session, item, applicant), item, applicant


def test_a_file_is_kept_under_the_uploads_folder_by_its_hash(db_session, draft, tmp_path):
    case, item, applicant = draft
    row = applying.attach(db_session, case, applicant, item.materials[0], "../../申请表.PDF", PDF)
    digest = hashlib.sha256(PDF).hexdigest()
    assert (row.filename, row.content_type, row.size, row.sha256) == (
        "申请表.PDF",
        "application/pdf",
        len(PDF),
        digest,
    )
    stored = Path(tmp_path) / "uploads" / digest[:2] / digest
    assert stored.read_bytes() == PDF
    assert files.read(row) == PDF
    image = applying.attach(db_session, case, applicant, None, "照片.png", PNG, "image/png")
    assert image.content_type == "image/png"
    assert [r.filename for r in case.files] == ["申请表.PDF", "照片.png"]


def test_a_changed_file_on_disk_is_noticed(db_session, draft, tmp_path):
    case, item, applicant = draft
    row = applying.attach(db_session, case, applicant, item.materials[0], "a.pdf", PDF)
    (Path(tmp_path) / "uploads" / row.stored_as).write_bytes(PDF + b"tampered")
    with pytest.raises(DomainError):
        files.read(row)


@pytest.mark.parametrize(
    "filename, data, declared",
    [
        ("setup.exe", b"MZ\x90\x00", None),  # a type not allowed
        ("申请表.pdf", b"MZ\x90\x00 an executable renamed", None),  # content lies
        ("照片.jpg", PNG, None),  # a PNG named as a JPEG
        ("申请表.pdf", PDF, "image/png"),  # the browser says another type
        ("空.pdf", b"", None),
        ("noextension", PDF, None),
    ],
)
def test_a_file_of_another_type_than_allowed_or_claimed_is_refused(
    db_session, draft, filename, data, declared
):
    case, item, applicant = draft
    with pytest.raises(DomainError):
        applying.attach(db_session, case, applicant, item.materials[0], filename, data, declared)
    assert db_session.query(CaseFile).count() == 0


def test_a_file_over_the_size_limit_is_refused(app, db_session, draft):
    case, _item, applicant = draft
    app.config["CASE_UPLOAD_MAX_BYTES"] = 1024
    applying.attach(db_session, case, applicant, None, "ok.pdf", PDF + b" " * (1024 - len(PDF)))
    with pytest.raises(DomainError) as refused:
        applying.attach(db_session, case, applicant, None, "big.pdf", PDF + b" " * 1024)
    assert "MB" in str(refused.value)


def test_only_the_applicant_uploads_and_only_to_the_items_own_materials(db_session, draft):
    case, item, applicant = draft
    with pytest.raises(NotFoundError):
        applying.attach(db_session, case, f.user(db_session, "contact_other"), None, "a.pdf", PDF)
    other = live_item(db_session, code="SI-CASE-OTHER")
    with pytest.raises(NotFoundError):
        applying.attach(db_session, case, applicant, other.materials[0], "a.pdf", PDF)
    row = applying.attach(db_session, case, applicant, item.materials[0], "a.pdf", PDF)
    applying.remove_file(db_session, case, applicant, row)
    assert case.files == []
