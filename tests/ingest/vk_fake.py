"""A fake VK API behind `responses`: real-shaped JSON for the real `vk_api` client.

Only the network is faked; `vk_api.VkApi` builds the requests, posts them to
https://api.vk.ru/method/<name> and parses the answers exactly as it does in production.
`serve_vk` puts the same fake behind a real local HTTP server, for a crawl that runs in
another process (a worker pointed at it through `OTKLIK_VK_API_URL`).
"""

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import responses
from requests import PreparedRequest

METHOD_URL = re.compile(r"https://api\.vk\.ru/method/(?P<method>[\w.]+)")
ERROR_MESSAGES = {
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    9: "Flood control",
    15: "Access denied: this wall available only for community members",
    18: "User was deleted or banned",
    29: "Rate limit reached",
    30: "This profile is private",
}


def vk_post(owner_id: int, post_id: int, date: int, text: str, **extra: Any) -> dict[str, Any]:
    """A `wall.get` item as API 5.199 returns it."""
    return {
        "id": post_id,
        "owner_id": owner_id,
        "from_id": owner_id,
        "date": date,
        "post_type": "post",
        "text": text,
        "attachments": [],
        "comments": {"can_post": 1, "count": 0},
        "likes": {"can_like": 1, "count": 3, "user_likes": 0},
        "reposts": {"count": 1, "user_reposted": 0},
        "views": {"count": 120},
        "marked_as_ads": 0,
        "is_favorite": False,
        "hash": f"h{post_id}",
        **extra,
    }


@dataclass
class FakeVk:
    """Walls, comments and search results, plus a script of errors to answer with."""

    walls: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # newest first
    pinned: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    search: list[dict[str, Any]] = field(default_factory=list)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[int, int] = field(default_factory=dict)  # call number -> VK error code
    post_errors: dict[int, int] = field(default_factory=dict)  # post id -> getComments error
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    requests: int = 0  # HTTP requests answered (an `execute` is one, whatever it carries)
    on_call: Callable[[int], None] | None = None  # lets a test kill the crawl at call n
    execute_null: bool = False  # `execute` answers {"response": null}, as VK sometimes does

    def install(self, mock: responses.RequestsMock) -> None:
        mock.add_callback(responses.POST, METHOD_URL, callback=self._answer)

    def _answer(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        method = METHOD_URL.match(request.url or "").group("method")  # type: ignore[union-attr]
        body = request.body if isinstance(request.body, str) else (request.body or b"").decode()
        return self.answer(method, body)

    def answer(self, method: str, body: str) -> tuple[int, dict[str, str], str]:
        """Status, headers and JSON text for one API call (its form-encoded body)."""
        values = {key: value[0] for key, value in parse_qs(body).items()}
        self.requests += 1
        self.calls.append((method, values))
        number = len(self.calls)
        if self.on_call:
            self.on_call(number)
        if number in self.errors:
            return 200, {}, json.dumps({"error": _error(self.errors[number], method, values)})
        if method == "execute" and self.execute_null:
            return 200, {"Content-Type": "application/json"}, json.dumps({"response": None})
        if method == "execute":
            return 200, {"Content-Type": "application/json"}, json.dumps(self._execute(values))
        payload = getattr(self, "_" + method.replace(".", "_"))(values)
        return 200, {"Content-Type": "application/json"}, json.dumps({"response": payload})

    def method_calls(self, method: str) -> list[dict[str, str]]:
        return [values for name, values in self.calls if name == method]

    def _wall_get(self, values: dict[str, str]) -> dict[str, Any]:
        owner = int(values["owner_id"])
        pinned = [self.pinned[owner]] if owner in self.pinned else []
        ordered = pinned + [p for p in self.walls.get(owner, []) if p not in pinned]
        offset, count = int(values.get("offset", 0)), int(values.get("count", 20))
        return {"count": len(ordered), "items": ordered[offset : offset + count]}

    def _execute(self, values: dict[str, str]) -> dict[str, Any]:
        """VkRequestsPool's one-method VKScript: `var values = [...]; ... API.m(values[i])`."""
        code = values["code"]
        method = re.search(r"API\.([\w.]+)\(values\[i\]\)", code).group(1)  # type: ignore[union-attr]
        calls = json.loads(re.search(r"var values = (\[.*?\]),\s*i = 0", code, re.S).group(1))  # type: ignore[union-attr]
        results: list[Any] = []
        errors: list[dict[str, Any]] = []
        for call in calls:
            self.calls.append((method, {k: str(v) for k, v in call.items()}))
            code_for_post = self.post_errors.get(int(call.get("post_id", 0)))
            if code_for_post:
                results.append(False)
                errors.append({"method": method, **_error(code_for_post, method, {})})
                continue
            handler = getattr(self, "_" + method.replace(".", "_"))
            results.append(handler({k: str(v) for k, v in call.items()}))
        answer: dict[str, Any] = {"response": results}
        if errors:
            answer["execute_errors"] = errors
        return answer

    def _wall_getComments(self, values: dict[str, str]) -> dict[str, Any]:
        """Top-level comments with up to `thread_items_count` replies nested in each
        `thread` (the oldest), or with `comment_id` the replies of one comment, as API 5.199
        answers; `sort=desc` pages from the newest.

        `comments` holds a post's comments flat: a reply carries `parents_stack`."""
        key = (int(values["owner_id"]), int(values["post_id"]))
        every = self.comments.get(key, [])
        offset, count = int(values.get("offset", 0)), int(values.get("count", 20))
        newest_first = values.get("sort") == "desc"
        if "comment_id" in values:
            level = _replies(every, int(values["comment_id"]))
            level = level[::-1] if newest_first else level
            return {"count": len(level), "current_level_count": len(level),
                    "can_post": True, "show_reply_button": True, "groups_can_post": True,
                    "items": level[offset : offset + count]}  # fmt: skip
        level = [c for c in every if not c.get("parents_stack")]
        level = level[::-1] if newest_first else level
        nested = int(values.get("thread_items_count", 0))
        chosen = level[offset : offset + count]
        page = [_with_thread(c, _replies(every, c["id"]), nested) for c in chosen]
        return {"count": len(every), "current_level_count": len(level), "can_post": True,
                "show_reply_button": True, "groups_can_post": True, "items": page}  # fmt: skip

    def _newsfeed_search(self, values: dict[str, str]) -> dict[str, Any]:
        start, end = int(values["start_time"]), int(values["end_time"])
        found = [p for p in self.search if start <= p["date"] <= end]
        found.sort(key=lambda p: -p["date"])
        offset = int(values.get("start_from", 0))
        count = int(values.get("count", 30))
        answer: dict[str, Any] = {
            "items": found[offset : offset + count],
            "count": min(len(found), 1000),
            "total_count": len(found),
        }
        if offset + count < min(len(found), 1000):
            answer["next_from"] = str(offset + count)
        return answer

    def _groups_getById(self, values: dict[str, str]) -> dict[str, Any]:
        group = self.groups.get(values["group_id"])
        return {"groups": [group] if group else [], "profiles": []}


def _replies(comments: list[dict[str, Any]], comment_id: int) -> list[dict[str, Any]]:
    return [c for c in comments if comment_id in (c.get("parents_stack") or [])]


def _with_thread(
    comment: dict[str, Any], replies: list[dict[str, Any]], nested: int
) -> dict[str, Any]:
    thread = {"count": len(replies), "items": replies[:nested], "can_post": True,
              "show_reply_button": True, "groups_can_post": True}  # fmt: skip
    return {**comment, "thread": thread}


def _error(code: int, method: str, values: dict[str, str]) -> dict[str, Any]:
    params = [{"key": "method", "value": method}, {"key": "v", "value": values.get("v", "")}]
    return {"error_code": code, "error_msg": ERROR_MESSAGES[code], "request_params": params}


class _VkHttpServer(ThreadingHTTPServer):
    block_on_close = False  # a request a test holds back must not hang the shutdown
    fake: FakeVk
    delay: float


class _VkHandler(BaseHTTPRequestHandler):
    server: _VkHttpServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        time.sleep(self.server.delay)
        status, headers, text = self.server.fake.answer(self.path.rsplit("/", 1)[-1], body)
        payload = text.encode()
        try:
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client was killed while its request was held: nobody to answer

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serve_vk(fake: FakeVk, *, delay: float = 0.0) -> Iterator[str]:
    """`fake` on 127.0.0.1 over HTTP, each answer `delay` seconds late; yields the base URL
    (what `OTKLIK_VK_API_URL` takes: calls arrive as POST <base>/method/<name>)."""
    server = _VkHttpServer(("127.0.0.1", 0), _VkHandler)
    server.fake, server.delay = fake, delay
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
