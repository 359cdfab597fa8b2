"""The login, item, list, public and verify pages pass axe-core with no serious or critical
violation at 1400 px and 375 px, and the pages phones open (public lists and items, verify,
the item page, the home page) do not scroll sideways at 375 px. Runs devtools/tour.py on the
demo college in Debian's Chromium, in its own database and process."""

from pathlib import Path

import pytest

from tests.conftest import python_cli


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's Chromium")
def test_main_pages_pass_axe_and_fit_a_phone(empty_database_url):
    result = python_cli(
        "-m", "devtools.tour", "check", empty_database_url, url=empty_database_url, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 faults" in result.stderr
