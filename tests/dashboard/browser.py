"""A tiny Chrome DevTools Protocol client: enough to log in, click and take screenshots."""

import base64
import itertools
import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import websocket
from PIL import Image, ImageColor

from dashboard import views
from dashboard.queue_list import ROW_PX

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(
    command: Callable[[int], list[str]],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[str]:
    """A Streamlit server, `command(port)` on a free port, once its health check answers: its
    address; stopped on leaving."""
    port = free_port()
    process = subprocess.Popen(
        command(port),
        env=None if env is None else dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
    )
    try:
        assert wait_for_http(f"http://127.0.0.1:{port}/_stcore/health", timeout=120) == "ok"
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=20)


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

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self._socket.recv())
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def open(self, url: str) -> None:
        """Navigate and wait until the new document has replaced the old one: until then the
        old page (its login form, say) is still there to be read, typed into and clicked."""
        self._evaluate_during_navigation("window.__otklikLeaving = true")
        navigation = self.call("Page.navigate", url=url)
        if navigation.get("loaderId"):  # a new document, not a move within this one
            self.wait_for("window.__otklikLeaving === undefined", timeout=60)

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
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", text=text)

    def log_in(self, username: str, password: str) -> None:
        """Fill the console's login form once it is whole: Streamlit draws its elements one
        by one, so the password box may be there before the «Войти» button is."""
        self.wait_for(
            "document.querySelector('input[type=password]') !== null"
            " && [...document.querySelectorAll('button')]"
            ".some(b => b.innerText.trim() === 'Войти')",
            timeout=60,
        )
        self.type_into("input[aria-label='Логин']", username)
        self.type_into("input[type=password]", password)
        self.click_text("button", "Войти")

    def click_text(self, selector: str, text: str) -> None:
        found = self.evaluate(
            f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find(e => e.innerText.trim().includes({json.dumps(text)}));"
            " if (!el) return false; el.click(); return true; })()"
        )
        if not found:
            raise LookupError(f"no {selector} with text {text!r}")

    def settle(self, *, timeout: float = 30) -> None:
        """Wait until Streamlit has finished its run and drawn its widgets (idle twice in a
        row half a second apart: a rerun may start a moment after the previous one ends)."""
        idle = (
            "document.readyState === 'complete'"
            " && document.querySelector('[data-testid=stStatusWidget]') === null"
            " && document.querySelectorAll('[data-testid=stSkeleton]').length === 0"
        )
        deadline = time.monotonic() + timeout
        calm = 0
        while calm < 2:
            time.sleep(0.5)
            calm = calm + 1 if self._evaluate_during_navigation(idle) else 0
            if time.monotonic() > deadline:
                raise TimeoutError(f"the page did not settle in {timeout}s")

    def text(self) -> str:
        return str(self.evaluate("document.body ? document.body.innerText : ''"))

    def press(self, key: str, code: int) -> None:
        """A key press on the focused element (e.g. "Enter", 13)."""
        for kind in ("keyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent",
                type=kind,
                key=key,
                code=key,
                windowsVirtualKeyCode=code,
                nativeVirtualKeyCode=code,
            )

    def choose(self, label: str, option: str, *, attempts: int = 3) -> None:
        """Pick `option` in the selectbox labelled `label`: click it, type, wait until the
        list shows the option, Enter; then wait until the box shows it. A loaded machine can
        rerun the page under the open list (it closes), so the pick is tried again."""
        box = (
            "[...document.querySelectorAll('[data-testid=stSelectbox]')]"
            ".find(b => (b.querySelector('[data-testid=stWidgetLabel]') || {}).innerText"
            f" === {json.dumps(label)})"
        )
        listed = (
            "[...document.querySelectorAll('[role=option]')]"
            f".some(o => o.innerText.includes({json.dumps(option)}))"
        )
        chosen = (  # the box is closed and shows the option (its value is the input's)
            f"(() => {{ const b = {box}; const i = b && b.querySelector('input');"
            " return !!i && i.getAttribute('aria-expanded') !== 'true'"
            f" && i.value.includes({json.dumps(option)}); }})()"
        )
        for attempt in range(attempts):
            found = self.evaluate(
                f"(() => {{ const box = {box};"
                " if (!box) return false; const input = box.querySelector('input');"
                " input.scrollIntoView({block: 'center'}); input.click(); input.focus();"
                " return true; })()"
            )
            if not found:
                raise LookupError(f"no selectbox labelled {label!r}")
            time.sleep(0.3)
            self.call("Input.insertText", text=option)
            try:
                self.wait_for(listed, timeout=10)
                self.press("Enter", 13)
                self.wait_for(chosen, timeout=10)
                return
            except TimeoutError:
                if attempt == attempts - 1:
                    raise
                self.press("Escape", 27)
                self.settle()

    def cookies(self) -> list[dict[str, Any]]:
        return list(self.call("Network.getAllCookies").get("cookies", []))

    def _centre(self, selector: str, text: str) -> tuple[float, float]:
        """The centre of the first `selector` element whose text includes `text`, scrolled
        into view."""
        point = self.evaluate(
            f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find(e => e.innerText.trim().includes({json.dumps(text)}));"
            " if (!el) return null; el.scrollIntoView({block: 'center'});"
            " const r = el.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        if not point:
            raise LookupError(f"no {selector} with text {text!r}")
        return point[0], point[1]

    def mouse_click_text(self, selector: str, text: str) -> None:
        """Click like a person: the mouse on the element's centre (focus moves, so an edited
        text box hands its value over first)."""
        x, y = self._centre(selector, text)
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def double_click_text(self, selector: str, text: str, *, gap: float = 0.15) -> None:
        """A person's double click on the element's centre: two clicks `gap` seconds apart
        (the second can reach the server while the run the first one asked for is under way)."""
        x, y = self._centre(selector, text)
        self.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for count in (1, 2):
            if count == 2:
                time.sleep(gap)
            for kind in ("mousePressed", "mouseReleased"):
                self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                          clickCount=count)  # fmt: skip

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
        try:
            yield browser
        finally:
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=20)


# Where the list's grid is drawn, and its rows' height (the grid is a canvas: its rows are
# read off a screenshot, as a moderator sees them).
GRID = """(() => { const r = document.querySelector('[data-testid=stDataFrame]')
  .getBoundingClientRect(); return [r.left, r.top, r.right]; })()"""


def marked_rows(browser: Browser, path: Path, rows: int) -> list[int]:
    """The rows (0 = the first) of the page's first list drawn in the open item's colour
    (`views.OPENED_STYLE`): more than half of a line across the row's columns, a few pixels
    under its top (above the letters)."""
    left, top, right = browser.evaluate(GRID)
    browser.screenshot(path)
    picture = Image.open(path).convert("RGB")
    wanted = ImageColor.getrgb(views.OPENED_STYLE.split(":")[1].strip())
    marked = []
    for row in range(rows):
        y = int(top + ROW_PX * (row + 1) + 6)
        strip = [picture.getpixel((x, y)) for x in range(int(left) + 40, int(right) - 10, 4)]
        near = [p for p in strip if max(abs(a - b) for a, b in zip(p, wanted, strict=True)) < 8]
        if len(near) > len(strip) // 2:
            marked.append(row)
    return marked
