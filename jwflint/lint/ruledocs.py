"""A rule's documentation (its YAML ``docs`` and ``fix``) as plain text and as Markdown.

Shared by ``jwflint explain`` and the SARIF report, so the two never say different things.
"""

from __future__ import annotations

from jwflint.lint.rules import Rule

SECTIONS = (("why", "Why"), ("bad", "Bad"), ("good", "Good"), ("how_to_fix", "How to fix"), ("see", "See"))
_EXAMPLES = ("bad", "good")


def fix_safety(rule: Rule) -> str:
    if rule.fix is None:
        return "No automatic fix."
    how = "`jwflint fix` applies it" if rule.fix.safe else "unsafe: `jwflint fix --unsafe-fixes` applies it"
    described = f" {rule.fix.description.rstrip('.')}." if rule.fix.description else ""
    return f"Fixable ({how}).{described}"


def sections(rule: Rule) -> list[tuple[str, str]]:
    """(title, text) for each docs field the rule has, in a fixed order, then the fix safety."""
    found = [(title, rule.docs[key]) for key, title in SECTIONS if rule.docs.get(key)]
    return [*found, ("Fix", fix_safety(rule))]


def text(rule: Rule) -> str:
    parts = [rule.summary]
    for title, body in sections(rule):
        parts.append(f"{title}: {body}")
    return "\n\n".join(parts)


def markdown(rule: Rule) -> str:
    parts = [_escape(rule.summary)]
    for key, title in SECTIONS:
        body = rule.docs.get(key)
        if not body:
            continue
        if key in _EXAMPLES:
            # Examples are XML or prose about XML; a fence keeps <steps> from being read as HTML.
            parts.append(f"**{title}**\n\n```\n{body}\n```")
        else:
            parts.append(f"**{title}**\n\n{_escape(body)}")
    parts.append(f"**Fix**\n\n{_escape(fix_safety(rule))}")
    return "\n\n".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
