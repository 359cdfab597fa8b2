"""Time limits and audiences are read from what clerks and guides write (GB/T 39554), and
what cannot be read is said, never invented."""

import pytest

from app.models import ProcessNode, ServiceItem
from app.models.audience import read_audience
from app.models.time_limit import read_time_limit


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


# (words, handling, low, high, unit)
WRITTEN = [
    ("2个工作日", "promised", 2, 2, "workday"),
    ("即办", "immediate", 0, 0, None),
    ("即时办结", "immediate", 0, 0, None),
    ("承诺期限:0(即办件)", "immediate", 0, 0, None),
    ("承诺期限：0（即办件）", "immediate", 0, 0, None),
    ("5个工作日（不含节假日）", "promised", 5, 5, "workday"),
    ("1-30天", "promised", 1, 30, "day"),
    ("当场办结", "immediate", 0, 0, None),
    ("五个工作日", "promised", 5, 5, "workday"),
    ("十五个工作日", "promised", 15, 15, "workday"),
    ("3至5个工作日", "promised", 3, 5, "workday"),
    ("3～5个工作日", "promised", 3, 5, "workday"),
    ("２４小时内", "promised", 24, 24, "hour"),
    ("20个自然日", "promised", 20, 20, "day"),
    ("法定期限：20个工作日", "promised", 20, 20, "workday"),
]


@pytest.mark.parametrize(("words", "handling", "low", "high", "unit"), WRITTEN)
def test_what_clerks_write_is_read_into_the_structure_and_the_words_are_kept(
    words, handling, low, high, unit
):
    reading = read_time_limit(words)
    assert reading.understood and reading.text == words
    assert (reading.handling, reading.low, reading.high, reading.unit) == (
        handling,
        low,
        high,
        unit,
    )


@pytest.mark.parametrize("words", ["每月补办一次", "另行通知", "3个月", "30-1天"])
def test_words_that_name_no_limit_are_kept_and_said_to_be_unread(words):
    reading = read_time_limit(words)
    assert not reading.understood and reading.text == words
    assert reading.low is reading.high is reading.unit is None
    assert reading.working_days is None  # unknown is not zero


def test_setting_an_items_words_sets_its_structure_and_figure(ctx):
    item = ServiceItem(promised_limit="1-30天", statutory_limit="20个工作日")
    assert (item.promised_low, item.promised_high, item.promised_unit) == (1, 30, "day")
    assert item.handling_type == "promised" and item.time_limit_days is None
    assert (item.statutory_high, item.statutory_unit) == (20, "workday")
    item.promised_limit = "即办件"
    assert item.time_limit_days == 0 and item.promised_unit is None
    item.promised_limit = None
    assert item.promised_low is item.promised_high is item.time_limit_days is None


def test_node_time_limits_take_the_same_form(ctx):
    node = ProcessNode(time_limit="2个工作日")
    assert (node.time_limit_low, node.time_limit_high, node.time_limit_unit) == (2, 2, "workday")
    assert node.time_limit_days == 2
    node.time_limit = "即办"
    assert node.time_limit_days == 0


@pytest.mark.parametrize(
    ("words", "codes", "note"),
    [
        ("教工", "staff", None),
        ("在校学生", "undergraduate,graduate", None),
        ("本科生、研究生、留学生", "undergraduate,graduate,international", None),
        ("教职工，离退休人员；校友", "staff,retiree,alumni", None),
        ("学生家长及校外人员", "external,parent", None),
        ("博士后、外聘人员", "postdoc", "外聘人员"),
        ("全校师生", "staff,undergraduate,graduate", None),
        ("", None, None),
    ],
)
def test_audiences_are_read_through_the_list_and_its_synonyms_with_a_free_remainder(
    words, codes, note
):
    audience = read_audience(words)
    assert (audience.codes, audience.note) == (codes, note)
    assert read_audience(audience.words()) == audience  # what the export writes reads back
