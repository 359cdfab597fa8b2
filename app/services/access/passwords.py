"""Password rules for local accounts (等保 2.0 level 3): length, character classes and age.

Directory (LDAP) users' passwords belong to the directory's own policy.
"""

from datetime import timedelta

from flask import current_app
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _

from app.models.base import utcnow

MIN_LENGTH = 8
MAX_LENGTH = 128
CLASSES = (str.islower, str.isupper, str.isdigit)


def problems(password):
    """What is wrong with `password` for a local account; empty when it is acceptable."""
    found = []
    if len(password or "") < MIN_LENGTH:
        found.append(_("至少 {n} 个字符").format(n=MIN_LENGTH))
    if len(password or "") > MAX_LENGTH:
        found.append(_("不超过 {n} 个字符").format(n=MAX_LENGTH))
    kinds = sum(any(test(c) for c in password or "") for test in CLASSES)
    kinds += any(not c.isalnum() for c in password or "")
    if kinds < 3:
        found.append(_("包含大写字母、小写字母、数字、特殊字符中的至少三类"))
    return found


def fab_validator(password):
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: FAB's password forms call this."""
    found = problems(password)
    if found:
        raise PasswordComplexityValidationError(
            _("密码不符合要求：{rules}。").format(rules="；".join(found))
        )


def is_expired(user):
    """A local account's password older than PASSWORD_MAX_AGE_DAYS must be changed."""
    if getattr(user, "source", "local") != "local":
        return False
    changed = user.password_changed_at
    max_age = current_app.config.get("PASSWORD_MAX_AGE_DAYS", 90)
    return changed is None or utcnow() - changed > timedelta(days=max_age)
