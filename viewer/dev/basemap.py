"""Makes the dev basemap: simplified country outlines for the map page.

The Rust writer will make the real one; this stands in for it until then, so
that the page can be built and tested with outlines of a realistic size. It
reads the gazetteer's countries.geojson (Natural Earth 1:10m, about 11 MB) and
writes a FeatureCollection of MultiPolygons with properties {"name", "iso"}.

Three steps, each for a reason:
- Antimeridian: in the source, a few rings of Russia (Chukotka) and Fiji
  have vertices on the 180th meridian written as -180 while the rest of the
  ring is east of it, so a drawn ring would jump across the whole map. Such
  vertices are moved to +180 (or to -180 when the ring lies west). Nothing is
  cut, because Natural Earth already splits those countries at 180. A ring
  that really goes round the globe (Antarctica's) is left as it is.
- Islands under MIN_AREA are dropped (most of the file's bytes are small
  islands), except a country's largest, so every country keeps a shape.
- Douglas-Peucker on each ring, with a tolerance in degrees: plenty for a
  backdrop that is never measured on. Rings too small to survive are dropped.
- Coordinates rounded to two decimals (about 1 km), which is finer than the
  tolerance and keeps the JSON short.

Usage: python3 basemap.py COUNTRIES.geojson OUT.geojson [--tolerance DEG]
"""

import argparse
import json

TOLERANCE = 0.08  # degrees, about 9 km
MIN_AREA = 0.05  # square degrees; smaller islands go, unless a country has nothing bigger


def snap_antimeridian(ring):
    """Puts ±180 vertices on the side of the 180th meridian the ring is on."""
    lons = [p[0] for p in ring]
    if max(lons) - min(lons) < 180:
        return ring
    inner = [lon for lon in lons if abs(lon) != 180]
    if inner and max(inner) - min(inner) > 180:
        return ring  # goes round the globe, like Antarctica
    east = sum(1 for lon in inner if lon > 0) >= len(inner) / 2
    edge = 180.0 if east else -180.0
    return [[edge, p[1]] if abs(p[0]) == 180 else p for p in ring]


def segment_distance(p, a, b):
    """Distance from p to the segment a-b, in degrees (a plane is enough)."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    length2 = dx * dx + dy * dy
    if length2 == 0:
        t = 0.0
    else:
        t = max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / length2))
    ex, ey = p[0] - (ax + t * dx), p[1] - (ay + t * dy)
    return (ex * ex + ey * ey) ** 0.5


def douglas_peucker(points, tolerance):
    """Keeps the vertices that matter at this tolerance (iteratively, as
    rings have tens of thousands of points)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_at = 0.0, None
        for i in range(first + 1, last):
            d = segment_distance(points[i], points[first], points[last])
            if d > worst:
                worst, worst_at = d, i
        if worst_at is not None and worst > tolerance:
            keep[worst_at] = True
            stack.append((first, worst_at))
            stack.append((worst_at, last))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring, tolerance):
    """A closed ring, simplified and rounded; None when it collapses."""
    # Split a closed ring at its far point, so that Douglas-Peucker does not
    # start from a zero-length first-to-last segment.
    far = max(range(len(ring)), key=lambda i: segment_distance(ring[i], ring[0], ring[0]))
    half1 = douglas_peucker(ring[: far + 1], tolerance)
    half2 = douglas_peucker(ring[far:], tolerance)
    out = []
    for lon, lat in half1[:-1] + half2:
        point = [round(lon, 2), round(lat, 2)]
        if not out or out[-1] != point:
            out.append(point)
    if len(out) < 4:
        return None
    out[-1] = out[0]
    return out


def ring_area(ring):
    """Planar area in square degrees (shoelace), only to rank islands."""
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))) / 2


def simplify_country(feature, tolerance, min_area):
    polygons = []
    source = feature["geometry"]["coordinates"]
    largest = max(ring_area(p[0]) for p in source)
    for polygon in source:
        area = ring_area(polygon[0])
        if area < min_area and area < largest:
            continue
        rings = [simplify_ring(snap_antimeridian(r), tolerance) for r in polygon]
        if rings[0] is None:
            continue
        polygons.append([rings[0]] + [r for r in rings[1:] if r is not None])
    if not polygons:
        return None
    props = feature["properties"]
    return {
        "type": "Feature",
        "properties": {"name": props["name"], "iso": props["iso2"]},
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    }


def build(countries_path, tolerance=TOLERANCE, min_area=MIN_AREA):
    with open(countries_path, encoding="utf-8") as f:
        source = json.load(f)
    features = [simplify_country(f, tolerance, min_area) for f in source["features"]]
    return {"type": "FeatureCollection", "features": [f for f in features if f]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("countries")
    parser.add_argument("out")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--min-area", type=float, default=MIN_AREA)
    args = parser.parse_args()
    basemap = build(args.countries, args.tolerance, args.min_area)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(basemap, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
