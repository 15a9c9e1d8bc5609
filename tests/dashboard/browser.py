"""A tiny Chrome DevTools Protocol client: enough to log in, click and take screenshots.

Streamlit draws asynchronously: a click sends a rerun request, the run starts on the server
later and its output reaches the page piece by piece. The client therefore acts and reads
only on a settled page (`settle`): every rerun the page asked for has finished on the
server, the page has drawn that finish, and nothing on it is stale."""

import base64
import itertools
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import websocket

from tests.dashboard.script_runs import ScriptRuns

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1000",
)


# The app's own script state, kept in Streamlit's React root component: whether a script
# runs, and how many `script_finished` messages the page has handled (it handles websocket
# messages some time after they arrive, and the `data-test-script-state` attribute alone
# reads «notRunning» both before a run's messages are handled and after). Also whether
# anything drawn is stale or still loading.
SCRIPT_STATE = """(() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app) return null;
  const key = Object.keys(app).find(k => k.startsWith('__reactFiber$'));
  for (let fiber = key ? app[key] : null; fiber; fiber = fiber.return) {
    const state = fiber.stateNode ? fiber.stateNode.state : null;
    if (state && 'scriptRunFinishedSequence' in state) return {
      script: state.scriptRunState,
      connection: state.connectionState,
      finished: state.scriptRunFinishedSequence,
      drawn: document.readyState === 'complete'
        && document.querySelector('[data-stale=true], [data-testid=stSkeleton]') === null,
    };
  }
  return 'unknown';
})()"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, *, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


class Browser:
    """One page of a headless Chromium, driven over its DevTools websocket."""

    def __init__(self, socket_url: str) -> None:
        self._socket = websocket.create_connection(socket_url, timeout=30)
        self._ids = itertools.count(1)
        self.runs = ScriptRuns()

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self._socket.recv())
            if "method" in reply:
                self._observe(reply["method"], reply.get("params", {}))
            elif reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    def _observe(self, method: str, params: dict[str, Any]) -> None:
        """Follow the page's Streamlit websocket: a new document starts afresh."""
        if method == "Page.frameNavigated" and "parentId" not in params["frame"]:
            self.runs = ScriptRuns()
        elif method == "Network.webSocketCreated":
            self.runs.opened(params["requestId"])
        elif method in ("Network.webSocketFrameSent", "Network.webSocketFrameReceived"):
            frame = params["response"]
            if frame.get("opcode") != 2:  # Streamlit's messages are binary protobufs
                return
            payload = base64.b64decode(frame["payloadData"])
            if method == "Network.webSocketFrameSent":
                self.runs.sent(params["requestId"], payload)
            else:
                self.runs.received(params["requestId"], payload)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)

    def wait_for(self, expression: str, *, timeout: float = 30) -> None:
        """Poll a JavaScript condition until it is true (the first paint may be blank)."""
        deadline = time.monotonic() + timeout
        while not self._evaluate_during_navigation(expression):
            if time.monotonic() > deadline:
                text = self.evaluate("document.body ? document.body.innerText : ''")
                raise TimeoutError(f"waited {timeout}s for {expression!r}; page: {text[:500]!r}")
            time.sleep(0.3)

    def _evaluate_during_navigation(self, expression: str) -> Any:
        """False while the page is being replaced (a reload, a link) instead of an error."""
        try:
            return self.evaluate(expression)
        except RuntimeError as error:
            if "navigated or closed" in str(error) or "context" in str(error):
                return False
            raise

    def wait_for_text(self, text: str, *, timeout: float = 30) -> None:
        self.wait_for(
            f"document.body && document.body.innerText.includes({json.dumps(text)})",
            timeout=timeout,
        )

    def type_into(self, selector: str, text: str) -> None:
        self.settle()
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", text=text)

    def click_text(self, selector: str, text: str) -> None:
        self.settle()
        found = self.evaluate(
            f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find(e => e.innerText.trim().includes({json.dumps(text)}));"
            " if (!el) return false; el.click(); return true; })()"
        )
        if not found:
            raise LookupError(f"no {selector} with text {text!r}")

    def _leave_field(self) -> None:
        """Move the focus off the field being edited and wait for the run its value causes
        (a text box hands its value over when it loses the focus): the action that follows
        then sends a rerun request of its own. Two requests sent together can be answered by
        a run that began before the second reached the server and ended without it, and the
        page would look settled before the second one's run."""
        self.settle()
        self.evaluate("document.activeElement && document.activeElement.blur()")
        self.settle()

    def settle(self, *, timeout: float = 30) -> None:
        """Wait until the page shows the end of every run it asked for: each rerun request
        sent (a click's, a chosen option's) answered by a run that began after it and
        finished, that finish drawn, the script not running, nothing stale.

        The state is read in the page first: Chrome reports a frame the page sent before
        the answer to any later evaluation, so a click's request is never missed."""
        deadline = time.monotonic() + timeout
        while True:
            page = self._evaluate_during_navigation(SCRIPT_STATE)
            if page == "unknown":
                raise RuntimeError("Streamlit's script state is not in its React root")
            if self._settled(page):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page did not settle in {timeout}s: {page}, {self.runs}")
            time.sleep(0.1)

    def _settled(self, page: Any) -> bool:
        return (
            isinstance(page, dict)
            and self.runs.quiet
            and page["finished"] >= self.runs.finished
            and page["script"] == "notRunning"
            and page["connection"] == "CONNECTED"
            and page["drawn"]
        )

    def text(self) -> str:
        """The settled page's text."""
        self.settle()
        return str(self.evaluate("document.body ? document.body.innerText : ''"))

    def press(self, key: str, code: int) -> None:
        """A key press on the focused element (e.g. "Enter", 13)."""
        with self._handled("keyup"):
            for kind in ("keyDown", "keyUp"):
                self.call(
                    "Input.dispatchKeyEvent",
                    type=kind,
                    key=key,
                    code=key,
                    windowsVirtualKeyCode=code,
                    nativeVirtualKeyCode=code,
                )

    @contextmanager
    def _handled(self, event: str) -> Iterator[None]:
        """Wait until the page has handled the input event sent inside. Chrome answers an
        Input command before the page has run its handlers, so without this the rerun
        request a click sends could be reported after `settle` has looked."""
        self.evaluate(
            f"window.addEventListener({json.dumps(event)}, () => {{ window.__handled = true; }},"
            " {capture: true, once: true}); window.__handled = false;"
        )
        yield
        self.wait_for("window.__handled === true")

    def choose(self, label: str, option: str) -> None:
        """Pick `option` in the selectbox labelled `label`."""
        self._pick("stSelectbox", label, option)

    def _pick(self, widget: str, label: str, option: str) -> None:
        """Pick as a person does: focus the box, type, then Enter. Each step waits for the
        widget to have drawn the last one: text typed before the box has taken the focus is
        dropped, and Enter takes the highlighted option."""
        self._leave_field()
        box = (
            f"[...document.querySelectorAll('[data-testid={widget}]')]"
            ".find(b => (b.querySelector('[data-testid=stWidgetLabel]') || {}).innerText"
            f" === {json.dumps(label)})"
        )
        found = self.evaluate(
            f"(() => {{ const box = {box};"
            " if (!box) return false; const input = box.querySelector('input');"
            " input.scrollIntoView({block: 'center'}); input.click(); input.focus();"
            " return true; })()"
        )
        if not found:
            raise LookupError(f"no {widget} labelled {label!r}")
        self.wait_for(f"{box}.querySelector('input[data-focused]') !== null")
        self.call("Input.insertText", text=option)
        self.wait_for(
            "[...document.querySelectorAll('[role=option][data-focused]')]"
            f".some(o => o.innerText.includes({json.dumps(option)}))"
        )
        self.press("Enter", 13)

    def cookies(self) -> list[dict[str, Any]]:
        return list(self.call("Network.getAllCookies").get("cookies", []))

    def mouse_click_text(self, selector: str, text: str) -> None:
        """Click like a person: the mouse on the element's centre, an edited text box having
        handed its value over first."""
        self._leave_field()
        point = self.evaluate(
            f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find(e => e.innerText.trim().includes({json.dumps(text)}));"
            " if (!el) return null; el.scrollIntoView({block: 'center'});"
            " const r = el.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        if not point:
            raise LookupError(f"no {selector} with text {text!r}")
        x, y = point
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        with self._handled("click"):
            for kind in ("mousePressed", "mouseReleased"):
                self.call(
                    "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
                )

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self._socket.close()


@contextmanager
def chromium(profile_dir: Path) -> Iterator[Browser]:
    """A fresh headless Chromium (its own profile) and a driver for its first tab."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise RuntimeError("chromium is not installed: apt-get install -y chromium")
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            *CHROMIUM_FLAGS,
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile_dir}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        targets = json.loads(wait_for_http(f"http://127.0.0.1:{port}/json/list"))
        page = next(t for t in targets if t["type"] == "page")
        browser = Browser(page["webSocketDebuggerUrl"])
        browser.call("Page.enable")
        browser.call("Runtime.enable")
        browser.call("Network.enable")  # the websocket frames `settle` follows
        try:
            yield browser
        finally:
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=20)
