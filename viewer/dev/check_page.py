"""Opens a map page in headless Chromium and reports what a test must check.

The page is opened from file:// in a fresh profile and watched through the
DevTools protocol over a pipe (--remote-debugging-pipe: JSON messages ended
by NUL on file descriptors 3 and 4), which needs no port, no websocket and
no Python package. Everything is recorded from before the page loads:
- console calls of type error/assert, uncaught exceptions (Runtime events)
  and browser log entries of level error (Log events: CSP violations,
  failed loads) are the page's errors;
- every Network.requestWillBeSent is a request; all but the page itself and
  data: URLs count as network requests (a blocked one counts too);
- a JavaScript dialog (alert, confirm) is recorded and dismissed.
It waits for <body data-geomention-ready="true"> or data-geomention-error,
then reads the body's data-geomention-* attributes and can take a PNG.

Usage as a command:
  python3 check_page.py PAGE.html [--places N] [--claims N] [--screenshot OUT.png]
      [--size 1400x900] [--click-claim I]
Exits 1 and says why when a check fails. run_checks.py uses `open_page`.
"""

import argparse
import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless as root in a closed network: without the background-networking
# flags Chromium keeps trying to reach its own services.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
         # One request fewer to Google at start; the rest (update2, ListAccounts)
         # are the browser's own, never the page's, and fail fast offline.
         "--disable-features=NetworkTimeServiceQuerying"]


class DevTools:
    """A Chromium process and a protocol session on its one page."""

    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="gm-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def give_pipes():  # in the child: its fd 3 reads, fd 4 writes
            read = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            write = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.log = open(os.path.join(self.profile, "chromium.log"), "wb")
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe",
             f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            pass_fds=(3, 4), preexec_fn=give_pipes)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.replies = {}
        self.events = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.session = None

    def _read(self):
        buffer = b""
        while True:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                self.events.put(None)
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message:
                    self.replies[message["id"]] = message
                self.events.put(message)

    def send(self, method, params=None, session=True, timeout=30):
        self.next_id += 1
        command = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            command["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while self.next_id not in self.replies:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply to {method}")
            time.sleep(0.005)
        reply = self.replies.pop(self.next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        for fd in (self.to_chrome, self.from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


class PageReport:
    """What happened while the page loaded: the facts a test asserts on."""

    def __init__(self, url):
        self.url = url
        self.errors = []      # console errors, exceptions, error log entries
        self.requests = []    # URLs other than the page and data: URLs
        self.dialogs = []     # alert/confirm/prompt messages
        self.body = {}        # <body>'s data-geomention-* attributes
        self.ready_seconds = None  # navigation to ready, seen from outside
        self.screenshot = None

    def watch(self, message, devtools):
        method = message.get("method")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            self.errors.append(f"uncaught: {text}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self.errors.append(f"log ({entry['source']}): {entry['text']} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url != self.url and not url.startswith("data:"):
                self.requests.append(url)
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params["message"])
            devtools.send("Page.handleJavaScriptDialog", {"accept": False})


BODY_STATE = """JSON.stringify(document.body ? Object.fromEntries(
  Array.from(document.body.attributes).filter(a => a.name.startsWith('data-'))
    .map(a => [a.name, a.value])) : {})"""


# Real key presses (not synthetic events: those do not click a focused
# button), as Input.dispatchKeyEvent wants them.
KEYS = {
    "Tab": {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9},
    "Enter": {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"},
    "Space": {"key": " ", "code": "Space", "windowsVirtualKeyCode": 32, "text": " "},
    "ArrowDown": {"key": "ArrowDown", "code": "ArrowDown", "windowsVirtualKeyCode": 40},
    "Escape": {"key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27},
}


def open_page(path, width=1400, height=900, timeout=90, screenshot=None, actions=None, steps=None):
    """Loads the page, waits until it is ready (or failed), and reports.
    Once ready, before the screenshot, it runs `actions` (JavaScript, may
    return a promise; its value is report.action_result) and then `steps`,
    a list of ("key", name in KEYS), ("text", typed text), ("eval", JS) or
    ("tab_until", JS): Tab pressed until JS is true, at most 100 times.
    Values of eval steps, and the number of Tabs (or None), go to
    report.step_results."""
    url = "file://" + os.path.abspath(path)
    report = PageReport(url)
    devtools = DevTools(width, height)
    try:
        target = next(t for t in devtools.send("Target.getTargets", session=False)["targetInfos"]
                      if t["type"] == "page")
        devtools.session = devtools.send("Target.attachToTarget",
                                         {"targetId": target["targetId"], "flatten": True},
                                         session=False)["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            devtools.send(f"{domain}.enable")
        # The window size includes no browser chrome in headless mode, but
        # set the viewport itself so that screenshots have the asked size.
        devtools.send("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        started = time.monotonic()
        devtools.send("Page.navigate", {"url": url})

        def pump(seconds):
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    message = devtools.events.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    return
                if message is None:
                    raise RuntimeError("Chromium went away")
                report.watch(message, devtools)

        def evaluate(expression, await_promise=False):
            result = devtools.send("Runtime.evaluate", {
                "expression": expression, "returnByValue": True, "awaitPromise": await_promise})
            return result["result"].get("value")

        deadline = started + timeout
        while True:
            pump(0.05)
            state = json.loads(evaluate(BODY_STATE) or "{}")
            if state.get("data-geomention-ready") == "true" or "data-geomention-error" in state:
                report.ready_seconds = time.monotonic() - started
                break
            if time.monotonic() > deadline:
                report.errors.append(f"not ready after {timeout} s")
                break
        if actions:
            report.action_result = evaluate(actions, await_promise=True)
        report.step_results = []
        def press(key):
            for phase in ("keyDown", "keyUp"):
                event = dict(KEYS[key], type=phase)
                if phase == "keyUp":
                    event.pop("text", None)
                devtools.send("Input.dispatchKeyEvent", event)

        for kind, value in steps or []:
            if kind == "key":
                press(value)
            elif kind == "tab_until":
                tabs = 0
                while not evaluate(value) and tabs < 100:
                    press("Tab")
                    tabs += 1
                report.step_results.append(tabs if evaluate(value) else None)
            elif kind == "text":
                devtools.send("Input.insertText", {"text": value})
            else:
                report.step_results.append(evaluate(value, await_promise=True))
            pump(0.05)
        pump(0.5)  # late errors and requests still count
        report.body = json.loads(evaluate(BODY_STATE) or "{}")
        if screenshot:
            data = devtools.send("Page.captureScreenshot", {"format": "png"})["data"]
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(data))
            report.screenshot = screenshot
        pump(0.1)
    finally:
        devtools.close()
    return report


def problems(report, places=None, claims=None, expect_error=False):
    """The failed checks of a report, in words (empty when all pass)."""
    found = []
    body = report.body
    if expect_error:
        if "data-geomention-error" not in body:
            found.append("expected data-geomention-error, page did not set it")
    else:
        if body.get("data-geomention-ready") != "true":
            found.append(f"not ready: {body}")
        if places is not None and body.get("data-geomention-places") != str(places):
            found.append(f"places: page says {body.get('data-geomention-places')}, map has {places}")
        if claims is not None and body.get("data-geomention-claims") != str(claims):
            found.append(f"claims: page says {body.get('data-geomention-claims')}, map has {claims}")
        found += [f"error: {e}" for e in report.errors]
    found += [f"network request: {u[:200]}" for u in report.requests]
    found += [f"dialog opened: {d[:200]}" for d in report.dialogs]
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--places", type=int)
    parser.add_argument("--claims", type=int)
    parser.add_argument("--screenshot")
    parser.add_argument("--size", default="1400x900")
    parser.add_argument("--click-claim", type=int, help="click the I-th claim of the panel first")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    actions = None
    if args.click_claim is not None:
        actions = (f"document.querySelectorAll('.gm-claim')[{args.click_claim}].click();"
                   "new Promise(r => setTimeout(r, 300))")
    report = open_page(args.page, width, height, screenshot=args.screenshot, actions=actions)
    print(f"ready in {report.ready_seconds:.2f} s (page says {report.body.get('data-geomention-ready-ms')} ms);"
          f" body: {report.body}")
    failed = problems(report, args.places, args.claims)
    for problem in failed:
        print("FAIL", problem)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
