"""`--explain-buckets` on real service-desk exports (issue 15 §2): the role a service-desk admin gives
each status, written down by reading the XML (step names, status ids, sd.step.key metas, the create
transition), not by running jwflint. "done-type" is a terminal done status the bot never resolves into."""

from __future__ import annotations

from pathlib import Path

import pytest

from jwflint.model.buckets import Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import Status
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse

from .conftest import CORPUS, FIXTURES

DEMO = FIXTURES / "demo" / "service_desk.xml"
SD = "ShowMaster32__Jira-Workflow-Decode__"

TABLES: dict[str, dict[str, str | None]] = {
    # Without the demo's catalogue: the names alone.
    str(DEMO): {
        "Open": "new",
        "SupportWait": "in_progress",  # with the support team (the demo's catalogue says so too)
        "CustomerWait": "waiting",
        "EngineeringWait": "in_progress",
        "Closed": "resolved",
        "Resolved": "resolved",
        "Expired": "done-type",
        "OperationsWait": "in_progress",
    },
    SD + "Service_Desk_Workflow_for_ZS_ver_03.xml": {
        "Open": "new",
        "SupportWait": "in_progress",
        "CustomerWait": "waiting",
        "EngineeringWait": "in_progress",
        "Closed": "resolved",
        "Resolved": "resolved",
        "Expired": "done-type",
        "OperationsWait": "in_progress",
    },
    SD + "AAS__Support_Workflow_Ver__2_0.xml": {
        "Waiting for customer": "waiting",  # also sd.step.key sdWFCustomer
        "In Progress": "in_progress",
        "Expired Request": "done-type",
        "Closed": "resolved",
        "Hold for investigation": "waiting",
    },
    SD + "Internal_support_portals_Sub-TaskAccount_ticket_Workflow.xml": {
        "To Do": "new",
        "In Progress": "in_progress",
        "Done": "resolved",
        # The end of "Add License": an admin would call it done, but nothing in its name says so
        # (map it in the catalogue): not guessed.
        "License Added": None,
        "Canceled": "done-type",
    },
}


def _role(buckets: Buckets, status: Status) -> str | None:
    bucket = buckets.bucket_of(status)
    if bucket is None and buckets.done_type(status):
        return "done-type"
    return bucket


@pytest.mark.parametrize("name", list(TABLES), ids=lambda n: Path(n).name[:60])
def test_service_desk_statuses_take_the_admins_roles(name: str) -> None:
    path = Path(name) if Path(name).is_absolute() else CORPUS / name
    workflow = build(parse(str(path), path.read_bytes()))
    buckets = Buckets(workflow, Catalogue())
    actual = {status.name: _role(buckets, status) for status in workflow.statuses}
    assert actual == TABLES[name]
