"""Jira credentials never leave the process: every text jwflint shows about a failure is redacted.

The environment variables that hold secrets are named here, below every other layer, so the
command group's ``--debug`` traceback can scrub them as well as the HTTP client's messages.
"""

from __future__ import annotations

import os

SECRET_VARIABLES = ("JIRA_API_TOKEN", "JIRA_PAT")
MASK = "<redacted>"


def secret_values(environ: os._Environ[str] | dict[str, str] | None = None) -> list[str]:
    """Every form in which a credential from the environment could appear in a text, longest first."""
    env = os.environ if environ is None else environ
    values = [env[name] for name in SECRET_VARIABLES if env.get(name)]
    email, token = env.get("JIRA_EMAIL", ""), env.get("JIRA_API_TOKEN", "")
    if token:
        import base64

        # the Authorization header of basic auth carries base64("email:token"), which does not
        # contain the token's own characters
        values.append(base64.b64encode(f"{email}:{token}".encode()).decode("ascii"))
    return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


def redact(text: str, environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    for value in secret_values(environ):
        text = text.replace(value, MASK)
    return text
