"""FAB's REST login (/api/v1/security/login and /refresh), off unless API_LOGIN_ENABLED.

When enabled it logs in through the same `attempt_login` as the login form: the same input
guards, lockout, audit and (shared) rate limit; a refusal answers with its status from
app/services/errors.py RESPONSES and the same message as the form.
"""

from flask import abort, current_app, request
from flask_appbuilder.const import API_SECURITY_ACCESS_TOKEN_KEY, API_SECURITY_REFRESH_TOKEN_KEY
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.views import expose
from flask_babel import gettext as _
from flask_jwt_extended import create_access_token, create_refresh_token

from app.services.errors import SecondFactorNeeded, response_for


def _enabled():
    if not current_app.config.get("API_LOGIN_ENABLED"):
        abort(404)


class ConsoleSecurityApi(SecurityApi):
    @expose("/login", methods=["POST"])
    def login(self):
        """JSON {username, password[, otp][, refresh]} -> {access_token[, refresh_token]}; an
        account with a second factor gives its current TOTP (or a recovery code) as `otp`."""
        from .views import attempt_login

        _enabled()
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return self.response_400(message=_("请求内容应为 JSON 对象。"))
        username, password = payload.get("username"), payload.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            return self.response_400(message=_("请提供用户名和密码。"))
        otp = payload.get("otp")
        if otp is not None and not isinstance(otp, str):
            return self.response_400(message=_("动态验证码应为字符串。"))
        user, refusal, ok = attempt_login(self.appbuilder.sm, username, password, otp=otp)
        if not ok:
            return self.response_500(message=_("操作失败，请稍后重试。"))
        if isinstance(refusal, SecondFactorNeeded):
            return self.response(
                401, message=_("该账号需要两步验证：请在请求中以 otp 提供动态验证码或恢复码。")
            )
        if refusal is not None:
            status, _category = response_for(refusal)
            return self.response(status, message=str(refusal))
        answer = {API_SECURITY_ACCESS_TOKEN_KEY: create_access_token(str(user.id), fresh=True)}
        if payload.get("refresh") is True:
            answer[API_SECURITY_REFRESH_TOKEN_KEY] = create_refresh_token(str(user.id))
        return self.response(200, **answer)

    @expose("/refresh", methods=["POST"])
    def refresh(self):
        _enabled()
        return SecurityApi.refresh(self)
