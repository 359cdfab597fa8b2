"""The engine of a case: an item's process nodes compiled to BPMN, run by SpiffWorkflow.

Why a kept engine rather than a transition table of our own: SpiffWorkflow executes BPMN in
pure Python with exclusive gateways (conditions), parallel gateways (countersigns) and timers,
and serialises a running process to JSON that the case row keeps. The item's flowchart and its
running process are drawn from one definition: the ordered nodes.

The compiled process is a sequence of user tasks, one per node; consecutive countersign
(会签) nodes become one parallel gateway whose branches all must finish before the join.
Conditions in BPMN are Python expressions that SpiffWorkflow evaluates, so a definition is
code: only `compile_nodes` writes one, from the console's own records, and no BPMN is ever
accepted from outside.

The serialised state embeds the process definition, so a case keeps running on the version
it started with however the item's nodes change afterwards.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from app.services.errors import DomainError

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
COUNTERSIGN = "countersign"
_SERIALIZER = BpmnWorkflowSerializer()


@dataclass(frozen=True)
class NodeSpec:
    """What a case needs of a process node: its id, name, kind and time limit's words."""

    id: int
    name: str
    kind: str
    time_limit: str | None = None


def process_id(item_id: int, version_no: int | None) -> str:
    return f"item_{item_id}_v{version_no or 0}"


def task_name(node_id: int) -> str:
    """The BPMN id of a node's user task."""
    return f"node_{node_id}"


def node_id_of(spec_name: str) -> int | None:
    return int(spec_name[5:]) if spec_name.startswith("node_") else None


def stages(nodes: Sequence[NodeSpec]) -> list[list[NodeSpec]]:
    """The nodes grouped as they run: a run of consecutive countersigns is one stage."""
    result: list[list[NodeSpec]] = []
    for node in nodes:
        if node.kind == COUNTERSIGN and result and result[-1][0].kind == COUNTERSIGN:
            result[-1].append(node)
        else:
            result.append([node])
    return result


def compile_nodes(pid: str, name: str, nodes: Sequence[NodeSpec]) -> str:
    """The BPMN document of a process that runs `nodes` in order (countersigns in parallel)."""
    if not nodes:
        raise DomainError("no nodes")
    elements: list[str] = ['<bpmn:startEvent id="start" />']
    flows: list[tuple[str, str]] = []
    previous = "start"
    for index, stage in enumerate(stages(nodes)):
        if len(stage) == 1:
            node = stage[0]
            elements.append(
                f'<bpmn:userTask id="{task_name(node.id)}" name={quoteattr(node.name)} />'
            )
            flows.append((previous, task_name(node.id)))
            previous = task_name(node.id)
            continue
        split, join = f"split_{index}", f"join_{index}"
        elements.append(f'<bpmn:parallelGateway id="{split}" />')
        elements.append(f'<bpmn:parallelGateway id="{join}" />')
        flows.append((previous, split))
        for node in stage:
            elements.append(
                f'<bpmn:userTask id="{task_name(node.id)}" name={quoteattr(node.name)} />'
            )
            flows.append((split, task_name(node.id)))
            flows.append((task_name(node.id), join))
        previous = join
    elements.append('<bpmn:endEvent id="end" />')
    flows.append((previous, "end"))
    flow_xml = [
        f'<bpmn:sequenceFlow id="flow_{n}" sourceRef="{a}" targetRef="{b}" />'
        for n, (a, b) in enumerate(flows)
    ]
    body = "\n    ".join(elements + flow_xml)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}" id="definitions_{pid}" '
        'targetNamespace="http://service-governance-console/cases">\n'
        f'  <bpmn:process id="{pid}" name={quoteattr(name)} isExecutable="true">\n'
        f"    {body}\n"
        "  </bpmn:process>\n"
        "</bpmn:definitions>\n"
    )


def start(bpmn: str, pid: str, nodes: Sequence[NodeSpec] = ()) -> BpmnWorkflow:
    """A new running process of the compiled definition, moved to its first user tasks. The
    nodes' names and limits travel in the process's data, so that a step opened later is named
    and timed as the definition was when the case started."""
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_str(bpmn.encode("utf-8"))
    workflow = BpmnWorkflow(parser.get_spec(pid))
    workflow.data["definition"] = {
        str(n.id): {"name": n.name, "kind": n.kind, "time_limit": n.time_limit} for n in nodes
    }
    workflow.do_engine_steps()
    return workflow


def node_of(workflow: BpmnWorkflow, node_id: int) -> NodeSpec | None:
    """A node as the case's definition has it."""
    found = workflow.data.get("definition", {}).get(str(node_id))
    if found is None:
        return None
    return NodeSpec(node_id, found["name"], found["kind"], found.get("time_limit"))


def dump(workflow: BpmnWorkflow) -> str:
    return _SERIALIZER.serialize_json(workflow)


def load(state: str) -> BpmnWorkflow:
    return _SERIALIZER.deserialize_json(state)


def ready_nodes(workflow: BpmnWorkflow) -> list[int]:
    """The ids of the nodes waiting for a handler now."""
    tasks = workflow.get_tasks(state=TaskState.READY, manual=True)
    return [n for n in (node_id_of(t.task_spec.name) for t in tasks) if n is not None]


def finish(workflow: BpmnWorkflow, node_id: int, data: dict) -> list[int]:
    """Finish the ready task of `node_id` with `data`; returns the nodes that became ready."""
    before = set(ready_nodes(workflow))
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        if task.task_spec.name == task_name(node_id):
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            return [n for n in ready_nodes(workflow) if n not in before]
    raise DomainError("node not ready")


def is_completed(workflow: BpmnWorkflow) -> bool:
    return workflow.is_completed()
