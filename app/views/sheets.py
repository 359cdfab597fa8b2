"""Excel 导入导出: template downloads, exports, and the upload -> preview -> confirm import.

Thin: the rules live in app.services.sheets.importer / sheet_export. An upload is checked with a
dry run and kept under the instance folder until its owner confirms it; the confirmation runs
the import again for real (the data may have changed meanwhile) in one transaction.
"""

import json
import secrets
import time
from pathlib import Path

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app import jobs
from app.extensions import db
from app.models import Department
from app.services.access import permissions, scope
from app.services.sheets import exporter as sheet_export
from app.services.sheets import importer as sheet_import
from app.services.sheets import reading
from app.services.sheets.specs import TEMPLATE_CODES, templates

from .download import send_download
from .transaction import DOWNLOAD_ABORTS, one_transaction

PENDING_HOURS = 24
PREVIEW_LIMIT = 500


def pending_dir() -> Path:
    """Where uploads wait for their owner's confirmation (older than PENDING_HOURS are gone)."""
    folder = Path(current_app.config.get("INSTANCE_DIR") or current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_HOURS * 3600
    for old in folder.glob("*"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return folder


def render_preview(view, title, report, filename, token, applied=False, **urls):
    """sheets/preview.html for a checked upload: its first PREVIEW_LIMIT changes and problems
    with how many more; `urls` may name the confirm_url and back_url of another import."""
    return view.render_template(
        "sheets/preview.html",
        title=title,
        report=report,
        filename=filename,
        token=token,
        applied=applied,
        changes=report.changes[:PREVIEW_LIMIT],
        more=max(len(report.changes) - PREVIEW_LIMIT, 0),
        problems=report.problems[:PREVIEW_LIMIT],
        more_problems=max(len(report.problems) - PREVIEW_LIMIT, 0),
        **urls,
    )


class SheetView(BaseView):
    """The 梳理填报 › Excel 导入导出 page."""

    route_base = "/sheets"
    default_view = "index"
    method_permission_name = {
        "index": "read",
        "template": "template",
        "export": "export",
        "upload": "import",
        "confirm": "import",
        "job": "import",
        "job_state": "import",
    }

    def create_blueprint(self, appbuilder, *args, **kwargs):
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        # An upload over MAX_CONTENT_LENGTH fails while the form is parsed (even in CSRF's
        # check, before the view runs): answer with the page and a Chinese message.
        blueprint.register_error_handler(RequestEntityTooLarge, self._too_large)
        return blueprint

    def _too_large(self, error):
        flash(_("文件超过 20 MB，请按部门拆分后分别导入。"), "danger")
        return redirect(url_for("SheetView.index"))

    @expose("/")
    @has_access
    def index(self):
        sees_all = scope.sees_all(g.user)
        departments = (
            db.session.scalars(
                select(Department).order_by(Department.sort_order, Department.code)
            ).all()
            if sees_all
            else []
        )
        chosen = request.args.get("department") or ""
        own = (
            db.session.get(Department, g.user.department_id)
            if not sees_all and g.user.department_id
            else None
        )
        return self.render_template(
            "sheets/index.html",
            title=_("Excel 导入导出"),
            templates=templates(),
            codes=TEMPLATE_CODES,
            departments=departments,
            chosen=chosen,
            own=own,
            sees_all=sees_all,
            can_template=permissions.can(g.user, "download_template"),
            can_export=permissions.can(g.user, "export"),
            can_import=permissions.can(g.user, "import"),
            max_mb=reading.MAX_BYTES // (1024 * 1024),
        )

    def _download(self, build):
        with one_transaction(abort_on=DOWNLOAD_ABORTS) as outcome:
            name, data = build()  # audits the export event, committed with it
        if not outcome.ok:
            return redirect(url_for("SheetView.index"))
        return send_download(data, name, cache_control="no-store")

    @expose("/template/<code>")
    @has_access
    def template(self, code):
        if code not in TEMPLATE_CODES:
            abort(404)
        return self._download(
            lambda: sheet_export.template_workbook(
                db.session, g.user, code, request.args.get("department") or None
            )
        )

    @expose("/export/<code>")
    @has_access
    def export(self, code):
        department = request.args.get("department") or None
        if code == "item_sheets":
            item = request.args.get("item", type=int)
            return self._download(
                lambda: sheet_export.item_sheets_workbook(db.session, g.user, department, item)
            )
        if code not in ("statistics", "systems"):
            abort(404)
        return self._download(
            lambda: sheet_export.export_workbook(db.session, g.user, code, department)
        )

    # --- import ---------------------------------------------------------------------------
    def _pending_dir(self):
        return pending_dir()

    def _run(self, data, department_code, dry_run):
        with one_transaction(abort_on=()) as outcome:
            department = (
                sheet_export.resolve_department(db.session, g.user, department_code)
                if department_code
                else None
            )
            report = sheet_import.run_import(
                db.session, data, g.user, department=department, dry_run=dry_run
            )
            if dry_run or not report.ok:
                outcome.discard()
        return report if outcome.ok else None

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        try:
            upload = request.files.get("file")
        except RequestEntityTooLarge as error:
            return self._too_large(error)
        if upload is None or not upload.filename:
            flash(_("请选择要导入的文件。"), "warning")
            return redirect(url_for("SheetView.index"))
        data = upload.stream.read(reading.MAX_BYTES + 1)
        department_code = request.form.get("department") or None
        report = self._run(data, department_code, dry_run=True)
        if report is None:
            return redirect(url_for("SheetView.index"))
        token = None
        if report.ok:
            token = secrets.token_urlsafe(24)
            folder = self._pending_dir()
            (folder / f"{token}.xlsx").write_bytes(data)
            (folder / f"{token}.json").write_text(
                json.dumps(
                    {
                        "user_id": g.user.id,
                        "department": department_code,
                        "filename": upload.filename,
                        "rows": report.rows,
                    }
                ),
                encoding="utf-8",
            )
        return self._preview(report, upload.filename, token)

    def _preview(self, report, filename, token, applied=False):
        return render_preview(self, _("导入预览"), report, filename, token, applied)

    def _queue(self, meta, meta_file, data_file):
        """A large import goes to the worker; the browser follows its progress."""
        queued = self._pending_dir() / f"job-{data_file.name}"
        data_file.rename(queued)
        meta_file.unlink(missing_ok=True)
        job_id = jobs.enqueue_import(
            g.user.id, meta["department"], queued, meta["filename"], meta.get("rows", 0)
        )
        return redirect(url_for("SheetView.job", job_id=job_id))

    def _own_job(self, job_id):
        found = jobs.state(job_id) if job_id.isalnum() and len(job_id) == 32 else None
        if found is None or found.get("owner_id") != g.user.id:
            abort(404)
        return found

    @expose("/jobs/<job_id>")
    @has_access
    def job(self, job_id):
        found = self._own_job(job_id)
        return self.render_template(
            "sheets/job.html", title=_("导入进度"), job=found, job_id=job_id
        )

    @expose("/jobs/<job_id>.json")
    @has_access
    def job_state(self, job_id):
        found = self._own_job(job_id)
        return jsonify(
            status=found["status"],
            done=found.get("done", 0),
            total=found.get("total", 0),
            message=found.get("message", ""),
        )

    @expose("/confirm", methods=["POST"])
    @has_access
    def confirm(self):
        token = request.form.get("token", "")
        if not token.replace("-", "").replace("_", "").isalnum():
            abort(404)
        folder = self._pending_dir()
        meta_file, data_file = folder / f"{token}.json", folder / f"{token}.xlsx"
        if not meta_file.exists() or not data_file.exists():
            flash(_("该预览已过期，请重新上传文件。"), "warning")
            return redirect(url_for("SheetView.index"))
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta["user_id"] != g.user.id:
            abort(404)
        if meta.get("rows", 0) > current_app.config["JOB_INLINE_ROWS"]:
            return self._queue(meta, meta_file, data_file)
        report = self._run(data_file.read_bytes(), meta["department"], dry_run=False)
        if report is None:
            return redirect(url_for("SheetView.index"))
        if not report.ok:
            return self._preview(report, meta["filename"], None)
        meta_file.unlink(missing_ok=True)
        data_file.unlink(missing_ok=True)
        flash(
            _("导入完成：新增 {a}，修改 {c}，删除 {d}，未变 {s}，跳过 {k}。").format(
                a=report.total("add"),
                c=report.total("change"),
                d=report.total("delete"),
                s=report.total("same"),
                k=report.total("skip"),
            ),
            "success",
        )
        return self._preview(report, meta["filename"], None, applied=True)
