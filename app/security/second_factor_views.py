"""The second step of the login (TOTP or a recovery code, enrolment at the first login), the
user's own page for new recovery codes, and the login's challenge image."""

from flask import abort, current_app, flash, g, make_response, redirect, request
from flask_appbuilder import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import Length

from app.extensions import db
from app.models import ConsoleUser
from app.services.access import second_factor, throttle
from app.services.errors import response_for
from app.views.redirects import safe_next
from app.views.transaction import one_transaction

from . import captcha_image, login_flow


class CodeForm(FlaskForm):
    code = StringField(_l("动态验证码或恢复码"), validators=[Length(max=32)])


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


class SecondFactorPages:
    """Mixed into the login views (DB and LDAP): pages reachable before the session opens."""

    @expose("/login/second-factor/", methods=["GET", "POST"])
    def second_factor(self):
        state = login_flow.pending()
        user = db.session.get(ConsoleUser, state["uid"]) if state else None
        if user is None:
            login_flow.pending_end()
            flash(_("登录已失效，请重新输入用户名和密码。"), "warning")
            return redirect(self.appbuilder.get_url_for_login)
        form, status = CodeForm(), 200
        if request.method == "POST" and form.validate_on_submit():
            done, codes, refusal, ok = login_flow.attempt_second_factor(
                self.appbuilder.sm, user.id, form.code.data
            )
            if not ok:
                status = 500
            elif refusal is not None:
                status, category = response_for(refusal)
                flash(str(refusal), category)
                if "locked" in refusal.reason:
                    login_flow.pending_end()
                    return redirect(self.appbuilder.get_url_for_login)
            else:
                return self._after_second_factor(done, codes, state.get("next"), state.get("cas"))
        elif request.method == "POST":
            flash(_("请求无效，请刷新页面后重试。"), "danger")
            status = 400
        db.session.refresh(user)
        enrolling = not second_factor.enrolled(user)
        page = self.render_template(
            "security/second_factor.html",
            title=_("两步验证"),
            form=form,
            enrolling=enrolling,
            qr=Markup(second_factor.qr_svg(user)) if enrolling else None,
            secret=_grouped(user.totp_secret) if enrolling else None,
            appbuilder=self.appbuilder,
        )
        response = make_response(page, status)
        return _no_store(response)

    def _after_second_factor(self, user, codes, next_url, cas_ticket=None):
        change = login_flow.finish(user, cas_ticket)
        target = change or safe_next(self.appbuilder.get_url_for_index, next_url)
        if codes is None:
            return redirect(target)
        page = self.render_template(
            "security/recovery_codes.html",
            title=_("两步验证已启用"),
            codes=codes,
            continue_url=target,
            appbuilder=self.appbuilder,
        )
        return _no_store(make_response(page))

    @expose("/login/recovery-codes/", methods=["GET", "POST"])
    def recovery_codes(self):
        """New recovery codes for the logged-in user (the current code from the app is asked)."""
        user = g.user if getattr(g.user, "is_authenticated", False) else None
        if user is None:
            return redirect(self.appbuilder.get_url_for_login_with(request.full_path))
        user = db.session.get(ConsoleUser, user.id)
        if not second_factor.enrolled(user):
            abort(404)
        form, codes, status = CodeForm(), None, 200
        if request.method == "POST" and form.validate_on_submit():
            with one_transaction() as outcome:
                if second_factor.verify_code(db.session, user, form.code.data):
                    codes = second_factor.new_recovery_codes(db.session, user)
            if outcome.ok and codes is None:
                flash(_("动态验证码错误或已使用，请输入验证器中当前显示的 6 位数字。"), "danger")
                status = 400
        page = self.render_template(
            "security/recovery_codes.html",
            title=_("两步验证恢复码"),
            codes=codes,
            form=form,
            remaining=second_factor.unused_recovery_codes(db.session, user),
            continue_url=self.appbuilder.get_url_for_index,
            appbuilder=self.appbuilder,
        )
        return _no_store(make_response(page, status))

    @expose("/login/challenge.png")
    def challenge_image(self):
        """The image challenge of the name in ?username= for this address (a new answer each
        time; 404 when the name needs none from here)."""
        username = (request.args.get("username") or "").strip()[:64]
        answer = None
        with one_transaction(abort_on=()):
            answer = throttle.issue_challenge(db.session, username, request.remote_addr)
        if not answer:
            abort(404)
        response = current_app.response_class(captcha_image.png(answer), mimetype="image/png")
        return _no_store(response)


def _grouped(secret: str | None) -> str:
    secret = secret or ""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
