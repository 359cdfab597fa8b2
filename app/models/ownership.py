"""Which department owns a record: one answer for the scope, the audit trail and the ledger.

Contacts, service items, information systems and rectification tasks belong to a department
directly; an item's materials and process nodes, and the checks of its online entry, belong to
it through their item. A department
owns itself. Reference data (campaigns, phases) belongs to no department.
"""

from .contact import Contact
from .department import Department
from .entry_check import EntryCheck
from .hall import HallRequest, HandlerAssignment
from .information_system import InformationSystem
from .rectification_task import RectificationTask
from .service_item import Material, ProcessNode, ServiceItem

# Records a department owns directly, and the children owned through their service item.
# A hall request belongs to the item's unit; a handler assignment to the unit handling the node
# (its process administrator proposes it).
DEPARTMENT_MODELS = (
    Contact,
    ServiceItem,
    InformationSystem,
    RectificationTask,
    HallRequest,
    HandlerAssignment,
)
ITEM_CHILD_MODELS = (Material, ProcessNode)
# Observations about an item that nobody writes by hand: scoped through the item like its
# children, but not department records (no form, no workflow).
ITEM_OBSERVATIONS = (EntryCheck,)


def is_department_record(record: object) -> bool:
    """True for a record that a department writes (directly or through its service item)."""
    return isinstance(record, DEPARTMENT_MODELS + ITEM_CHILD_MODELS)


def belongs_to_department(record: object) -> bool:
    """True for a record within one department's scope: its own records and their observations."""
    return isinstance(record, DEPARTMENT_MODELS + ITEM_CHILD_MODELS + ITEM_OBSERVATIONS)


def owner(record: object) -> object:
    """The record whose state governs `record`: a child's service item, else the record."""
    return record.item if isinstance(record, ITEM_CHILD_MODELS) else record


def department_id_of(record: object) -> int | None:
    """The id of the department owning `record`. A department set through the relationship wins
    (a form sets it before the flush that fills the foreign key); an unloaded relationship is not
    loaded, so the audit trail may ask during a flush."""
    if isinstance(record, ITEM_CHILD_MODELS + ITEM_OBSERVATIONS):
        return department_id_of(record.item) if record.item is not None else None
    if isinstance(record, Department):
        return record.id
    department = vars(record).get("department")
    if department is not None:
        return department.id
    return getattr(record, "department_id", None)
