"""Opens a map page in headless Firefox: the same checks as check_page.py.

The page must work in Firefox as well as Chromium. Firefox speaks WebDriver
BiDi over a websocket (--remote-debugging-port), so this needs the Python
package `websockets` (pip install websockets) and Debian's firefox-esr; it is
a manual check, not part of run_checks.py. It records log entries of level
error and every request other than the page, waits for
data-geomention-ready, and takes a screenshot. (`firefox --screenshot`
alone is no use here: it shoots before the canvas has drawn.)

Usage: python3 check_firefox.py PAGE.html [--places N] [--claims N] [--screenshot OUT.png]
"""

import argparse
import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import websockets

FIREFOX = os.environ.get("FIREFOX", "firefox-esr")
PORT = 9333


class Bidi:
    def __init__(self, socket):
        self.socket = socket
        self.next_id = 0
        self.events = []

    async def send(self, method, params=None):
        self.next_id += 1
        await self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params or {}}))
        while True:
            message = json.loads(await self.socket.recv())
            if message.get("id") == self.next_id:
                if message.get("type") == "error":
                    raise RuntimeError(f"{method}: {message}")
                return message["result"]
            self.events.append(message)


async def check(page, screenshot, timeout=120):
    profile = tempfile.mkdtemp(prefix="gm-firefox-")
    process = subprocess.Popen([FIREFOX, "--headless", "--no-remote", "--profile", profile,
                                "--remote-debugging-port", str(PORT), "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                socket = await websockets.connect(f"ws://127.0.0.1:{PORT}/session", max_size=None)
                break
            except OSError:
                await asyncio.sleep(0.2)
        else:
            raise RuntimeError("Firefox did not open its remote port")
        bidi = Bidi(socket)
        await bidi.send("session.new", {"capabilities": {}})
        await bidi.send("session.subscribe", {"events": ["log.entryAdded", "network.beforeRequestSent"]})
        context = (await bidi.send("browsingContext.getTree"))["contexts"][0]["context"]
        await bidi.send("browsingContext.setViewport",
                        {"context": context, "viewport": {"width": 1400, "height": 900}})
        url = "file://" + os.path.abspath(page)
        started = time.monotonic()
        await bidi.send("browsingContext.navigate", {"context": context, "url": url, "wait": "complete"})
        body = {}
        while time.monotonic() - started < timeout:
            result = await bidi.send("script.evaluate", {
                "expression": "JSON.stringify(Object.assign({}, document.body.dataset))",
                "target": {"context": context}, "awaitPromise": False})
            body = json.loads(result["result"]["value"])
            if body.get("geomentionReady") or body.get("geomentionError"):
                break
            await asyncio.sleep(0.05)
        ready = time.monotonic() - started
        await asyncio.sleep(0.5)
        if screenshot:
            shot = await bidi.send("browsingContext.captureScreenshot", {"context": context})
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        errors, requests = [], []
        for event in bidi.events:
            params = event.get("params", {})
            if event.get("method") == "log.entryAdded" and params.get("level") == "error":
                errors.append(params.get("text"))
            elif event.get("method") == "network.beforeRequestSent" and params["request"]["url"] != url:
                requests.append(params["request"]["url"])
        try:
            await bidi.send("browser.close")
        except Exception:
            pass
        return ready, body, errors, requests
    finally:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--places", type=int)
    parser.add_argument("--claims", type=int)
    parser.add_argument("--screenshot")
    args = parser.parse_args()
    ready, body, errors, requests = asyncio.run(check(args.page, args.screenshot))
    print(f"Firefox: ready after {ready:.2f} s; body: {body}")
    problems = [f"error: {e}" for e in errors] + [f"network request: {u}" for u in requests]
    if body.get("geomentionReady") != "true":
        problems.append("not ready")
    for name, expected in (("geomentionPlaces", args.places), ("geomentionClaims", args.claims)):
        if expected is not None and body.get(name) != str(expected):
            problems.append(f"{name}: page says {body.get(name)}, map has {expected}")
    for problem in problems:
        print("FAIL", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
