"""``--format html``: the self-contained HTML report of jwflint.render.report, built lazily."""

from __future__ import annotations

from jwflint.formatters import Report


def render(report: Report) -> str:
    from jwflint.buckets import Buckets
    from jwflint.model import workflow_name
    from jwflint.render.report import failed_view, html_report, workflow_view
    from jwflint.session import EngineCache, LintOptions

    # The report carries no configuration: each file's catalogue (bucket colours) comes from
    # the config file that applies to it, found as `jwflint lint` finds it.
    configs = EngineCache(LintOptions())
    by_file: dict[str, list] = {}
    for finding in report.findings:
        by_file.setdefault(finding.file, []).append(finding)
    views = []
    for result in report.results:
        if result.skipped:
            continue
        findings = by_file.get(result.path, [])
        if result.workflow is None:
            views.append(failed_view(result.path, workflow_name(result.path), findings))
            continue
        catalogue = configs.config_for(result.path).catalogue
        views.append(workflow_view(result.workflow, Buckets(result.workflow, catalogue), findings))
    return html_report(views)
