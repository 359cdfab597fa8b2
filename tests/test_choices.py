"""Choice sets: comma-joined code sets decoded by one helper, codes as named constants, and
style maps drawn by the `badge` template filter."""

import pathlib
import re

from app.models import choices
from app.models.choices import USER_GROUP, split_codes

TEMPLATES = pathlib.Path(__file__).resolve().parent.parent / "app" / "templates"


def test_split_codes_keeps_order_and_drops_empty_parts():
    assert split_codes("staff,,student,") == ["staff", "student"]
    assert split_codes("") == [] and split_codes(None) == []


def test_labels_joins_translated_labels_and_keeps_unknown_codes(app):
    first, second = USER_GROUP.codes[:2]
    with app.test_request_context():
        expected = f"{USER_GROUP.label(first)}、{USER_GROUP.label(second)}、legacy"
        assert USER_GROUP.labels(f"{first},{second},legacy") == expected
        assert USER_GROUP.labels(None) == ""
        assert USER_GROUP.labels(first, sep=" / ") == USER_GROUP.label(first)
        assert USER_GROUP.label(first) != first  # a real label, not the code echoed back


def test_every_code_is_a_named_constant_of_its_set():
    """`WORKFLOW_STATUS.DRAFT == "draft"`: callers name codes instead of retyping them."""
    sets = [value for value in vars(choices).values() if isinstance(value, choices.Choices)]
    assert len(sets) > 20
    for found in sets:
        for code in found.codes:
            assert getattr(found, code.upper()) == code
    assert choices.WORKFLOW_STATUS.SUBMITTED == "submitted"
    assert choices.TASK_STATUS.IN_PROGRESS == "in_progress"


def test_style_maps_name_bootstrap_styles_and_cover_their_whole_set():
    for found in (
        choices.WORKFLOW_STATUS,
        choices.TASK_STATUS,
        choices.BOARD_STATE,
        choices.RECOMMENDATION,
    ):
        assert set(found.styles) == set(found.codes)
        assert set(found.styles.values()) <= set(choices.STYLES)
    assert choices.WORKFLOW_STATUS.style("approved") == "success"
    assert choices.USER_GROUP.style("staff") == "default"  # a set without a style map


def test_badge_filter_draws_the_label_in_its_style(app):
    with app.test_request_context():
        render = app.jinja_env.from_string
        page = render('{{ "returned"|badge("WORKFLOW_STATUS", "workflow-status") }}').render()
        assert page == (
            '<span class="label label-danger workflow-status" data-code="returned">已退回</span>'
        )
        counted = render('{{ "red"|badge("BOARD_STATE", count=3) }}').render()
        assert counted == '<span class="label label-danger" data-code="red">逾期 3</span>'
        style = render("{{ choices.TASK_STATUS.style('postponed') }}").render()
        assert style == "warning"
        unknown = render('{{ "<b>"|badge("TASK_STATUS") }}').render()
        assert unknown == (
            '<span class="label label-default" data-code="&lt;b&gt;">&lt;b&gt;</span>'
        )


def test_no_template_keeps_its_own_style_map():
    """Colours come from the style maps in choices.py, never from a dict in a template."""
    inline_map = re.compile(r"\{\s*'\w+'\s*:\s*'(default|primary|success|info|warning|danger)'")
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if inline_map.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
