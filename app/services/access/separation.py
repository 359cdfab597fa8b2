"""三权分立 (等保 2.0 8.1.4.2 d): no account holds two of the three administrators' roles.

Checked wherever roles are given: the security administrator's user forms
(`app.security.manager`) and the directory's role mapping at login (`directory_users`).
"""

from collections.abc import Iterable

from flask_babel import gettext as _

from app.security.roles import SEPARATED_ROLES
from app.services.errors import DomainError


def ensure_separated(roles: Iterable) -> None:
    """Refuse an account whose roles (FAB Role rows) hold two of the three administrators'
    roles (三权分立)."""
    names = {role.name for role in roles}
    held = [name for name in SEPARATED_ROLES if name in names]
    if len(held) > 1:
        raise DomainError(
            _("{roles}不能由同一账号兼任（三权分立）。").format(roles="、".join(held))
        )
