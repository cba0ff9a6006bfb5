"""Generates a synthetic stress map in the page schema.

The page must stay responsive with far more data than a news corpus usually
gives: by default 20,000 places over Europe and Asia (clustered, as real
mentions are, with a long tail of mention counts) and 5,000 claims of every
geometry type (line, line to a border point, point, ring, annulus,
illustrative area, none) and every verdict, with dates on most documents.
The same seed gives the same map.

Usage: python3 stress.py OUT.geojson [--places N] [--claims N] [--seed S]
"""

import argparse
import datetime
import json
import math
import random

KINDS = [("city", 70), ("region", 15), ("poi", 10), ("country", 4), ("continent", 1)]
VERDICTS = ["consistent", "inconsistent", "unverifiable"]
GEOMETRIES = [("line", 40), ("border", 10), ("point", 10), ("ring", 15), ("annulus", 5),
              ("area", 5), ("none", 15)]
SYLLABLES = ["ka", "ri", "vo", "len", "mar", "sk", "to", "pol", "an", "ber", "zy", "dor",
             "grad", "ni", "ko", "sha", "ul", "tem", "ov", "ash", "ba", "lin", "yev", "kur"]
DOCUMENTS = 3000
EARTH_KM = 6371.0088


def pick(rng, weighted):
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def place_name(rng, i):
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return f"{word.capitalize()} {i}"


def document_dates(rng):
    start = datetime.date(2024, 1, 1)
    return [None if rng.random() < 0.1 else (start + datetime.timedelta(days=rng.randrange(366))).isoformat()
            for _ in range(DOCUMENTS)]


def document_id(i):
    return f"feeds/{i // 100:02d}/article_{i:05d}.txt"


def destination(lat, lon, km, bearing_deg):
    """The point `km` from (lat, lon) at a bearing, on a sphere."""
    d = km / EARTH_KM
    b = math.radians(bearing_deg)
    la1, lo1 = math.radians(lat), math.radians(lon)
    la2 = math.asin(math.sin(la1) * math.cos(d) + math.cos(la1) * math.sin(d) * math.cos(b))
    lo2 = lo1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(la1), math.cos(d) - math.sin(la1) * math.sin(la2))
    return round(math.degrees(lo2), 5), round(math.degrees(la2), 5)


def circle(lat, lon, km, steps=64):
    ring = [list(destination(lat, lon, km, 360 * i / steps)) for i in range(steps)]
    return ring + [ring[0]]


def make_places(rng, count, dates):
    centres = [(rng.uniform(10, 65), rng.uniform(-5, 140)) for _ in range(60)]
    places = []
    for i in range(count):
        if rng.random() < 0.8:
            clat, clon = rng.choice(centres)
            lat, lon = rng.gauss(clat, 2.5), rng.gauss(clon, 4)
        else:
            lat, lon = rng.uniform(5, 70), rng.uniform(-10, 150)
        lat = max(-80, min(80, lat))
        kind = pick(rng, KINDS)
        mention_count = min(5000, int(rng.paretovariate(1.1)))
        docs = sorted({rng.randrange(DOCUMENTS) for _ in range(min(mention_count, 30))})
        mentions = [(docs[m % len(docs)], m) for m in range(min(mention_count, 10))]
        places.append({"i": i, "lat": round(lat, 5), "lon": round(lon, 5), "kind": kind,
                       "mention_count": mention_count, "docs": docs, "mentions": mentions})
    features = []
    for p in places:
        name = place_name(rng, p["i"])
        mention_dates = sorted(d for d in (dates[doc] for doc in p["docs"]) if d)
        mentions = []
        for doc, m in p["mentions"]:
            start = rng.randrange(5000)
            mentions.append({
                "doc": document_id(doc), "start": start, "end": start + len(name),
                "text": name,
                "snippet": f"Officials said shelling near {name} continued overnight, "
                           f"and that reports from the area ({m + 1}) could not be confirmed independently.",
                "date": dates[doc], "confidence": round(rng.uniform(0.5, 1), 3),
            })
        documents = [document_id(d) for d in p["docs"]]
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {
                "type": "place", "place_id": f"gn:{9000000 + p['i']}", "name": name,
                "title": f"{name} ({p['kind']}) — {p['mention_count']} mentions in {len(documents)} documents",
                "kind": p["kind"], "feature_code": "PPL", "country": rng.choice(["UA", "RU", "PL", "KZ", "CN", "IN", "TR", "IR", "DE"]),
                "geonameid": 9000000 + p["i"], "population": rng.choice([None, rng.randrange(500, 5000000)]),
                "confidence": round(rng.uniform(0.4, 1), 3), "outlier": rng.random() < 0.03,
                "mention_count": p["mention_count"], "document_count": len(documents),
                "first_date": mention_dates[0] if mention_dates else None,
                "last_date": mention_dates[-1] if mention_dates else None,
                "documents": documents[:10], "mentions": mentions,
                "marker-color": "#e31a1c", "marker-size": "small",
            },
        })
    return features


def end(feature):
    p = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"]
    return {"name": p["name"], "place_id": p["place_id"], "geonameid": p["geonameid"], "lat": lat,
            "lon": lon, "kind": p["kind"], "country": p["country"], "text": p["name"],
            "border_of": None, "border_lat": None, "border_lon": None}


def make_claims(rng, count, places, dates):
    claims = []
    for i in range(count):
        shape = pick(rng, GEOMETRIES)
        verdict = rng.choice(VERDICTS)
        subject = end(rng.choice(places))
        reference = end(rng.choice(places)) if shape in ("line", "border") else None
        anchor = subject if shape in ("ring", "annulus") else None
        value = float(rng.choice([5, 10, 20, 30, 50, 100, 250, 500]))
        value_max = value * 2 if shape == "annulus" else None
        area = shape == "area" or (shape == "none" and rng.random() < 0.5)
        geometry = None
        if shape == "line":
            geometry = {"type": "LineString", "coordinates": [[subject["lon"], subject["lat"]], [reference["lon"], reference["lat"]]]}
        elif shape == "border":
            blon, blat = destination(subject["lat"], subject["lon"], value, rng.uniform(0, 360))
            reference.update(border_of="RU", border_lat=blat, border_lon=blon, kind="country", name="Russia")
            geometry = {"type": "LineString", "coordinates": [[subject["lon"], subject["lat"]], [blon, blat]]}
        elif shape == "point":
            geometry = {"type": "Point", "coordinates": [subject["lon"], subject["lat"]]}
        elif shape == "ring":
            geometry = {"type": "Polygon", "coordinates": [circle(subject["lat"], subject["lon"], value)]}
        elif shape == "annulus":
            geometry = {"type": "Polygon", "coordinates": [circle(subject["lat"], subject["lon"], value_max),
                                                           circle(subject["lat"], subject["lon"], value)[::-1]]}
        elif shape == "area":
            radius = math.sqrt(value / math.pi)
            geometry = {"type": "Polygon", "coordinates": [circle(subject["lat"], subject["lon"], radius)]}
        doc = rng.randrange(DOCUMENTS)
        unit = "km2" if area else rng.choice(["km", "km", "mi"])
        to_km = 1.609344 if unit == "mi" else 1.0
        measured = round(value * rng.uniform(0.5, 1.6), 1) if shape in ("line", "border") else None
        text = f"about {value:g} {'square kilometres' if area else 'kilometres'} from {subject['name']}"
        claims.append({
            "type": "Feature", "geometry": geometry,
            "properties": {
                "type": "claim", "claim": "area" if area else "distance", "value": value,
                "value_max": value_max, "unit": unit,
                "value_km": None if area else value * to_km,
                "value_max_km": None if area or value_max is None else value_max * to_km,
                "value_km2": value if area else None, "value_max_km2": None,
                "qualifier": "about", "qualifier_text": rng.choice(["about", "roughly", "some"]),
                "bearing": rng.choice([None, None, "northeast", "south"]), "bearing_deg": None,
                "measured_bearing_deg": None, "measured_km": measured,
                "difference_km": None if measured is None else round(abs(measured - value), 1),
                "tolerance_km": None if measured is None else round(value * 0.2 + 2, 1),
                "verdict": verdict, "verdict_reason": f"synthetic claim {i}: {verdict}",
                "illustrative": shape == "area", "radius_km": value if shape == "ring" else None,
                "text": text, "snippet": f"Witnesses said the strikes hit {text}, according to local officials.",
                "doc": document_id(doc), "start": 100, "end": 100 + len(text), "date": dates[doc],
                "title": f"{text} [{verdict}]",
                "subject": subject if shape not in ("ring", "annulus") else None,
                "reference": reference, "anchor": anchor,
                "subject_name": subject["name"] if shape not in ("ring", "annulus") else None,
                "subject_place_id": subject["place_id"] if shape not in ("ring", "annulus") else None,
                "reference_name": reference and reference["name"],
                "reference_place_id": reference and reference["place_id"],
                "border_of": reference and reference["border_of"],
                "anchor_name": anchor and anchor["name"], "anchor_place_id": anchor and anchor["place_id"],
            },
        })
    return claims


def generate(places=20000, claims=5000, seed=15):
    rng = random.Random(seed)
    dates = document_dates(rng)
    place_features = make_places(rng, places, dates)
    claim_features = make_claims(rng, claims, place_features, dates)
    return {"type": "FeatureCollection", "features": place_features + claim_features}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--places", type=int, default=20000)
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(generate(args.places, args.claims, args.seed), f, ensure_ascii=False)


if __name__ == "__main__":
    main()
