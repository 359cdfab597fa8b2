"""Importing training results from a sheet: template download, upload -> preview -> confirm.

Thin: the rules live in `app.services.sheets.training`. Mixed into `TrainingRecordView`, so
its pages need the record view's own permissions (`can_add`, kept by the IT office). An upload
is checked with a dry run and kept until its owner confirms it; the confirmation checks the
file again (the records may have changed meanwhile) and imports it in one transaction.
"""

import json
import secrets

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.services.sheets import reading
from app.services.sheets import training as training_sheet

from .download import send_download
from .sheets import pending_dir, render_preview
from .transaction import DOWNLOAD_ABORTS, one_transaction

IMPORT_PERMISSIONS = {
    "import_page": "add",
    "import_template": "add",
    "import_upload": "add",
    "import_confirm": "add",
}


class TrainingImportMixin:
    """培训考核结果导入, on the training records' view."""

    def _url(self, name):
        return url_for(f"{self.endpoint}.{name}")

    @expose("/import/")
    @has_access
    def import_page(self):
        return self.render_template(
            "hall/training_import.html",
            title=_("导入培训考核结果"),
            max_mb=reading.MAX_BYTES // (1024 * 1024),
            pass_score=training_sheet.pass_score(),
        )

    @expose("/import/template.xlsx")
    @has_access
    def import_template(self):
        with one_transaction(abort_on=DOWNLOAD_ABORTS) as outcome:
            name, data = training_sheet.template_workbook(db.session, g.user)
        if not outcome.ok:
            return redirect(self._url("import_page"))
        return send_download(data, name, cache_control="no-store")

    def _run(self, data, dry_run):
        with one_transaction(abort_on=()) as outcome:
            report = training_sheet.run_import(db.session, data, g.user, dry_run=dry_run)
            if dry_run or not report.ok:
                outcome.discard()
        return report if outcome.ok else None

    def _preview(self, report, filename, token=None, applied=False):
        return render_preview(
            self,
            _("培训考核结果导入预览"),
            report,
            filename,
            token,
            applied,
            confirm_url=self._url("import_confirm"),
            back_url=self._url("import_page"),
        )

    @expose("/import/upload", methods=["POST"])
    @has_access
    def import_upload(self):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(_("请选择要导入的文件。"), "warning")
            return redirect(self._url("import_page"))
        data = upload.stream.read(reading.MAX_BYTES + 1)
        report = self._run(data, dry_run=True)
        if report is None:
            return redirect(self._url("import_page"))
        token = None
        if report.ok:
            token = "training-" + secrets.token_urlsafe(24)
            folder = pending_dir()
            (folder / f"{token}.xlsx").write_bytes(data)
            meta = {"user_id": g.user.id, "filename": upload.filename, "department": None}
            (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
        return self._preview(report, upload.filename, token)

    @expose("/import/confirm", methods=["POST"])
    @has_access
    def import_confirm(self):
        token = request.form.get("token", "")
        if (
            not token.startswith("training-")
            or not token.replace("-", "").replace("_", "").isalnum()
        ):
            abort(404)
        folder = pending_dir()
        meta_file, data_file = folder / f"{token}.json", folder / f"{token}.xlsx"
        if not meta_file.exists() or not data_file.exists():
            flash(_("该预览已过期，请重新上传文件。"), "warning")
            return redirect(self._url("import_page"))
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta["user_id"] != g.user.id:
            abort(404)
        report = self._run(data_file.read_bytes(), dry_run=False)
        if report is None:
            return redirect(self._url("import_page"))
        if not report.ok:
            return self._preview(report, meta["filename"])
        meta_file.unlink(missing_ok=True)
        data_file.unlink(missing_ok=True)
        flash(
            _("导入完成：新增 {a}，修改 {c}，未变 {s}。").format(
                a=report.total("add"), c=report.total("change"), s=report.total("same")
            ),
            "success",
        )
        return self._preview(report, meta["filename"], applied=True)
