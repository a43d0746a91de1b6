"""A small OpenAI-compatible chat-completions server for tests (stdlib only).

It listens on 127.0.0.1 (random port) in a daemon thread and answers
``POST /v1/chat/completions`` from a per-test script: a list of behaviours consumed in order,
then a default behaviour (rule-based answers that read the request's ``response_format``
schema, as ``tests.conftest.rule_based_answers`` does). Every attempt is recorded (path,
headers, JSON body, which behaviour answered) so tests can assert exactly what was sent and how
often.

Everything is bounded: a hang waits at most its ``seconds`` and is released at teardown, the
request body is capped, the script is finite, and the server stops when the fixture ends.

Usage (with a ``fake_openai`` fixture that does ``yield from serve()``)::

    def test_x(fake_openai: FakeOpenAIServer) -> None:
        fake_openai.script(status(503), status(429, retry_after=2), DEFAULT, drop())
        backend = OpenAICompatBackend("m", base_url=fake_openai.base_url, api_key="sk-test...")
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .conftest import completion, rule_based_answers

__all__ = [
    "DEFAULT",
    "Attempt",
    "Behaviour",
    "FakeOpenAIServer",
    "answer_by_rules",
    "drop",
    "hang",
    "malformed",
    "number_not_in_source",
    "ok",
    "running_server",
    "schema_violation",
    "serve",
    "status",
    "truncated",
]

CHAT_PATH = "/v1/chat/completions"
MAX_BODY = 2_000_000  # bytes; a bigger request is refused with 413
MAX_HANG = 10.0  # seconds; no hang waits longer, whatever a test asks


# -- behaviours ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Behaviour:
    """How the server answers one request."""

    kind: str
    status: int = 200
    retry_after: str | None = None
    seconds: float = 0.0
    content: str | None = None
    raw_body: bytes | None = None
    finish_reason: str = "stop"
    meeting_no: int = 0
    #: for ``schema``: decide the answer from the parsed request
    answer: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None, repr=False)


#: In a script: "answer this one request with the default behaviour".
DEFAULT = Behaviour("default")


def ok(content: str | dict[str, Any], *, finish_reason: str = "stop") -> Behaviour:
    """200 with a completion whose message content is ``content`` (a dict is JSON-encoded)."""
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return Behaviour("ok", content=text, finish_reason=finish_reason)


def status(code: int, retry_after: float | str | None = None) -> Behaviour:
    """An error status (429, 500, 503, 401...) with an OpenAI-style error body."""
    header = (
        None
        if retry_after is None
        else (retry_after if isinstance(retry_after, str) else f"{retry_after:g}")
    )
    return Behaviour("status", status=code, retry_after=header)


def hang(seconds: float) -> Behaviour:
    """Read the request, then answer nothing for ``seconds`` (past the client's timeout)."""
    return Behaviour("hang", seconds=min(float(seconds), MAX_HANG))


def drop() -> Behaviour:
    """Read the request, then close the connection without any response."""
    return Behaviour("drop")


def malformed(what: str = "body") -> Behaviour:
    """``body``: 200 whose body is not JSON; ``content``: a completion whose content is not JSON."""
    if what == "body":
        return Behaviour("malformed_body", raw_body=b'{"id": "chatcmpl-x", "choices": [')
    if what == "content":
        return Behaviour("ok", content="Sure! The label is: achievement.")
    raise ValueError(f"malformed(): what must be 'body' or 'content', not {what!r}")


def truncated() -> Behaviour:
    """A completion cut off at the token limit: finish_reason "length", partial JSON."""
    return Behaviour("ok", content='{"label": "achie', finish_reason="length")


def schema_violation() -> Behaviour:
    """Valid JSON that does not match the request's schema (wrong enum value, wrong type)."""
    return Behaviour("schema", answer=_violating_answer)


def number_not_in_source(number: int = 987) -> Behaviour:
    """For the meta call: a well-formed answer stating a number the report never writes.

    ``meeting_no`` when the schema asks for it, else a ``body`` naming the number (the model is
    asked only for names once ordinals are read by code); either way the validator must
    reject it and name the number in the re-ask.
    """
    return Behaviour("schema", answer=lambda request: _unwritten_number(request, number))


def _unwritten_number(request: dict[str, Any], number: int) -> dict[str, Any]:
    if "meeting_no" in _schema(request).get("properties", {}):
        return {"meeting_no": number}
    return {"body": f"Hội nghị lần thứ {number}"}


def answer_by_rules(request: dict[str, Any]) -> dict[str, Any]:
    """The default answer: plausible, decided by rules, valid for the schema asked.

    Parts and labels come from ``tests.conftest.rule_based_answers``. A re-ask ends with
    instructor's "Correct your JSON..." turn, so the rules read the last message holding the
    paragraph or clause itself: a re-asked question gets the answer it would have got. The
    meta answer names only the unit kind and fills just the fields the request's schema has,
    so it stays valid as fields move between the model and code.
    """
    properties = _schema(request).get("properties", {})
    for name, quoted in (("part", 'Paragraph: "'), ("label", 'Clause: "')):
        if name not in properties:
            continue
        messages = request.get("messages") or []
        asked = next(
            (
                m
                for m in reversed(messages)
                if m.get("role") == "user" and quoted in str(m.get("content"))
            ),
            None,
        )
        if asked is not None:
            request = {**request, "messages": [asked]}
        return rule_based_answers(request)
    answer: dict[str, Any] = dict.fromkeys(properties)
    if "unit_kind" in properties:
        answer["unit_kind"] = "huyện"
    return completion(json.dumps(answer, ensure_ascii=False))


def _violating_answer(request: dict[str, Any]) -> dict[str, Any]:
    if "label" in _schema(request).get("properties", {}):
        return {"label": "win"}
    return {"unit_kind": "village"}  # not one of the allowed kinds


def _schema(request: dict[str, Any]) -> dict[str, Any]:
    try:
        schema: dict[str, Any] = request["response_format"]["json_schema"]["schema"]
    except (KeyError, TypeError):
        return {}
    return schema


# -- the server ------------------------------------------------------------------------------


@dataclass
class Attempt:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    behaviour: str

    @property
    def schema_name(self) -> str:
        """'ClauseLabel' / 'NamesAnswer' (from the request's response_format), or ''."""
        try:
            return str((self.body or {})["response_format"]["json_schema"]["name"])
        except (KeyError, TypeError):
            return ""

    @property
    def last_message(self) -> str:
        messages = (self.body or {}).get("messages") or [{}]
        return str(messages[-1].get("content") or "")


class _Server(ThreadingHTTPServer):
    """The stdlib server with a listen backlog for many concurrent clients (default 5)."""

    request_queue_size = 256


class FakeOpenAIServer:
    """The server plus its script and its record of attempts. Use as a context manager."""

    def __init__(
        self, default: Behaviour | Callable[[dict[str, Any]], dict[str, Any]] | None = None
    ) -> None:
        self.default = default if default is not None else answer_by_rules
        self.attempts: list[Attempt] = []
        self._script: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeOpenAIServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        httpd = _Server(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False  # a hanging handler must not block teardown
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            daemon=True,
            name="fake-openai-server",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # release any hang at once
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- what tests use ------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *behaviours: Behaviour) -> FakeOpenAIServer:
        """Queue ``behaviours``, consumed one per request before the default takes over."""
        with self._lock:
            self._script.extend(behaviours)
        return self

    @property
    def pending(self) -> int:
        """Scripted behaviours not consumed yet."""
        with self._lock:
            return len(self._script)

    @property
    def chat_attempts(self) -> list[Attempt]:
        with self._lock:
            return [a for a in self.attempts if a.path == CHAT_PATH]

    def reset(self) -> None:
        with self._lock:
            self.attempts.clear()
            self._script.clear()

    # -- used by the handler -------------------------------------------------------------

    def _next(self, attempt: Attempt) -> Behaviour:
        with self._lock:
            self.attempts.append(attempt)
            behaviour = self._script.popleft() if self._script else DEFAULT
        attempt.behaviour = behaviour.kind
        return behaviour

    def _default_completion(self, request: dict[str, Any]) -> tuple[Behaviour | None, Any]:
        if isinstance(self.default, Behaviour):
            return self.default, None
        return None, self.default(request)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.0"  # one request per connection: no stale keep-alive sockets
    timeout = 10  # a client that stops sending cannot hold a thread for ever

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read attempts
        pass

    def do_GET(self) -> None:
        self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"error": {"message": "request too large"}})
            return
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        attempt = Attempt("POST", self.path, dict(self.headers.items()), body, "")
        if self.path != CHAT_PATH:
            with self.fake._lock:
                self.fake.attempts.append(attempt)
            self._json(404, {"error": {"message": f"no route {self.path}"}})
            return
        behaviour = self.fake._next(attempt)
        request = body if isinstance(body, dict) else {}
        if behaviour.kind == "default":
            replacement, answer = self.fake._default_completion(request)
            if replacement is None:
                self._json(200, answer)
                return
            behaviour = replacement
        self._act(behaviour, request)

    def _act(self, behaviour: Behaviour, request: dict[str, Any]) -> None:
        kind = behaviour.kind
        if kind == "ok":
            self._json(
                200, completion(behaviour.content or "", finish_reason=behaviour.finish_reason)
            )
        elif kind == "schema":
            assert behaviour.answer is not None
            self._json(200, completion(json.dumps(behaviour.answer(request))))
        elif kind == "status":
            headers = {"Retry-After": behaviour.retry_after} if behaviour.retry_after else {}
            self._json(
                behaviour.status,
                {
                    "error": {
                        "message": f"fake error {behaviour.status}",
                        "type": "server_error",
                        "code": None,
                    }
                },
                headers,
            )
        elif kind == "hang":
            self.fake._stop.wait(behaviour.seconds)
            self.close_connection = True  # the client has given up; say nothing
        elif kind == "drop":
            self.close_connection = True  # no status line, no headers: a dropped connection
        elif kind == "malformed_body":
            self._send(200, behaviour.raw_body or b"", {"Content-Type": "application/json"})
        else:  # pragma: no cover - a typo in a test
            self._json(500, {"error": {"message": f"unknown behaviour {kind!r}"}})

    def _json(self, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send(code, data, {"Content-Type": "application/json", **(headers or {})})

    def _send(self, code: int, data: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(code)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client went away (timed out); nothing to tell it
            self.close_connection = True


def running_server(
    default: Behaviour | Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> FakeOpenAIServer:
    """A started server (stop it, or use ``with``)."""
    return FakeOpenAIServer(default).start()


def serve() -> Iterator[FakeOpenAIServer]:
    """The body of a fixture: a fresh server per test, stopped at teardown. In a test module::

    @pytest.fixture
    def fake_openai() -> Iterator[FakeOpenAIServer]:
        yield from serve()
    """
    with FakeOpenAIServer() as server:
        yield server
