"""Where a demo item stands: its survey findings (pain points, suggestions, the plan of 待改进
and 待部署 items), its place on the service hall's chain, and its offline emergency plan."""

import random

from app.services.demo.data import texts
from app.services.demo.rows import pick


def findings(rng: random.Random, running: str, year: int) -> dict:
    """Pain points and suggestions for some items; the plan of 待改进 and 待部署 items."""
    found = {
        "pain_points": None,
        "suggestions": None,
        "transformation_needs": None,
        "disposition": None,
        "disposition_note": None,
    }
    if rng.random() < 0.4:
        found["pain_points"] = "；".join(rng.sample(texts.PAIN_POINTS, rng.randint(1, 2)))
    if rng.random() < 0.35:
        found["suggestions"] = "；".join(rng.sample(texts.SUGGESTIONS, rng.randint(1, 2)))
    if running == "improve":
        enable = rng.random() < 0.7
        found["disposition"] = "enable" if enable else "offline"
        note = rng.choice(texts.ENABLE_NOTES if enable else texts.OFFLINE_NOTES)
        found["disposition_note"] = note.format(year=year + 1, month=rng.randint(3, 9))
    if running == "deploy":
        found["transformation_needs"] = "；".join(
            rng.sample(texts.TRANSFORMATION_NEEDS, rng.randint(1, 2))
        )
    return found


# Where 待部署 items stand on the way online (measures art. 8-10), and their shares.
CHAIN = (
    ("planned", "onboarding_requested", "onboarding_approved", "in_development", "acceptance")
    + ("accepted", "confirming"),
    (35, 15, 10, 12, 10, 8, 10),
)


def lifecycle(rng: random.Random, running: str, findings: dict, year: int) -> dict:
    """Where the item stands on the service hall (the same start as lifecycle.initial_lifecycle);
    demo/hall.py writes the requests and steps that brought it there."""
    if running == "deploy":
        state = pick(rng, CHAIN)
        note = f"申请纳入{year + 1}年线上化改造计划" if state != "planned" else None
        return {"lifecycle": state, "lifecycle_note": note}
    if findings["disposition"] == "offline" and rng.random() < 0.5:
        return {"lifecycle": "offline_requested", "lifecycle_note": findings["disposition_note"]}
    if running == "improve":
        return {"lifecycle": "acceptance", "lifecycle_note": None}
    if running == "good" and rng.random() < 0.05:
        return {"lifecycle": "change_requested", "lifecycle_note": "增加线上签章环节"}
    return {"lifecycle": "online", "lifecycle_note": None}


def offline_plan(state: str, dept: object) -> str | None:
    """The offline emergency plan of a running item or one that is about to go online."""
    if state in ("planned", "onboarding_requested", "onboarding_approved", "in_development"):
        return None
    return (
        f"网上办事大厅不可用时，到{dept.office}（{dept.name}）线下办理，"
        f"联系电话 {dept.phone}；提交纸质申请表，恢复后补录。"
    )
