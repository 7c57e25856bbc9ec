"""`--explain-buckets` on real service-desk exports (issue 15 §2): the role a service-desk admin gives
each status, written down by reading the XML (step names, status ids, sd.step.key metas, the create
transition), not by running jwflint. "done-type" is a terminal done status the bot never resolves into."""

from __future__ import annotations

from pathlib import Path

import pytest

from jwflint.model.buckets import NEW, REOPEN_TARGET, REOPENED, Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import Status
from jwflint.sources.osworkflow_xml import build
from jwflint.sources.xml_document import parse

from .conftest import CORPUS, CORPUS_BULK, FIXTURES

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


# The Reopened role where no status is a Reopened one (issue 15 §2): the status the workflow's own
# reopen transitions (named Reopen / Re-open, or firing Issue Reopened 7) lead into, not the first
# New status; read from the XML's actions. (status the role falls on, where it came from)
REOPENED_ROLES: dict[str, tuple[str, str]] = {
    # ReOpen (→ Open) from Closed, Resolved and Expired: Open, as the New fallback had it.
    str(DEMO): ("Open", REOPEN_TARGET),
    SD + "Service_Desk_Workflow_for_ZS_ver_03.xml": ("Open", REOPEN_TARGET),
    # No New status at all: "Reopen issue" (911, event 7) from Closed and Expired Request → In Progress.
    SD + "AAS__Support_Workflow_Ver__2_0.xml": ("In Progress", REOPEN_TARGET),
    # "Reopen" (→ To Do) and "Reopen and start progress" (→ In Progress): the plain reopen wins.
    SD + "Internal_support_portals_Sub-TaskAccount_ticket_Workflow.xml": ("To Do", REOPEN_TARGET),
    # ReOpen from Resolved and Expired and ReporterBackToSupport (event 7) → SupportWait, the support
    # team's queue, not the first New status (Open); ReOpen from Closed → Resolved is no reopen target.
    "bulk:FAAC_Service_Desk_Workflow_for_HS_ver_2_3.xml": ("SupportWait", REOPEN_TARGET),
    # The classic workflow has a Reopened status (id 4): no fallback.
    SD + "classic_default_workflow__System_.xml": ("Reopened", ""),
}


def _path(name: str) -> Path:
    if name.startswith("bulk:"):
        return CORPUS_BULK / name.removeprefix("bulk:")
    return Path(name) if Path(name).is_absolute() else CORPUS / name


@pytest.mark.parametrize("name", list(REOPENED_ROLES), ids=lambda n: Path(n).name[:60])
def test_reopened_role_is_where_the_workflow_reopens(name: str) -> None:
    path = _path(name)
    if not path.is_file():
        pytest.skip(f"{path} is not in the shared corpus")
    workflow = build(parse(str(path), path.read_bytes()))
    buckets = Buckets(workflow, Catalogue())
    statuses, fallback = buckets.role(REOPENED)
    assert ([s.name for s in statuses], fallback or "") == ([REOPENED_ROLES[name][0]], REOPENED_ROLES[name][1])


def test_reopened_role_falls_back_to_new_without_reopen_transitions() -> None:
    """No Reopened status and no reopen transition: the New statuses play the role, as before."""
    path = CORPUS / (SD + "OBEYA__Simple_Workflow.xml")
    if not path.is_file():
        pytest.skip(f"{path} is not in the shared corpus")
    workflow = build(parse(str(path), path.read_bytes()))
    statuses, fallback = Buckets(workflow, Catalogue()).role(REOPENED)
    assert ([s.name for s in statuses], fallback) == (["To Do"], NEW)
