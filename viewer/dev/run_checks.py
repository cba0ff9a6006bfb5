"""Browser checks of the map page, one per behaviour, as the Rust tests will be.

Each check assembles a page (assemble.py), opens it in headless Chromium
(check_page.py) and asserts: ready, counts equal to the map's features, no
console error, no network request, no dialog. Besides the good pages it runs
pages that must fail, to prove the checks themselves catch what they claim:
a page that fetches, one that loads an image, one that logs an error, one
that throws, and one whose data is not JSON.

Usage: python3 run_checks.py [--out DIR] [--geomention BIN] [--seeds DIR] [--only NAME...]
The corpus and seeds checks run `BIN map` (default $GEOMENTION) on the
repository's corpus/ and on SEEDS (default ../shared/seeds) and are skipped,
saying so, without them. Pages and screenshots go to DIR (default
build/viewer-check). Ends with a line "N passed, N failed".
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import assemble
import check_page
import convert_old
import hostile
import stress

ROOT = assemble.ROOT


def count(the_map, kind):
    return sum(1 for f in the_map["features"] if f["properties"].get("type") == kind)


class Run:
    def __init__(self, out):
        self.out = out
        self.passed = []
        self.failed = []
        self.skipped = []
        self.notes = []

    def page(self, name, document, app_js=None):
        path = os.path.join(self.out, name.replace(" ", "-") + ".html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(assemble.page(document, app_js=app_js))
        return path

    def result(self, name, problems):
        if problems:
            self.failed.append(name)
            print(f"FAIL {name}")
            for p in problems:
                print(f"     {p[:300]}")
        else:
            self.passed.append(name)
            print(f"ok   {name}")

    def check_map(self, name, the_map, screenshot=True, actions=None, **options):
        """A good page: ready, exact counts, no error, no request."""
        places, claims = count(the_map, "place"), count(the_map, "claim")
        document = assemble.data_document(the_map, options.pop("basemap", None) or assemble.load_basemap(), **options)
        path = self.page(name, document)
        shot = os.path.join(self.out, f"{name}.png") if screenshot else None
        report = check_page.open_page(path, screenshot=shot, actions=actions)
        self.notes.append(f"{name}: page {os.path.getsize(path) / 1e6:.2f} MB, ready after "
                          f"{report.ready_seconds:.2f} s from navigation (page's own clock: "
                          f"{report.body.get('data-geomention-ready-ms')} ms)" + (f", screenshot {shot}" if shot else ""))
        self.result(name, check_page.problems(report, places, claims))
        return report


def app_with(extra):
    """app.js with a line added at its end, for pages that must fail."""
    handle, path = tempfile.mkstemp(suffix=".js")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        f.write(assemble.read(os.path.join(assemble.VIEWER, assemble.APP_JS)) + "\n" + extra + "\n")
    return path


def check_must_fail(run, name, extra, expect):
    """The checker must report `expect` for a page whose app.js also runs `extra`."""
    the_map = {"type": "FeatureCollection", "features": []}
    app_js = app_with(extra)
    try:
        path = run.page(name, assemble.data_document(the_map, {"type": "FeatureCollection", "features": []}), app_js)
    finally:
        os.unlink(app_js)
    problems = check_page.problems(check_page.open_page(path), 0, 0)
    caught = [p for p in problems if expect in p]
    run.result(f"{name} is caught", [] if caught else [f"checker missed it; it reported {problems}"])


def check_hostile(run):
    the_map = hostile.generate()
    probe = ("JSON.stringify({pwned: document.body.dataset.pwned || null, title: document.title,"
             " text: document.body.innerText.slice(0, 300000)})")
    report = run.check_map("hostile", the_map, actions=probe, title=hostile.TITLE,
                           basemap=hostile.hostile_basemap(), trimmed=1)
    seen = json.loads(report.action_result)
    problems = []
    if seen["pwned"]:
        problems.append(f"a payload ran: {seen['pwned']}")
    if seen["title"] != hostile.TITLE:
        problems.append(f"document title is {seen['title']!r}")
    for payload in (hostile.PAYLOADS[0], hostile.PAYLOADS[1], "\u202eRLO-flipped", "{{APP_JS}}"):
        if payload not in seen["text"]:
            problems.append(f"payload not shown as text: {payload!r}")
    if "Mention lists were cut to the first 1 per place" not in seen["text"]:
        problems.append("no note that mention lists were cut")
    run.result("hostile text is shown as text and runs nothing", problems)


def check_geomention(run, name, binary, inputs, title, click_claim=None):
    with tempfile.TemporaryDirectory() as work:
        old = os.path.join(work, "map.geojson")
        subprocess.run([binary, "map", *inputs, "-o", old], check=True, stderr=subprocess.DEVNULL)
        with open(old, encoding="utf-8") as f:
            the_map = convert_old.convert(json.load(f))
    run.check_map(name, the_map, title=title, mentions_cap=50)
    if click_claim is not None:
        actions = (f"document.querySelectorAll('.gm-claim')[{click_claim}].click();"
                   "new Promise(r => setTimeout(r, 300))")
        run.check_map(f"{name}-claim", the_map, actions=actions, title=title, mentions_cap=50)


# The heading of what a claim or place opened: its popup, or the panel's
# details box for a claim with nothing to draw.
POPUP_HEADING = ("(document.querySelector('.leaflet-popup .gm-details h2, .gm-selected:not([hidden]) h2')"
                 " || {}).textContent || null")
FOCUSED = ("JSON.stringify({cls: document.activeElement.className,"
           " outline: getComputedStyle(document.activeElement).outlineStyle})")


def check_keyboard(run):
    """The panel works without a mouse: search, Tab to a claim, Enter/Space."""
    the_map = stress.generate(places=300, claims=40)
    place = max((f["properties"] for f in the_map["features"] if f["properties"]["type"] == "place"),
                key=lambda p: p["mention_count"])
    path = run.page("keyboard", assemble.data_document(the_map, assemble.load_basemap()))
    on_claim = "document.activeElement.classList.contains('gm-claim')"
    report = check_page.open_page(path, steps=[
        ("eval", "document.getElementById('gm-search').focus()"),
        ("text", place["name"]),
        ("eval", "document.querySelectorAll('#gm-search-results [role=option]').length"),
        ("key", "Enter"),
        ("eval", POPUP_HEADING),
        ("tab_until", on_claim),
        ("eval", FOCUSED),
        ("key", "Enter"),
        ("eval", POPUP_HEADING),
        ("key", "Tab"),
        ("key", "Space"),
        ("eval", POPUP_HEADING),
    ])
    _, options, chosen, tabs, focused, after_enter, after_space = report.step_results
    problems = check_page.problems(report, count(the_map, "place"), count(the_map, "claim"))
    if not options:
        problems.append("typing a place name listed no match")
    if chosen != place["name"]:
        problems.append(f"Enter on the first match opened {chosen!r}, not {place['name']!r}")
    focused = json.loads(focused)
    if tabs is None:
        problems.append(f"Tab never reached a claim (focus ends on {focused['cls']!r})")
    elif focused["outline"] in ("none", ""):
        problems.append("the focused claim shows no outline")
    if not after_enter or not after_space or after_enter == after_space:
        problems.append(f"Enter/Space on claims opened {after_enter!r} then {after_space!r}")
    run.notes.append(f"keyboard: {tabs} Tabs from the search box to the first claim")
    run.result("keyboard: search, Tab to a claim, Enter and Space open it", problems)


def check_broken_data(run):
    path = os.path.join(run.out, "broken.html")
    document = assemble.data_document({"type": "FeatureCollection", "features": []}, None)
    html = assemble.page(document).replace(assemble.script_json(document), "{this is not json")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    report = check_page.open_page(path)
    problems = check_page.problems(report, expect_error=True)
    if "not valid JSON" not in report.body.get("data-geomention-error", ""):
        problems.append(f"error says {report.body.get('data-geomention-error')!r}")
    run.result("data that is not JSON gives a message and data-geomention-error", problems)


def check_tiles(run):
    """With --tiles the page asks that server for tiles, and nothing else."""
    the_map = stress.generate(places=50, claims=10)
    tiles = {"url": "https://tiles.invalid/{z}/{x}/{y}.png", "attribution": "<b>Tiles</b> © test"}
    document = assemble.data_document(the_map, assemble.load_basemap(), tiles=tiles)
    path = run.page("tiles", document)
    report = check_page.open_page(path, actions="document.querySelector('.leaflet-control-attribution').textContent")
    problems = [f"request outside the tile server: {u}" for u in report.requests
                if not u.startswith("https://tiles.invalid/")]
    if not report.requests:
        problems.append("no tile was requested")
    if "<b>Tiles</b> © test" not in (report.action_result or ""):
        problems.append(f"attribution shows {report.action_result!r}")
    run.result("tiles load from the given server only, attribution as text", problems)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "viewer-check"))
    parser.add_argument("--geomention", default=os.environ.get("GEOMENTION"))
    parser.add_argument("--seeds", default=os.path.join(ROOT, "..", "shared", "seeds"))
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    run = Run(args.out)

    def wanted(name):
        return not args.only or name in args.only

    if wanted("empty"):
        run.check_map("empty", {"type": "FeatureCollection", "features": []})
    if wanted("hostile"):
        check_hostile(run)
    if wanted("broken"):
        check_broken_data(run)
    if wanted("leaks"):
        check_must_fail(run, "page that fetches", "fetch('https://example.invalid/leak').catch(function () {});",
                        "Content Security Policy")
        check_must_fail(run, "page that loads an image", "new Image().src = 'https://example.invalid/pixel.png';",
                        "network request: https://example.invalid/pixel.png")
        check_must_fail(run, "page that logs an error", "console.error('deliberate');", "console.error: deliberate")
        check_must_fail(run, "page that throws", "setTimeout(function () { throw new Error('deliberate'); });",
                        "uncaught: Error: deliberate")
    if wanted("tiles"):
        check_tiles(run)
    if wanted("keyboard"):
        check_keyboard(run)
    for name, inputs, title, click in (("corpus", [os.path.join(ROOT, "corpus")], "geomention sample corpus", None),
                                       ("seeds", [args.seeds], "Kharkiv offensive, May 2024", 2)):
        if not wanted(name):
            continue
        if not args.geomention or not os.path.exists(inputs[0]):
            run.skipped.append(name)
            print(f"skip {name}: needs --geomention BIN (or $GEOMENTION) and {inputs[0]}")
            continue
        check_geomention(run, name, args.geomention, inputs, title, click)
    if wanted("stress"):
        started = time.monotonic()
        the_map = stress.generate()
        run.notes.append(f"stress map generated in {time.monotonic() - started:.1f} s")
        run.check_map("stress", the_map, title="Stress: 20,000 places, 5,000 claims")

    for note in run.notes:
        print(f"     {note}")
    print(f"{len(run.passed)} passed, {len(run.failed)} failed" + (f", {len(run.skipped)} skipped" if run.skipped else ""))
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
