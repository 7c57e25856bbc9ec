"""A mock Jira site: a real HTTP server on 127.0.0.1 serving fixtures/jira-site/, for pull and push tests.

Every request it receives is checked against Atlassian's OpenAPI description
(../shared/jira-openapi/, with openapi-core): path, method, query parameters (declared ones only),
request body schema, and an Authorization header carrying the test's credentials. Every JSON answer
it serves is checked against the same description. Problems are collected in ``violations``; the
pytest fixture fails the test when any is left.

Data Center answers come from the same routes under /rest/api/2; they are checked against the v3
description, whose shapes for these calls are the same.

Failures are injected per call with :meth:`MockJira.fail` (a status, 429 with Retry-After, a slow,
cut-off or non-JSON answer), for the next ``times`` requests.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SITE = REPO / "fixtures" / "jira-site"
CAPTURED = SITE / "captured"
OPENAPI = SHARED / "jira-openapi" / "jira-platform-v3.openapi.json"

EMAIL = "admin@example.com"
TOKEN = "tok-7f3e9c1d5b2a8e6f4c0d"  # a fake API token the tests look for in every output
PAT = "pat-NjM4MTYxNzkxMDIzOlw2"
PAGE_SIZE = 2  # the site returns fewer items than asked for, as Jira may: pulls always page


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    cut_off: bool = False  # promise more bytes than are sent, then close

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "text/html")
        return json.dumps(self.body).encode(), "application/json"


Handler = Callable[["Call"], Reply]


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    match: re.Match[str]

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[0]


@cache
def _openapi() -> tuple[Any, dict[str, Any]]:
    from jsonschema_path import SchemaPath
    from openapi_core import Config, OpenAPI

    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": "/"}]  # any host: the mock's port changes every run
    return OpenAPI(SchemaPath.from_dict(spec), config=Config(spec_validator_cls=None)), spec


def _declared_query(spec: dict[str, Any], method: str, path: str) -> set[str] | None:
    for template, item in spec["paths"].items():
        regex = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(regex, path) and method.lower() in item:
            operation = item[method.lower()]
            params = list(item.get("parameters", [])) + list(operation.get("parameters", []))
            return {p["name"] for p in params if p.get("in") == "query"}
    return None


def _key(query: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((k, tuple(v)) for k, v in query.items()))


def check_request(method: str, path: str, query: dict[str, list[str]], body: bytes, auth: str | None) -> list[str]:
    """What is wrong with a request, by the OpenAPI description (empty when nothing)."""
    return list(_check_request(method, path, _key(query), body, bool(auth)))


@cache  # the same calls recur in every test; openapi-core takes tens of milliseconds a check
def _check_request(method: str, path: str, key: tuple[Any, ...], body: bytes, auth: bool) -> tuple[str, ...]:
    query = {k: list(v) for k, v in key}
    from openapi_core.testing import MockRequest

    api, spec = _openapi()
    v3 = re.sub(r"^/rest/api/2/", "/rest/api/3/", path)
    problems = []
    declared = _declared_query(spec, method, v3)
    if declared is None:
        return (f"{method} {path}: no such operation in the OpenAPI description",)
    undeclared = sorted(set(query) - declared)
    if undeclared:
        problems.append(f"{method} {path}: undeclared query parameter(s) {undeclared}")
    args = {k: v if len(v) > 1 else v[0] for k, v in query.items()}
    request = MockRequest(
        "http://127.0.0.1",
        method.lower(),
        v3,
        args=args,
        headers={"Authorization": "checked below" if auth else "", "Content-Type": "application/json"},
        data=body or None,
        content_type="application/json",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openapi-core does not know the OAuth2 scheme; auth is checked below
        try:
            api.validate_request(request)
        except Exception as error:
            causes = getattr(error, "__cause__", None)
            detail = getattr(causes, "schema_errors", None) or [causes or error]
            problems.append(f"{method} {path}: {error}: {[str(d)[:300] for d in detail][:3]}")
    if not auth:
        problems.append(f"{method} {path}: no Authorization header")
    return tuple(problems)


def check_response(method: str, path: str, query: dict[str, list[str]], status: int, body: bytes) -> list[str]:
    return list(_check_response(method, path, _key(query), status, body))


@cache
def _check_response(method: str, path: str, key: tuple[Any, ...], status: int, body: bytes) -> tuple[str, ...]:
    from openapi_core.testing import MockRequest, MockResponse

    query = {k: list(v) for k, v in key}

    api, _ = _openapi()
    v3 = re.sub(r"^/rest/api/2/", "/rest/api/3/", path)
    args = {k: v if len(v) > 1 else v[0] for k, v in query.items()}
    request = MockRequest("http://127.0.0.1", method.lower(), v3, args=args, headers={"Authorization": "x"})
    try:
        api.validate_response(request, MockResponse(body, status_code=status, content_type="application/json"))
    except Exception as error:
        cause = getattr(error, "__cause__", None)
        detail = getattr(cause, "schema_errors", None) or [cause or error]
        return (f"answer to {method} {path}: {error}: {[str(d)[:300] for d in detail][:3]}",)
    return ()


class MockJira:
    def __init__(self, api: str = "3", expected_auth: str | None = None) -> None:
        self.api = api
        self.expected_auth = expected_auth or "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self.bodies: list[Any] = []
        self.violations: list[str] = []
        self._failures: list[tuple[str, re.Pattern[str], Reply, list[int]]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> MockJira:
        _openapi()  # load the description before the first request, not inside its timeout
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """``pattern`` is the path after /rest/api/N; ``{x}`` matches one segment as group x."""
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern))
        self.routes.append((method, re.compile(f"^/rest/api/{self.api}{regex}$"), handler))

    def fail(self, method: str, pattern: str, reply: Reply, times: int = 1) -> None:
        """Answer the next ``times`` matching requests with ``reply`` instead of the fixture."""
        regex = re.compile(f"^/rest/api/{self.api}" + re.sub(r"\\\{(\w+)\\\}", "[^/]+", re.escape(pattern)) + "$")
        self._failures.append((method, regex, reply, [times]))

    def calls(self, method: str | None = None) -> list[str]:
        return [f"{m} {p}" for m, p, _ in self.requests if method is None or m == method]

    # -- serving -------------------------------------------------------------------------------

    def _answer(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[Reply, bool]:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query, keep_blank_values=True)
        auth = headers.get("Authorization")
        with self._lock:
            self.requests.append((method, parts.path, query))
            self.violations += check_request(method, parts.path, query, body, auth)
        if auth != self.expected_auth:
            return Reply(401, {"errorMessages": ["Client must be authenticated to access this resource."]}), False
        for m, regex, reply, left in self._failures:
            if m == method and regex.match(parts.path) and left[0] > 0:
                left[0] -= 1
                return reply, False
        parsed = json.loads(body) if body else None
        with self._lock:
            self.bodies.append(parsed)
        for m, regex, handler in self.routes:
            match = regex.match(parts.path)
            if m == method and match:
                return handler(Call(method, parts.path, query, parsed, match)), True
        return Reply(404, {"errorMessages": [f"no fixture for {method} {parts.path}"]}), False

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each answer waits on a delayed ACK (40 ms)

            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                reply, from_fixture = site._answer(self.command, self.path, self.headers, body)
                data, content_type = reply.encoded()
                if from_fixture and reply.status < 300 and content_type == "application/json":
                    parts = urlsplit(self.path)
                    query = parse_qs(parts.query, keep_blank_values=True)
                    problems = check_response(self.command, parts.path, query, reply.status, data)
                    with site._lock:
                        site.violations += problems
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", content_type)
                    for name, value in reply.headers.items():
                        if name != "Content-Type":
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data) * (3 if reply.cut_off else 1)))
                    if reply.cut_off:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(data)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass
                if reply.cut_off:
                    self.close_connection = True

            do_GET = _serve
            do_POST = _serve

        return _Handler


# -- the fixture site -------------------------------------------------------------------------------


def load(name: str) -> Any:
    return json.loads((SITE / name).read_text(encoding="utf-8"))


def captured(name: str) -> Any:
    return json.loads((CAPTURED / name).read_text(encoding="utf-8"))


def page(call: Call, values: list[Any], **extra: Any) -> Reply:
    """One page of a startAt/maxResults listing, never more than PAGE_SIZE items."""
    start = int(call.arg("startAt", "0"))
    size = min(int(call.arg("maxResults", "50")), PAGE_SIZE)
    chunk = values[start : start + size]
    is_last = start + len(chunk) >= len(values)
    return Reply(
        200,
        {"startAt": start, "maxResults": size, "total": len(values), "isLast": is_last, "values": chunk, **extra},
    )


def _not_found(what: str) -> Reply:
    return Reply(404, {"errorMessages": [f"{what} was not found."], "errors": {}})


def serve_site(mock: MockJira, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Routes for every call pull and push make, from fixtures/jira-site/ (Cloud shapes; v2 for DC)."""
    site = data if data is not None else load("site.json")
    cloud = mock.api == "3"
    mock.route("GET", "/serverInfo", lambda c: Reply(200, site["serverInfo"]))
    statuses = (
        captured("airbytehq__airbyte__workflow_statuses.json")
        if cloud
        else captured("andygrunwald__go-jira__all_statuses.json")
    ) + site["extra_statuses"]
    mock.route("GET", "/status", lambda c: Reply(200, statuses))

    def workflows(call: Call) -> Reply:
        reply = page(call, site["workflows"])
        shown = reply.body["values"]
        if call.arg("expand") != "values.transitions":
            shown = [{k: v for k, v in w.items() if k != "transitions"} for w in shown]
        used = {s["statusReference"] for w in shown for s in w["statuses"]}
        reply.body["values"] = shown
        reply.body["statuses"] = [s for s in site["workflow_statuses"] if s["statusReference"] in used]
        return reply

    mock.route("GET", "/workflows/search", workflows)

    def schemes(call: Call) -> Reply:
        wanted = set(call.query.get("projectId", []))
        return Reply(200, {"values": [a for a in site["workflow_schemes"] if wanted & set(a["projectIds"])]})

    mock.route("GET", "/workflowscheme/project", schemes)

    captured_screens = [] if cloud else captured("airbytehq__airbyte__screens.json")["values"]
    tabs = dict(site["tabs"])
    fields = dict(site["fields"])
    if not cloud:  # screen 1's two tabs, as captured
        tabs["1"] = captured("airbytehq__airbyte__screen_tabs.json")
        fields["1/10000"] = [{"id": "summary", "name": "Summary"}, {"id": "assignee", "name": "Assignee"}]
        fields["1/10001"] = []
        tabs["2"] = [{"id": 10002, "name": "Field Tab"}]
        fields["2/10002"] = [{"id": "assignee", "name": "Assignee"}]

    def screen_page(call: Call) -> Reply:
        wanted = {int(i) for i in call.query.get("id", [])}
        screens = site["screens"] + captured_screens  # read per call: a test may change the site
        return page(call, [s for s in screens if not wanted or s["id"] in wanted])

    mock.route("GET", "/screens", screen_page)
    mock.route(
        "GET",
        "/screens/{screen}/tabs",
        lambda c: Reply(200, tabs[c.match["screen"]]) if c.match["screen"] in tabs else _not_found("The screen"),
    )
    mock.route(
        "GET",
        "/screens/{screen}/tabs/{tab}/fields",
        lambda c: Reply(200, fields.get(f"{c.match['screen']}/{c.match['tab']}", [])),
    )
    if cloud:
        mock.route("GET", "/resolution/search", lambda c: page(c, site["resolutions"]))
    else:
        mock.route("GET", "/resolution", lambda c: Reply(200, captured("andygrunwald__go-jira__all_resolutions.json")))

    def project_search(call: Call) -> Reply:
        keys = set(call.query.get("keys", []))
        return page(call, [p for p in site["projects"] if not keys or p["key"] in keys])

    mock.route("GET", "/project/search", project_search)
    mock.route("GET", "/project", lambda c: Reply(200, site["projects"]))
    scheme = captured("andygrunwald__go-jira__permissionscheme.json")

    def project_scheme(call: Call) -> Reply:
        scheme_id = site["project_permission_scheme"].get(call.match["key"])
        if scheme_id is None:
            return _not_found("The project")
        return Reply(200, {"id": scheme_id, "name": scheme["name"], "self": scheme["self"]})

    mock.route("GET", "/project/{key}/permissionscheme", project_scheme)
    mock.route(
        "GET",
        "/permissionscheme/{id}",
        lambda c: Reply(200, scheme) if c.match["id"] == str(scheme["id"]) else _not_found("The permission scheme"),
    )

    def role_map(call: Call) -> Reply:
        roles = site["roles"].get(call.match["key"], [])
        base = f"{mock.url}/rest/api/{mock.api}/project/{call.match['key']}/role"
        return Reply(200, {r["name"]: f"{base}/{r['id']}" for r in roles})

    def role(call: Call) -> Reply:
        for r in site["roles"].get(call.match["key"], []):
            if str(r["id"]) == call.match["id"]:
                return Reply(200, r)
        return _not_found("The project role")

    mock.route("GET", "/project/{key}/role", role_map)
    mock.route("GET", "/project/{key}/role/{id}", role)

    def user(call: Call) -> Reply:
        wanted = call.arg("accountId") or call.arg("key")
        for u in site["users"]:
            if wanted in (u.get("accountId"), u.get("key")):
                return Reply(200, u)
        return _not_found("The user")

    def user_search(call: Call) -> Reply:
        query = call.arg("query").casefold()
        found = [u for u in site["users"] if query and query in u.get("emailAddress", "").casefold()]
        return Reply(200, [{k: v for k, v in u.items() if k not in ("groups", "applicationRoles")} for u in found])

    mock.route("GET", "/user", user)
    mock.route("GET", "/user/search", user_search)
    return site


@dataclass
class PushSite:
    """The workflow update calls: validation answers ``errors``; update applies when the version matches."""

    site: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)
    applied: list[Any] = field(default_factory=list)

    def validation(self, call: Call) -> Reply:
        return Reply(200, {"errors": self.errors})

    def update(self, call: Call) -> Reply:
        by_id = {w["id"]: w for w in self.site["workflows"]}
        updated = []
        for change in call.body["workflows"]:
            current = by_id.get(change["id"])
            if current is None:
                return _not_found("The workflow")
            if change["version"].get("versionNumber") != current["version"]["versionNumber"]:
                return Reply(409, {"errorMessages": ["The workflow has been updated by someone else."]})
            current["version"] = {**current["version"], "versionNumber": current["version"]["versionNumber"] + 1}
            current["statuses"] = change["statuses"]
            current["transitions"] = change["transitions"]
            updated.append(current)
        self.applied.append(call.body)
        return Reply(200, {"statuses": [], "workflows": updated})


def serve_push(mock: MockJira, site: dict[str, Any]) -> PushSite:
    push = PushSite(site)
    mock.route("POST", "/workflows/update/validation", push.validation)
    mock.route("POST", "/workflows/update", push.update)
    return push
