"""Generates a hostile map: article text written to break or hijack the page.

Every text field a map carries comes from articles somebody else wrote, so
the page must show it as text and run none of it. This map puts markup,
script-closing tags, event handlers, javascript: links, placeholders of the
page template, quotes, line separators, right-to-left text and a 100 KB word
in names, snippets, mention texts, document ids, units, verdicts and the
basemap. A payload that ran would set <body data-pwned> or open a dialog; one
injected as an element with src= would make a request. run_checks.py checks
that none of that happens and that the text is on the page as written.

Usage: python3 hostile.py OUT.geojson
"""

import json
import sys

LONG_WORD = "Z" * 100_000
PAYLOADS = [
    "<img src=x onerror=\"document.body.dataset.pwned='img'\">",
    "</script><script>document.body.dataset.pwned='script'</script>",
    "<!--<script>document.body.dataset.pwned='comment'</script>",
    "\"'><svg onload=\"document.body.dataset.pwned='svg'\">",
    "javascript:document.body.dataset.pwned='href'",
    "{{APP_JS}} {{DATA}} {{TITLE}}",
    "line\u2028separator\u2029paragraph",
    "\u202eRLO-flipped\u202c خاركيف — חרקוב — Харків",
    "&amp; &lt;b&gt;not bold&lt;/b&gt; & <b>bold?</b>",
]
TITLE = "<script>document.body.dataset.pwned='title'</script> \"Hostile\" & <b>map</b>"


def place(i, payload, lon, lat):
    name = f"{payload} {i}"
    snippet = f"Before {payload} — the city of {name} was shelled, {LONG_WORD if i == 0 else 'said'} officials."
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "type": "place", "place_id": f"gn:{payload}", "name": name,
            "title": f"{name} (city) — 2 mentions in 1 document", "kind": "city" if i % 2 else payload,
            "feature_code": payload, "country": payload[:40], "geonameid": payload if i % 3 else 700000 + i,
            "population": payload if i % 2 else 1000, "confidence": 0.5, "outlier": i == 1,
            "mention_count": 2, "document_count": 1, "first_date": "2024-05-01", "last_date": payload,
            "documents": [payload], "marker-color": payload, "marker-size": payload,
            "mentions": [
                {"doc": payload, "start": 0, "end": 5, "text": name, "snippet": snippet,
                 "date": payload, "confidence": payload},
                {"doc": f"javascript:alert({i})", "start": 0, "end": 5, "text": payload,
                 "snippet": payload, "date": "2024-05-02", "confidence": 1},
            ],
        },
    }


def claim(i, payload, geometry):
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "type": "claim", "claim": payload if i % 2 else "distance", "value": 30.0,
            "value_max": None, "unit": payload, "value_km": 30.0, "value_max_km": None,
            "value_km2": None, "value_max_km2": None, "qualifier": payload, "qualifier_text": payload,
            "bearing": payload, "bearing_deg": None, "measured_bearing_deg": None, "measured_km": 31.0,
            "difference_km": 1.0, "tolerance_km": 5.0, "verdict": payload if i % 2 else "consistent",
            "verdict_reason": payload, "illustrative": False, "radius_km": None,
            "text": payload, "snippet": f"{LONG_WORD} then {payload} and more", "doc": payload,
            "start": 0, "end": 1, "date": payload, "title": payload,
            "subject": None, "reference": None, "anchor": None,
            "subject_name": payload, "subject_place_id": payload, "reference_name": payload,
            "reference_place_id": payload, "border_of": payload, "anchor_name": payload,
            "anchor_place_id": payload, "stroke": payload,
        },
    }


def generate():
    features = []
    for i, payload in enumerate(PAYLOADS):
        features.append(place(i, payload, 30 + i, 48 + (i % 3)))
    for i, payload in enumerate(PAYLOADS):
        if i % 3 == 0:
            geometry = None
        elif i % 3 == 1:
            geometry = {"type": "LineString", "coordinates": [[30 + i, 48], [31 + i, 49]]}
        else:
            geometry = {"type": payload, "coordinates": payload}  # not a geometry: listed only
        features.append(claim(i, payload, geometry))
    return {"type": "FeatureCollection", "features": features}


def hostile_basemap():
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": PAYLOADS[0], "iso": PAYLOADS[3]},
        "geometry": {"type": "MultiPolygon", "coordinates": [[[[28, 44], [42, 44], [42, 53], [28, 53], [28, 44]]]]},
    }]}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(generate(), f, ensure_ascii=False)


if __name__ == "__main__":
    main()
