"""Reading a workflow to draw: the model, its buckets and its lint findings."""

from __future__ import annotations

from jwflint.batch.engines import EngineCache, LintOptions
from jwflint.core.errors import InputError
from jwflint.core.findings import Finding
from jwflint.core.records import record
from jwflint.lint import suppressions
from jwflint.lint.engine import FileResult
from jwflint.model.buckets import Buckets
from jwflint.model.catalogue import Catalogue
from jwflint.model.workflow import Workflow


@record
class Loaded:
    path: str
    workflow: Workflow
    findings: list[Finding]
    catalogue: Catalogue

    @property
    def data(self) -> bytes:
        return self.workflow.document.data

    @property
    def buckets(self) -> Buckets:
        return Buckets(self.workflow, self.catalogue)


def load(
    path: str,
    options: LintOptions | None = None,
    data: bytes | None = None,
    name: str | None = None,
    workflow: str | None = None,
) -> Loaded:
    """Lint one workflow file with the config that applies to it.

    With ``data``, those bytes are linted instead, as file ``name`` (default ``path``) under
    ``path``'s config: how a patched workflow that is not written yet is drawn. A Cloud document
    may hold several workflows: ``workflow`` names the one to draw (default: the first).
    """
    engine = EngineCache(options or LintOptions()).engine_for(path)
    result = engine.lint_path(path) if data is None else engine.lint_bytes(name or path, data)
    # The config's suppressions hide findings here as they do in `jwflint lint`.
    suppressions.apply([result], lambda _: engine)
    chosen = _workflow(result, workflow)
    findings = result.findings
    if len(result.workflows) > 1:  # a Cloud document: only the drawn workflow's findings
        findings = [f for f in findings if f.workflow == chosen.name]
    return Loaded(result.path, chosen, findings, engine.config.catalogue)


def _workflow(result: FileResult, name: str | None = None) -> Workflow:
    if name is not None and result.workflows:
        for candidate in result.workflows:
            if candidate.name == name:
                return candidate
        names = ", ".join(repr(w.name) for w in result.workflows)
        raise InputError(f"{result.path}: no workflow named {name!r} (it holds {names})")
    if result.workflow is not None:
        return result.workflow
    if result.schemes is not None:
        raise InputError(
            f"{result.path}: cannot draw it: it is a permission scheme document, not a workflow "
            "(check it with `jwflint lint`)"
        )
    first = result.findings[0] if result.findings else None
    reason = f"{first.message} [{first.rule}]" if first else "not a workflow"
    where = f":{first.line}:{first.column}" if first and first.line else ""
    raise InputError(f"{result.path}{where}: cannot draw it: {reason}")
