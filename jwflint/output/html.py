"""``--format html``: the self-contained HTML report of jwflint.render.report, built lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jwflint.output import Report

if TYPE_CHECKING:
    from jwflint.config.settings import Config
    from jwflint.core.findings import Finding
    from jwflint.lint.engine import FileResult
    from jwflint.model.workflow import Workflow
    from jwflint.render.report import WorkflowView


def render(report: Report) -> str:
    from jwflint.batch.engines import EngineCache, LintOptions
    from jwflint.render.report import html_report

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
    from jwflint.model.buckets import Buckets
    from jwflint.model.workflow import workflow_name
    from jwflint.render.report import failed_view, scheme_view, workflow_view

    if result.schemes is not None:
        grants = sum(len(scheme.grants) for scheme in result.schemes)
        return scheme_view(result.path, [scheme.name for scheme in result.schemes], grants, findings)
    workflow = result.workflow if result.failed else result.workflow or _reread(result.path, config)
    if workflow is None:
        return failed_view(result.path, workflow_name(result.path), findings)
    return workflow_view(workflow, Buckets(workflow, config.catalogue), findings)


def _reread(path: str, config: Config) -> Workflow | None:
    """Results of `lint -j N` come back from worker processes without their model: read it again."""
    from jwflint.core.errors import JwflintError
    from jwflint.sources.files import read_bytes
    from jwflint.sources.osworkflow_xml import build
    from jwflint.sources.xml_document import XMLSyntax, parse

    if path == "-":
        return None  # stdin has been read
    try:
        return build(parse(path, read_bytes(path, config.max_file_size)))
    except (JwflintError, XMLSyntax):
        return None
