"""Assembles a map page the way the Rust writer will: template + files + data.

A stand-in for the Rust HTML writer, used by the browser tests until that
lands. It does exactly what the writer has to do, so it doubles as its spec:
1. build the data document (title, generator, palette, map, basemap, tiles,
   mentions_cap, trimmed), cutting mention lists when asked;
2. write it as JSON that cannot end its <script> element: `<`, `>`, `&`,
   U+2028 and U+2029 become \\u escapes (JSON.parse reads them back);
3. fill the five placeholders of viewer/page.html in ONE pass, so that a
   placeholder's text inside the data or the code is never replaced again.

Usage:
  python3 assemble.py MAP.geojson -o PAGE.html [--title T] [--mentions-cap N]
      [--trim N] [--tiles URL ATTRIBUTION] [--basemap BASEMAP.geojson]
      [--app-js FILE]
Without --basemap the dev basemap is made from gazetteer/countries.geojson
(basemap.py) and cached in build/viewer-basemap.json.
"""

import argparse
import json
import os
import re
from html import escape

import basemap as dev_basemap

VIEWER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(VIEWER)
BASEMAP_CACHE = os.path.join(ROOT, "build", "viewer-basemap.json")

# The writer takes these from the one palette shared with the QGIS styles;
# here they are the colours geomention writes today (continent is not a
# kind yet, so its colour is a placeholder from the same ColorBrewer set).
PALETTE = {
    "kind": {"continent": "#b15928", "country": "#6a3d9a", "region": "#1f78b4",
             "city": "#e31a1c", "poi": "#33a02c"},
    "outlier": "#999999",
    "verdict": {"consistent": "#1a9850", "inconsistent": "#d73027",
                "unverifiable": "#7f7f7f"},
}

CSS_FILES = ["vendor/leaflet/leaflet.css", "app.css"]
LIBRARY_JS = "vendor/leaflet/leaflet.js"
APP_JS = "app.js"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def load_basemap(path=None):
    if path:
        return json.loads(read(path))
    if not os.path.exists(BASEMAP_CACHE):
        os.makedirs(os.path.dirname(BASEMAP_CACHE), exist_ok=True)
        built = dev_basemap.build(os.path.join(ROOT, "gazetteer", "countries.geojson"))
        with open(BASEMAP_CACHE, "w", encoding="utf-8") as f:
            json.dump(built, f, separators=(",", ":"))
    return json.loads(read(BASEMAP_CACHE))


def cut_mentions(the_map, limit):
    """Keeps the first `limit` mentions of each place; counts stay exact."""
    for feature in the_map["features"]:
        props = feature["properties"]
        if props.get("type") == "place":
            props["mentions"] = props["mentions"][:limit]


def data_document(the_map, basemap, title=None, tiles=None, mentions_cap=None,
                  trimmed=None):
    if mentions_cap is not None:
        cut_mentions(the_map, mentions_cap)
    if trimmed is not None:
        cut_mentions(the_map, trimmed)
    return {
        "title": title,
        "generator": "geomention 0.1.0 (viewer/dev/assemble.py)",
        "palette": PALETTE,
        "map": the_map,
        "basemap": basemap,
        "tiles": tiles,
        "mentions_cap": mentions_cap,
        "trimmed": trimmed,
    }


SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                  "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(document):
    """JSON text that is safe inside <script type="application/json">."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: SCRIPT_ESCAPES[m.group(0)], text)


def fill_template(values, viewer=VIEWER):
    """The page: every placeholder replaced once, in a single pass."""
    template = read(os.path.join(viewer, "page.html"))
    for name in values:
        if template.count("{{%s}}" % name) != 1:
            raise ValueError(f"page.html must hold {{{{{name}}}}} exactly once")
    return re.sub(r"\{\{(TITLE|CSS|LIBRARY_JS|APP_JS|DATA)\}\}",
                  lambda m: values[m.group(1)], template)


def page(document, viewer=VIEWER, app_js=None):
    css = "\n".join(read(os.path.join(viewer, p)) for p in CSS_FILES)
    library = read(os.path.join(viewer, LIBRARY_JS))
    app = read(app_js or os.path.join(viewer, APP_JS))
    for name, code in (("library", library), ("app", app)):
        if "</script" in code.lower():
            raise ValueError(f"{name} code holds '</script' and would end its element")
    if "</style" in css.lower():
        raise ValueError("CSS holds '</style' and would end its element")
    return fill_template({
        "TITLE": escape(document["title"] or "geomention map"),
        "CSS": css,
        "LIBRARY_JS": library,
        "APP_JS": app,
        "DATA": script_json(document),
    }, viewer)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("map")
    parser.add_argument("-o", "--out", required=True)
    parser.add_argument("--title")
    parser.add_argument("--mentions-cap", type=int)
    parser.add_argument("--trim", type=int)
    parser.add_argument("--tiles", nargs=2, metavar=("URL", "ATTRIBUTION"))
    parser.add_argument("--basemap")
    parser.add_argument("--app-js", help="use this file instead of viewer/app.js")
    args = parser.parse_args()
    the_map = json.loads(read(args.map))
    tiles = {"url": args.tiles[0], "attribution": args.tiles[1]} if args.tiles else None
    document = data_document(the_map, load_basemap(args.basemap), args.title, tiles,
                             args.mentions_cap, args.trim)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(page(document, app_js=args.app_js))


if __name__ == "__main__":
    main()
