"""Every page a role reaches from its menu, and every public page, reads as Chinese: no Latin
word outside a short allowlist of codes and abbreviations, no FAB "__None", no time that is not
rendered in the display zone. The crawl runs on the demo college (devtools/site.py) in its own
database and process."""

from devtools.site import ALLOWED_WORDS, visible_problems
from tests.conftest import python_cli


def test_the_checker_catches_english_placeholders_and_utc_times():
    page = (
        "<html><body><p>提交时间 2026-12-07 13:30</p><select><option>__None</option></select>"
        "<th>Submitted At</th><button title='Show'></button>"
        "<p><time datetime='2026-12-07T21:30:00+08:00'>2026-12-07 21:30</time></p>"
        "<p>JWC-001 XLSX <code>memberOf</code></p><script>var Ignored = 1;</script></body></html>"
    )
    problems = visible_problems(page)
    assert "__None" in problems
    assert "Latin word 'Submitted'" in problems and "Latin word 'Show'" in problems
    assert "time not in the display zone: 2026-12-07 13:30" in problems
    assert not any("21:30" in p or "XLSX" in p or "memberOf" in p for p in problems)
    assert not any("Ignored" in p or "JWC" in p for p in problems)
    assert len(ALLOWED_WORDS) < 30  # a short list of codes, not a way around the check


def test_every_menu_page_of_every_role_and_every_public_page_reads_chinese(empty_database_url):
    result = python_cli(
        "-m", "devtools.site", "crawl", empty_database_url, url=empty_database_url, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout == ""
    read = int(result.stderr.rsplit("read ", 1)[1].split()[0])
    assert read > 150, result.stderr[-500:]  # every role's menu and what it links to
