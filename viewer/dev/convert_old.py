"""Converts a map in geomention's current GeoJSON schema to the page's schema.

Until the Rust writer lands, this gives the page realistic data: the sample
corpus and seed maps as `geomention map` writes them today, reshaped into
the schema the lead fixed for the HTML page (issue 15). It adds what today's
output lacks (counts in place titles, document_count, first/last dates, the
flat claim fields, every unit field on every claim) and drops what the page
schema replaced (a place's `date`/`dates`). It does not invent data.

Usage: python3 convert_old.py OLD.geojson NEW.geojson
"""

import json
import sys

# Keys of a subject/reference/anchor object in the page schema.
END_KEYS = ["name", "place_id", "geonameid", "lat", "lon", "kind", "country",
            "text", "border_of", "border_lat", "border_lon"]
UNIT_KEYS = ["value_km", "value_max_km", "value_km2", "value_max_km2"]


def plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def convert_place(props):
    mentions = [dict(m, date=m.get("date")) for m in props["mentions"]]
    documents = list(props["documents"])
    for m in mentions:
        if m["doc"] not in documents:
            documents.append(m["doc"])
    dates = sorted(set(props.get("dates") or ([props["date"]] if props.get("date") else []))
                   | {m["date"] for m in mentions if m["date"]})
    out = {k: v for k, v in props.items() if k not in ("date", "dates")}
    out.update(
        title=f"{props['name']} ({props['kind']}) — {plural(props['mention_count'], 'mention')}"
              f" in {plural(len(documents), 'document')}",
        document_count=len(documents),
        documents=documents,
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        mentions=mentions,
    )
    return out


def convert_end(end):
    return None if end is None else {k: end.get(k) for k in END_KEYS}


def convert_claim(props):
    out = dict(props)
    for key in UNIT_KEYS:
        out.setdefault(key, None)
    for role in ("subject", "reference", "anchor"):
        out[role] = convert_end(props[role])
        out[f"{role}_name"] = out[role] and out[role]["name"]
        out[f"{role}_place_id"] = out[role] and out[role]["place_id"]
    reference = out["reference"]
    out["border_of"] = reference and reference["border_of"]
    return out


def convert(old_map):
    features = []
    for feature in old_map["features"]:
        props = feature["properties"]
        convert_props = convert_place if props["type"] == "place" else convert_claim
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": convert_props(props)})
    return {"type": "FeatureCollection", "features": features}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    with open(sys.argv[1], encoding="utf-8") as f:
        new_map = convert(json.load(f))
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(new_map, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
