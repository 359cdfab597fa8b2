"""What a record still lacks before it can be submitted, what it should still have (warnings),
and what the campaign board counts, by the campaign's rule set (`CompletenessRule`).

`lacks(record)` lists every checkable field (`RULES`) the record leaves blank, as (key, words);
the rule set says which of them block a submission (`missing`) and which only warn
(`warnings`). `rules(session)` is the rule set: the IT office's rows over the defaults.
`completeness_sql` says the same required rules in SQL.
"""

from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, object_session

from app.models import CompletenessRule, Contact, InformationSystem, ServiceItem
from app.models.choices import RUNNING_STATUS
from app.models.completeness_rule import BY_KEY, RULE_LEVEL, RULES
from app.models.labels import label

# {(subject, key): level}
RuleSet = Mapping[tuple[str, str], str]
DEFAULTS: RuleSet = {(rule.subject, rule.key): rule.default for rule in RULES}


def _plain(subject, conditional=()):
    """(key, label) of the rules on `subject`'s own columns (those the model's words name),
    in the order of `RULES`, bar the `conditional` ones that are checked below."""
    return tuple(
        (rule.key, rule.label)
        for rule in RULES
        if rule.subject == subject and isinstance(rule.words, type) and rule.key not in conditional
    )


# The plain fields each record type's rules check (the others are checked below), and the
# tables the rules may be read from (checked once per database: `rules`).
ITEM_MODULES = _plain("service_item")
SYSTEM_FIELDS = _plain("information_system", ("problem_details",))
CONTACT_FIELDS = _plain("contact")
_READY: set[str] = set()
SUBJECTS = {
    ServiceItem: "service_item",
    InformationSystem: "information_system",
    Contact: "contact",
}


def rules(session: Session | None) -> dict[tuple[str, str], str]:
    """The campaign's rule set: each field's level, the IT office's rows over the defaults."""
    found = dict(DEFAULTS)
    if session is None:
        return found
    bind = session.get_bind()
    url = str(bind.engine.url)
    if url not in _READY:
        if not inspect(bind).has_table(CompletenessRule.__tablename__):
            return found
        _READY.add(url)
    for subject, key, level in session.execute(
        select(CompletenessRule.subject, CompletenessRule.field, CompletenessRule.level)
    ):
        if (subject, key) in found:
            found[subject, key] = level
    return found


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_fields(record, fields):
    return [(key, str(text)) for key, text in fields if _blank(getattr(record, key))]


def _item_lacks(item) -> list[tuple[str, str]]:
    lacking = _missing_fields(item, ITEM_MODULES)
    words = {key: str(BY_KEY["service_item", key].label) for key in _ITEM_EXTRA}
    if not item.nodes:
        lacking.append(("nodes", words["nodes"]))
    if not item.materials:
        lacking.append(("materials", words["materials"]))
    elif any(_blank(m.name) or _blank(m.form) for m in item.materials):
        lacking.append(("material_details", words["material_details"]))
    if item.running_status == RUNNING_STATUS.IMPROVE and _blank(item.disposition):
        lacking.append(("disposition", words["disposition"]))
    if item.running_status == RUNNING_STATUS.DEPLOY and _blank(item.transformation_needs):
        lacking.append(("transformation_needs", words["transformation_needs"]))
    return lacking


_ITEM_EXTRA = ("nodes", "materials", "material_details", "disposition", "transformation_needs")


def _system_lacks(system) -> list[tuple[str, str]]:
    lacking = _missing_fields(system, SYSTEM_FIELDS)
    if system.problem_codes() and _blank(system.problem_details):
        lacking.append(("problem_details", str(label(InformationSystem, "problem_details"))))
    return lacking


def _contact_lacks(contact) -> list[tuple[str, str]]:
    lacking = _missing_fields(contact, CONTACT_FIELDS)
    if not (contact.knows_processes or contact.administers_systems):
        lacking.append(("duty", _("至少承担一项职责（熟悉业务流程或担任系统管理员）")))
    return lacking


LACKS = {
    "service_item": _item_lacks,
    "information_system": _system_lacks,
    "contact": _contact_lacks,
}


def _subject(record: object) -> str | None:
    return SUBJECTS.get(type(record))


def _at(subject: str, record: object, level: str, rule_set: RuleSet | None) -> list[str]:
    if rule_set is None:
        rule_set = rules(object_session(record))
    return [
        words
        for key, words in LACKS[subject](record)
        if rule_set.get((subject, key), RULE_LEVEL.REQUIRED) == level
    ]


def missing_for_item(item: object, rule_set: RuleSet | None = None) -> list[str]:
    """What an item (or a look-alike) lacks that the rules require; DEFAULTS when unsaved."""
    return _at("service_item", item, RULE_LEVEL.REQUIRED, rule_set or _default_for(item))


def missing_for_system(system: object, rule_set: RuleSet | None = None) -> list[str]:
    return _at("information_system", system, RULE_LEVEL.REQUIRED, rule_set or _default_for(system))


def missing_for_contact(contact: object, rule_set: RuleSet | None = None) -> list[str]:
    return _at("contact", contact, RULE_LEVEL.REQUIRED, rule_set or _default_for(contact))


def _default_for(record: object) -> RuleSet | None:
    """None (read the record's session) for a stored record, the defaults for a look-alike."""
    try:
        return None if object_session(record) is not None else DEFAULTS
    except Exception:
        return DEFAULTS


def missing(record: object, rule_set: RuleSet | None = None) -> list[str]:
    """Translated names of what `record` lacks for a submission; empty when complete."""
    subject = _subject(record)
    if subject is None:
        return []
    return _at(subject, record, RULE_LEVEL.REQUIRED, rule_set)


def warnings(record: object, rule_set: RuleSet | None = None) -> list[str]:
    """Translated names of what the rules recommend and `record` lacks (it may still be
    submitted)."""
    subject = _subject(record)
    if subject is None:
        return []
    return _at(subject, record, RULE_LEVEL.RECOMMENDED, rule_set)
