"""The app boots on a migrated database and every role can log in."""

import pytest

from tests.factories import ROLE_USERS


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_every_role_logs_in_and_sees_home(client_as, role):
    response = client_as(role).get("/")
    assert response.status_code == 200
    assert "服务治理工作台" in response.text
