"""People of the test CAS server, read from users.json in the site's folder: {username:
{"password": ..., "attributes": {name: value or [values]}}}. devtools/casd.py writes the file;
it is read at every login, so a test may change a person's attributes between two logins."""

import json

from cas_server.auth import AuthUser
from django.conf import settings


def _people():
    return json.loads((settings.FOLDER / "users.json").read_text(encoding="utf-8"))


class FileUser(AuthUser):
    """Only the attributes listed for the person are released (never a password hash)."""

    def _entry(self):
        return _people().get(self.username)

    def test_password(self, password):
        entry = self._entry()
        return entry is not None and password == entry["password"]

    def attributs(self):
        entry = self._entry() or {}
        return dict(entry.get("attributes", {}))
