"""Which Jira site to talk to and how to sign in, read from the environment only.

``JIRA_URL`` names the site. ``JIRA_EMAIL`` + ``JIRA_API_TOKEN`` sign in to Jira Cloud with basic
auth; ``JIRA_PAT`` signs in to Data Center with a personal access token (bearer). Credentials
never come from a flag (they would sit in shell history and process lists) and the objects here
never show them: their ``repr`` names the kind of credential, not its value.
"""

from __future__ import annotations

import os
from dataclasses import field
from urllib.parse import urlsplit

from jwflint.core.errors import JwflintError
from jwflint.core.records import record

CLOUD = "cloud"
DATA_CENTER = "data-center"


class RemoteError(JwflintError):
    """A Jira site could not be reached, refused a call, or answered something unusable."""


@record(frozen=True)
class Site:
    url: str  # base URL without a trailing slash
    kind: str  # CLOUD or DATA_CENTER, from the credentials given
    _auth: tuple[str, ...] = field(repr=False)  # ("basic", email, token) or ("bearer", pat)

    @property
    def api(self) -> str:
        """REST prefix: Cloud's v3 (ADF text, the new workflow API); Data Center has only v2."""
        return "/rest/api/3" if self.kind == CLOUD else "/rest/api/2"

    def httpx_auth(self) -> object:
        import httpx

        if self._auth[0] == "basic":
            return httpx.BasicAuth(self._auth[1], self._auth[2])
        token = self._auth[1]

        class BearerAuth(httpx.Auth):
            """A Data Center personal access token; its repr hides the token."""

            def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
                request.headers["Authorization"] = f"Bearer {token}"
                yield request

            def __repr__(self) -> str:
                return "BearerAuth(<redacted>)"

        return BearerAuth()

    def describe(self) -> str:
        who = f"as {self._auth[1]}" if self._auth[0] == "basic" else "with a personal access token"
        return f"{self.url} ({'Jira Cloud' if self.kind == CLOUD else 'Jira Data Center'}, {who})"


def site_from_environment(environ: dict[str, str] | None = None) -> Site:
    env = dict(os.environ) if environ is None else environ
    url = env.get("JIRA_URL", "").strip()
    if not url:
        raise RemoteError("set JIRA_URL to the Jira site, e.g. https://your-site.atlassian.net")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError("JIRA_URL must be an http(s) URL such as https://your-site.atlassian.net")
    if parts.username or parts.password:
        raise RemoteError(
            "JIRA_URL must not carry a user name or password; use JIRA_EMAIL + JIRA_API_TOKEN or JIRA_PAT"
        )
    if parts.query or parts.fragment:
        raise RemoteError("JIRA_URL must be the site's base URL, without ?query or #fragment")
    base = url.rstrip("/")
    email, token, pat = (env.get(name, "").strip() for name in ("JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT"))
    if email and token:
        return Site(base, CLOUD, ("basic", email, token))
    if pat:
        return Site(base, DATA_CENTER, ("bearer", pat))
    if email or token:
        missing = "JIRA_API_TOKEN" if email else "JIRA_EMAIL"
        raise RemoteError(f"set {missing} too: Jira Cloud signs in with JIRA_EMAIL + JIRA_API_TOKEN")
    raise RemoteError(
        "no Jira credentials: set JIRA_EMAIL + JIRA_API_TOKEN (Jira Cloud) or JIRA_PAT (Data Center) in the environment"
    )
