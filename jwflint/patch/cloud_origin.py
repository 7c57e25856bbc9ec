"""Workflow XML that came from Jira Cloud, which cannot import it back: how to apply the change instead.

Cloud's export differs from Data Center's in ways a plain look at the bytes finds
(shared/research/jira-cloud-apply.md, the corpus MANIFEST): blank lines before ``<?xml``,
``jira.nextgen.*`` metas, and Cloud account ids (24 hex digits, or ``557058:<uuid>``) where Data
Center writes user keys (``jira.update.author.id`` / ``.key``). Any one of them is enough.
"""

from __future__ import annotations

import re

from jwflint.patch.manual import API, ManualStep, RestCall

_NEXTGEN_META = re.compile(rb'<meta\s+name\s*=\s*["\']jira\.nextgen\.')
_CLOUD_ACCOUNT = re.compile(
    rb'<meta\s+name\s*=\s*["\']jira\.update\.author\.(?:id|key)["\']\s*>\s*'
    rb"(?:[0-9a-f]{24}|\d{6}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s*<"
)


def signs(data: bytes) -> list[str]:
    """Why ``data`` looks like an XML export from Jira Cloud; empty when it does not."""
    found = []
    if data[:1] in (b"\n", b"\r") and data.lstrip(b" \t\r\n").startswith(b"<?xml"):
        found.append("blank lines before <?xml")
    if _NEXTGEN_META.search(data):
        found.append("jira.nextgen.* metas")
    if _CLOUD_ACCOUNT.search(data):
        found.append("a Cloud account id as the last editor")
    return found


def note(reasons: list[str]) -> str:
    return (
        f"this XML came from Jira Cloud ({', '.join(reasons)}), and Jira Cloud cannot import workflow XML: "
        "the patched XML is for a Data Center instance; to apply the change on Cloud, see the manual steps"
    )


def manual_step(workflow_name: str) -> ManualStep:
    """How the same change reaches a Cloud site: as the new workflow API's JSON, not as XML."""
    return ManualStep(
        "Jira Cloud cannot import workflow XML (only Data Center can, under Administration > Workflows > "
        "Import from XML). To make this change on Cloud, pull the workflow as JSON, patch that, and push it: "
        f"`jwflint pull --workflow {workflow_name!r}` (or save the response of the call below as WORKFLOW.json), "
        "then `jwflint patch bot WORKFLOW.json --update-request request.json` with the same options, then "
        "`jwflint push request.json` to validate it and `jwflint push --apply request.json` to apply it "
        "(or POST request.json to /workflows/update/validation, then to /workflows/update).",
        (
            RestCall(
                "GET",
                f"{API}/workflows/search?queryString={{workflowName}}&expand=values.transitions",
                purpose="read the workflow as JSON, with its id and version",
            ),
            RestCall(
                "POST",
                f"{API}/workflows/update/validation",
                {"payload": "{request.json}", "validationOptions": {"levels": ["ERROR", "WARNING"]}},
                purpose="dry run",
            ),
            RestCall("POST", f"{API}/workflows/update", None, purpose="apply: the body is request.json"),
        ),
    )
