"""Comma-joined code sets (user groups, problems) are decoded by one helper everywhere."""

from app.models.choices import USER_GROUP, split_codes


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
