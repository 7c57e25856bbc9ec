"""``--format html``: the self-contained HTML report of jwflint.render.report, built lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jwflint.formatters import Report

if TYPE_CHECKING:
    from jwflint.config import Config
    from jwflint.findings import Finding
    from jwflint.linter import FileResult
    from jwflint.model import Workflow
    from jwflint.render.report import WorkflowView


def render(report: Report) -> str:
    from jwflint.render.report import html_report
    from jwflint.session import EngineCache, LintOptions

    # Bucket colours come from the catalogue each file was linted with (--config and --catalogue
    # included); a report made outside a lint run finds each file's config as `jwflint lint` would.
    config_for = report.config_for or EngineCache(LintOptions()).config_for
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_file.setdefault(finding.file, []).append(finding)
    views = [
        _view(result, by_file.get(result.path, []), config_for(result.path))
        for result in report.results
        if not result.skipped
    ]
    return html_report(views)


def _view(result: FileResult, findings: list[Finding], config: Config) -> WorkflowView:
    from jwflint.buckets import Buckets
    from jwflint.model import workflow_name
    from jwflint.render.report import failed_view, workflow_view

    workflow = result.workflow if result.failed else result.workflow or _reread(result.path, config)
    if workflow is None:
        return failed_view(result.path, workflow_name(result.path), findings)
    return workflow_view(workflow, Buckets(workflow, config.catalogue), findings)


def _reread(path: str, config: Config) -> Workflow | None:
    """Results of `lint -j N` come back from worker processes without their model: read it again."""
    from jwflint.errors import JwflintError
    from jwflint.model import build
    from jwflint.xmlio import XMLSyntax, parse, read_bytes

    if path == "-":
        return None  # stdin has been read
    try:
        return build(parse(path, read_bytes(path, config.max_file_size)))
    except (JwflintError, XMLSyntax):
        return None
