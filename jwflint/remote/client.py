"""A small JSON client for Jira's REST API: timeouts, bounded 429 retries, paging, one-line errors.

Built on httpx (imported when a client is made, never at ``jwflint`` start-up). Every failure
becomes a :class:`RemoteError` whose text names the call and what to do, with any credential
redacted; the httpx exception is dropped (``from None``) so no request object reaches a traceback.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from jwflint import __version__
from jwflint.core.secrets import redact
from jwflint.remote.permissions import needed_for
from jwflint.remote.site import RemoteError, Site

DEFAULT_TIMEOUT = 30.0
TIMEOUT_VARIABLE = "JWFLINT_HTTP_TIMEOUT"
MAX_RETRIES = 4  # answers of 429 before giving up
MAX_WAIT = 60.0  # seconds; a longer Retry-After is cut to this
PAGE_SIZE = 50
MAX_PAGES = 10_000  # a site that never says isLast cannot keep us looping


class SiteRefused(RemoteError):
    """The site answered with an HTTP error status; ``status`` lets a command treat one specially."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def timeout_from_environment() -> float:
    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise RemoteError(f"{TIMEOUT_VARIABLE} must be a number of seconds between 0 and 3600, not {raw!r}")
    return value


class JiraClient:
    """GET (and, for `push`, POST) JSON on one site; use as a context manager."""

    def __init__(
        self,
        site: Site,
        *,
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_request: Callable[[], None] | None = None,
    ) -> None:
        import httpx

        self.site = site
        self.timeout = timeout_from_environment() if timeout is None else timeout
        self._sleep = sleep
        self._on_request = on_request
        self._http = httpx.Client(
            base_url=site.url,
            auth=site.httpx_auth(),  # type: ignore[arg-type]
            timeout=self.timeout,
            headers={"Accept": "application/json", "User-Agent": f"jwflint/{__version__}"},
            follow_redirects=False,  # a redirect to another host would drop or leak the credentials
        )

    def __enter__(self) -> JiraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.close()

    # -- calls --------------------------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._call("GET", path, params=params)

    def post(self, path: str, body: Any) -> Any:
        return self._call("POST", path, json=body)

    def get_list(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        answer = self.get(path, params)
        if not isinstance(answer, list):
            raise self._malformed("GET", path, "expected a JSON list")
        return answer

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every page of a ``startAt``/``maxResults``/``isLast`` listing, in order."""
        start = 0
        for _ in range(MAX_PAGES):
            page = self.get(path, {**(params or {}), "startAt": start, "maxResults": PAGE_SIZE})
            values = page.get("values") if isinstance(page, dict) else None
            if not isinstance(values, list):
                raise self._malformed("GET", path, "expected a page with a 'values' list")
            yield page
            start += len(values)
            total = page.get("total")
            if page.get("isLast") is True or not values:
                return
            if page.get("isLast") is None and isinstance(total, int) and start >= total:
                return
        raise self._malformed("GET", path, f"the listing did not end after {MAX_PAGES} pages")

    def values(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        return [value for page in self.pages(path, params) for value in page["values"]]

    def listing(self, path: str) -> list[Any]:
        """A listing that some Jira versions page and others return whole (Data Center's screens)."""
        first = self.get(path)
        if isinstance(first, list):
            return first
        if isinstance(first, dict) and first.get("isLast") is True and isinstance(first.get("values"), list):
            return first["values"]
        return self.values(path)

    # -- one request, its retries and its errors ------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        for attempt in range(MAX_RETRIES + 1):
            if self._on_request is not None:
                self._on_request()
            try:
                response = self._http.request(method, path, **kwargs)
            except httpx.TimeoutException:
                raise RemoteError(
                    f"{method} {path}: no answer from {self.site.url} within {self.timeout:g}s "
                    f"(set {TIMEOUT_VARIABLE} to wait longer)"
                ) from None
            except httpx.RemoteProtocolError as error:
                raise self._malformed(method, path, f"the answer was cut off ({_short(error)})") from None
            except httpx.HTTPError as error:
                raise RemoteError(f"cannot reach {self.site.url}: {_short(error)}") from None
            if response.status_code == 429 and attempt < MAX_RETRIES:
                self._sleep(_retry_after(response.headers.get("Retry-After"), attempt))
                continue
            return self._json(method, path, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, method: str, path: str, response: Any) -> Any:
        import httpx

        status = response.status_code
        if status >= 300:
            raise SiteRefused(self._status_message(method, path, response), status)
        if status == 204:
            return None
        try:
            body = response.read()
        except httpx.HTTPError as error:
            raise self._malformed(method, path, f"the answer was cut off ({_short(error)})") from None
        try:
            import json

            return json.loads(body)
        except ValueError as error:
            kind = response.headers.get("Content-Type", "no content type").split(";")[0]
            raise self._malformed(method, path, f"the answer is not JSON ({kind}: {_short(error)})") from None

    def _status_message(self, method: str, path: str, response: Any) -> str:
        status = response.status_code
        call = f"{method} {path}"
        detail = _jira_detail(response)
        if status == 401:
            return (
                f"{call}: the site refused the credentials (401 Unauthorized); check JIRA_EMAIL + JIRA_API_TOKEN "
                "(Cloud) or JIRA_PAT (Data Center)"
            )
        if status == 403:
            return f"{call}: forbidden (403): the account lacks {needed_for(method, path)}{detail}"
        if status == 404:
            return f"{call}: not found (404){detail}; check JIRA_URL and the names given"
        if status == 429:
            return f"{call}: the site is still rate limiting (429) after {MAX_RETRIES} retries; try again later"
        if 300 <= status < 400:
            where = response.headers.get("Location", "elsewhere")
            return f"{call}: the site redirects to {where}; set JIRA_URL to the site's own base URL"
        if status >= 500:
            return f"{call}: the site failed ({status} {response.reason_phrase}){detail}; try again later"
        return f"{call}: the site rejected the request ({status} {response.reason_phrase}){detail}"

    def _malformed(self, method: str, path: str, what: str) -> RemoteError:
        return RemoteError(f"{method} {path}: malformed answer from the site: {what}")


def _retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait before retrying a 429: the site's Retry-After (seconds or a date), else backing off."""
    wait = float(2**attempt)
    if value:
        try:
            wait = float(value)
        except ValueError:
            with contextlib.suppress(TypeError, ValueError):
                wait = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
    return min(max(wait, 0.0), MAX_WAIT)


def _jira_detail(response: Any) -> str:
    """Jira's own one-line reason (errorMessages / errors), when the body carries one."""
    try:
        body = response.json()
    except Exception:  # any body that is not JSON has no detail worth showing
        return ""
    messages: list[str] = []
    if isinstance(body, dict):
        messages += [str(m) for m in body.get("errorMessages") or [] if m]
        errors = body.get("errors")
        if isinstance(errors, dict):
            messages += [f"{k}: {v}" for k, v in errors.items()]
        elif isinstance(errors, list):  # the workflow API answers {"errors": [{"message": ...}]}
            messages += [str(e.get("message")) for e in errors if isinstance(e, dict) and e.get("message")]
    return f": {_short(' '.join(messages))}" if messages else ""


def _short(error: object, limit: int = 200) -> str:
    text = " ".join(redact(str(error)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
