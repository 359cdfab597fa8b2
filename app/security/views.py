"""Login and logout pages: one login for both modes, logout only by POST with CSRF."""

from flask import current_app, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.views import AuthDBView, AuthLDAPView
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length

from app.extensions import db
from app.services.access import authentication, passwords
from app.views.redirects import safe_next

from . import sessions


class LoginForm(FlaskForm):
    # No DataRequired: the service refuses empty input itself, and audits the attempt.
    username = StringField(_l("用户名"), validators=[Length(max=128)])
    password = PasswordField(_l("密码"), validators=[Length(max=1024)])


class _ConsoleLogin:
    """Shared by the DB and LDAP login views; the rules live in app.services.authentication."""

    login_template = "security/login.html"
    title = _l("登录")

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(safe_next(self.appbuilder.get_url_for_index))
        form = LoginForm()
        status = 200
        if request.method == "POST" and form.validate_on_submit():
            try:
                user = authentication.authenticate(
                    db.session,
                    self.appbuilder.sm,
                    form.username.data,
                    form.password.data,
                    ip=request.remote_addr,
                )
            except authentication.LoginRefused as refused:
                db.session.rollback()
                flash(str(refused), "danger")
                status = refused.status_code
            else:
                sessions.start(user)
                for notice in getattr(user, "notices", []):
                    flash(notice, "warning")
                if passwords.is_expired(user):
                    flash(_l("密码已超过有效期或为初始密码，请先修改密码。"), "warning")
                    return redirect(url_for("ResetMyPasswordView.this_form_get"))
                return redirect(safe_next(self.appbuilder.get_url_for_index))
        elif request.method == "POST":
            flash(_l("请求无效，请刷新页面后重新登录。"), "danger")
            status = 400
        response = current_app.make_response(
            self.render_template(
                self.login_template, title=self.title, form=form, appbuilder=self.appbuilder
            )
        )
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "GET":
            # Logging out changes state: only a POST with a CSRF token does it.
            return redirect(self.appbuilder.get_url_for_index)
        user = sessions.end()
        if user is not None:
            from app.services.trail import audit

            audit.record_event(
                db.session,
                "logout",
                record_type="ab_user",
                record_id=user.id,
                summary=user.username,
                username=user.username,
                ip=request.remote_addr,
            )
            db.session.commit()
        return redirect(self.appbuilder.get_url_for_login)


class ConsoleAuthDBView(_ConsoleLogin, AuthDBView):
    pass


class ConsoleAuthLDAPView(_ConsoleLogin, AuthLDAPView):
    pass
