/*
 * geomention map page: reads the JSON data block that the writer put in the
 * page, draws places and claims on a Leaflet map over a tile-free basemap,
 * and builds the side panel (counts, filters, search, list of claims).
 *
 * Everything from the data is untrusted article text: it reaches the page
 * only through textContent, attributes set by name, or canvas drawing, never
 * as HTML. The page fetches nothing; only user-given tiles load images.
 *
 * When the first drawing is done, <body> gets data-geomention-places,
 * data-geomention-claims and data-geomention-ready="true" (tests read them);
 * data that cannot be read gives a message and data-geomention-error.
 */
(function () {
  'use strict';

  var KINDS = ['continent', 'country', 'region', 'city', 'poi'];
  var VERDICTS = ['consistent', 'inconsistent', 'unverifiable'];
  // Verdicts are told by colour, line style and a symbol, so that they stay
  // apart without colour vision. Dash patterns are long on purpose: software
  // canvases draw each dash, and short ones made the stress map's redraws
  // half as slow again.
  var VERDICT_LOOK = {
    consistent: { symbol: '\u2713', dash: null },
    inconsistent: { symbol: '\u2717', dash: '12 8' },
    unverifiable: { symbol: '?', dash: '2 9' },
  };
  // Zoom to which choosing a place goes, by kind.
  var KIND_ZOOM = { continent: 3, country: 5, region: 7, city: 10, poi: 12 };
  var UNITS = { km2: 'km\u00b2', mi2: 'mi\u00b2', m2: 'm\u00b2' };
  var FALLBACK_COLOUR = '#7f7f7f';
  // Level of detail: past this many places in view, only the most-mentioned
  // place of each screen cell is drawn.
  var DRAW_ALL_UP_TO = 1500;
  var CELL_PX = 36; // about the widest marker, so kept markers seldom overlap
  var LABEL_UP_TO = 400; // places drawn; above this, names only on hover
  var CLAIM_PAGE = 300; // claims listed at a time in the panel
  var SEARCH_RESULTS = 10;

  var numberFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

  // ---------------------------------------------------------------- helpers

  /** An element with attributes and children; text is always text. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else if (name.slice(0, 2) === 'on') node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : value);
    });
    for (var i = 2; i < arguments.length; i++) appendAll(node, arguments[i]);
    return node;
  }

  function appendAll(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { appendAll(node, c); });
    else node.append(child instanceof Node ? child : String(child));
  }

  function svg(tag, attrs) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs).forEach(function (name) {
      if (attrs[name] !== null) node.setAttribute(name, attrs[name]);
    });
    for (var i = 2; i < arguments.length; i++) node.append(arguments[i]);
    return node;
  }

  function str(value) {
    return value === null || value === undefined ? '' : String(value);
  }

  function num(value) {
    return typeof value === 'number' && isFinite(value) ? value : null;
  }

  function list(value) {
    return Array.isArray(value) ? value : [];
  }

  function isoDate(value) {
    return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
  }

  function colour(value) {
    return typeof value === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(value) ? value : FALLBACK_COLOUR;
  }

  function fmt(value) {
    return value === null ? '?' : numberFormat.format(value);
  }

  function plural(n, word) {
    return numberFormat.format(n) + ' ' + word + (n === 1 ? '' : 's');
  }

  /** At most n characters, for list labels; popups show the whole text. */
  function short(text, n) {
    return text.length > n ? text.slice(0, n - 1) + '\u2026' : text;
  }

  function searchKey(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  /** The sentence with the mention marked: found by its text, not offsets
   * (offsets count in the document, not in the snippet). */
  function quote(snippet, needle) {
    var at = needle ? snippet.indexOf(needle) : -1;
    if (at < 0 && needle && snippet.toLowerCase().length === snippet.length) {
      at = snippet.toLowerCase().indexOf(needle.toLowerCase());
    }
    var q = el('q', { class: 'gm-quote', dir: 'auto' });
    if (at < 0) {
      q.append(snippet);
    } else {
      q.append(snippet.slice(0, at), el('mark', { text: snippet.slice(at, at + needle.length) }),
        snippet.slice(at + needle.length));
    }
    return q;
  }

  // ------------------------------------------------------------------ data

  function DataError(message) {
    this.message = message;
  }

  function readData() {
    var node = document.getElementById('geomention-data');
    if (!node) throw new DataError('the page holds no map data');
    var data;
    try {
      data = JSON.parse(node.textContent);
    } catch (e) {
      throw new DataError('the map data is not valid JSON (' + e.message + ')');
    }
    if (!data || typeof data !== 'object' || !data.map || !Array.isArray(data.map.features)) {
      throw new DataError('the map data has no "map" FeatureCollection');
    }
    return data;
  }

  /** [lat, lon] of a GeoJSON position, or null when it is not one. */
  function latLon(position) {
    if (!Array.isArray(position)) return null;
    var lon = num(position[0]);
    var lat = num(position[1]);
    if (lon === null || lat === null || Math.abs(lat) > 90 || Math.abs(lon) > 540) return null;
    return [lat, lon];
  }

  /** Bounds of every position of a geometry, or null when it has none or
   * any of them is not a position (such a claim is listed, not drawn). */
  function geometryBounds(geometry) {
    if (!geometry || typeof geometry !== 'object') return null;
    var depth = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 }[geometry.type];
    if (depth === undefined) return null;
    var bounds = L.latLngBounds([]);
    var ok = true;
    (function walk(coords, level) {
      if (!ok) return;
      if (level === 0) {
        var ll = latLon(coords);
        if (ll) bounds.extend(ll); else ok = false;
      } else if (Array.isArray(coords) && coords.length) {
        coords.forEach(function (c) { walk(c, level - 1); });
      } else {
        ok = false;
      }
    })(geometry.coordinates, depth);
    return ok && bounds.isValid() ? bounds : null;
  }

  function makePlace(feature, index) {
    var p = feature.properties;
    var point = feature.geometry && feature.geometry.type === 'Point' ? latLon(feature.geometry.coordinates) : null;
    var mentions = list(p.mentions);
    var docs = new Set(list(p.documents).map(str));
    mentions.forEach(function (m) { if (m && m.doc !== undefined) docs.add(str(m.doc)); });
    var name = str(p.name);
    return {
      index: index,
      props: p,
      latlng: point,
      name: name,
      key: searchKey(name),
      kind: KINDS.indexOf(p.kind) >= 0 ? p.kind : null,
      outlier: p.outlier === true,
      mentionCount: num(p.mention_count) || 0,
      docs: docs,
      firstDate: isoDate(p.first_date),
      lastDate: isoDate(p.last_date) || isoDate(p.first_date),
      layer: null,
    };
  }

  function makeClaim(feature, index) {
    var p = feature.properties;
    return {
      index: index,
      props: p,
      geometry: feature.geometry,
      bounds: geometryBounds(feature.geometry),
      verdict: VERDICTS.indexOf(p.verdict) >= 0 ? p.verdict : 'unverifiable',
      doc: str(p.doc),
      date: isoDate(p.date),
      layer: null,
    };
  }

  function buildModel(data) {
    var places = [];
    var claims = [];
    data.map.features.forEach(function (f) {
      var type = f && f.properties && f.properties.type;
      if (type === 'place') places.push(makePlace(f, places.length));
      else if (type === 'claim') claims.push(makeClaim(f, claims.length));
    });
    var docs = new Set();
    var dates = [];
    places.forEach(function (p) {
      p.docs.forEach(function (d) { docs.add(d); });
      if (p.firstDate) dates.push(p.firstDate, p.lastDate);
    });
    claims.forEach(function (c) {
      if (c.doc) docs.add(c.doc);
      if (c.date) dates.push(c.date);
    });
    dates.sort();
    var palette = data.palette || {};
    var trimmed = num(data.trimmed);
    return {
      title: str(data.title) || 'geomention map',
      generator: str(data.generator),
      palette: {
        kind: palette.kind || {},
        outlier: colour(palette.outlier),
        verdict: palette.verdict || {},
      },
      places: places,
      // Most-mentioned first: level of detail keeps the first place of a
      // cell, and smaller markers are drawn last, on top of bigger ones.
      placesByWeight: places.filter(function (p) { return p.latlng; })
        .sort(function (a, b) { return b.mentionCount - a.mentionCount || a.index - b.index; }),
      claims: claims,
      documents: Array.from(docs).sort(),
      firstDate: dates[0] || null,
      lastDate: dates[dates.length - 1] || null,
      basemap: data.basemap,
      tiles: data.tiles,
      mentionsCap: num(data.mentions_cap),
      trimmed: trimmed,
    };
  }

  // ---------------------------------------------------------------- styles

  function kindColour(model, place) {
    if (place.outlier) return model.palette.outlier;
    return colour(place.kind && model.palette.kind[place.kind]);
  }

  function verdictColour(model, verdict) {
    return colour(model.palette.verdict[verdict]);
  }

  /** Marker radius in pixels: grows with the square root of mentions. */
  function placeRadius(mentionCount) {
    return Math.max(4, Math.min(16, 3 + 1.6 * Math.sqrt(mentionCount)));
  }

  function placeStyle(model, place) {
    return {
      radius: placeRadius(place.mentionCount),
      fillColor: kindColour(model, place),
      fillOpacity: 0.9,
      color: place.outlier ? '#333333' : '#ffffff',
      weight: place.outlier ? 1.5 : 1.2,
      dashArray: place.outlier ? '3 3' : null,
    };
  }

  function claimStyle(model, claim) {
    var colourOf = verdictColour(model, claim.verdict);
    var dash = VERDICT_LOOK[claim.verdict].dash;
    var type = claim.geometry.type;
    if (type === 'Point' || type === 'MultiPoint') {
      return { radius: 6, color: colourOf, weight: 3, fillColor: '#ffffff', fillOpacity: 1, dashArray: dash, lineCap: 'round' };
    }
    if (type === 'Polygon' || type === 'MultiPolygon') {
      return {
        color: colourOf, weight: 2, opacity: 0.9, dashArray: dash, lineCap: 'round',
        fillColor: colourOf, fillOpacity: claim.props.illustrative === true ? 0.2 : 0.08,
      };
    }
    return { color: colourOf, weight: 3, opacity: 0.9, dashArray: dash, lineCap: 'round' };
  }

  // ------------------------------------------------------------ the words

  function unitText(unit) {
    return UNITS[unit] || str(unit);
  }

  /** "stated about 30 km northeast (roughly)" */
  function statedText(p) {
    var words = ['stated'];
    if (p.qualifier) words.push(str(p.qualifier));
    var value = fmt(num(p.value));
    if (num(p.value_max) !== null) value += '\u2013' + fmt(num(p.value_max));
    words.push(value, unitText(p.unit));
    var inKm = p.claim === 'area' ? num(p.value_km2) : num(p.value_km);
    var kmUnit = p.claim === 'area' ? 'km2' : 'km';
    if (inKm !== null && p.unit !== kmUnit) words.push('(' + fmt(inKm) + ' ' + unitText(kmUnit) + ')');
    if (p.bearing) words.push(str(p.bearing));
    var written = str(p.qualifier_text);
    if (written && written.toLowerCase() !== str(p.qualifier).toLowerCase()) words.push('(' + written + ')');
    return words.join(' ');
  }

  /** "measured 32.7 km, bearing 47°" or null. */
  function measuredText(p) {
    if (num(p.measured_km) === null) return null;
    var text = 'measured ' + fmt(num(p.measured_km)) + ' km';
    if (num(p.measured_bearing_deg) !== null) text += ', bearing ' + Math.round(p.measured_bearing_deg) + '\u00b0';
    return text;
  }

  /** "stated about 30 km (roughly), measured 32.7 km: consistent" */
  function claimSentence(claim) {
    var measured = measuredText(claim.props);
    return statedText(claim.props) + (measured ? ', ' + measured : '') + ': ' + claim.verdict;
  }

  /** "Kharkiv → Russia border", or what the claim is about. */
  function claimHeading(claim) {
    var p = claim.props;
    var reference = str(p.reference_name);
    if (reference && p.border_of) reference += ' border';
    var ends = [str(p.subject_name), reference].filter(Boolean);
    if (ends.length) return ends.join(' \u2192 ');
    if (p.anchor_name) return 'around ' + str(p.anchor_name);
    return p.claim === 'area' ? 'Area claim' : 'Distance claim';
  }

  function verdictBadge(model, verdict) {
    return el('span', { class: 'gm-verdict', style: '--gm-colour:' + verdictColour(model, verdict) },
      el('span', { 'aria-hidden': 'true', class: 'gm-verdict-symbol', text: VERDICT_LOOK[verdict].symbol }),
      ' ' + verdict);
  }

  function sourceLine(doc, date) {
    return el('p', { class: 'gm-source' },
      doc ? el('span', { dir: 'auto', text: doc }) : 'unknown document',
      date ? ' \u00b7 ' + date : null);
  }

  // ---------------------------------------------------------------- popups

  function placeDetails(model, place) {
    var p = place.props;
    var facts = [place.kind || str(p.kind), str(p.feature_code), str(p.country)].filter(Boolean).join(' \u00b7 ');
    var population = num(p.population);
    var geonameid = num(p.geonameid);
    var documents = list(p.documents).map(str);
    var documentCount = num(p.document_count);
    var mentions = list(p.mentions).filter(function (m) { return m && typeof m === 'object'; });
    var dates = place.firstDate
      ? (place.firstDate === place.lastDate ? place.firstDate : place.firstDate + ' to ' + place.lastDate)
      : null;

    var box = el('div', { class: 'gm-details' },
      el('h2', { dir: 'auto', text: place.name || '(no name)' }),
      el('p', { class: 'gm-facts' }, facts,
        population !== null ? ' \u00b7 population ' + population.toLocaleString('en') : null),
      el('p', null, plural(place.mentionCount, 'mention') + ' in ' +
        plural(documentCount !== null ? documentCount : documents.length, 'document'),
        dates ? ', ' + dates : null),
      place.outlier ? el('p', { class: 'gm-note' },
        'Outlier: far from the document\u2019s other places and resolved with little support.') : null,
      Number.isInteger(geonameid) && geonameid > 0
        ? el('p', null, el('a', {
          href: 'https://www.geonames.org/' + geonameid, target: '_blank', rel: 'noopener noreferrer',
          text: 'GeoNames ' + geonameid,
        }), num(p.confidence) !== null ? ' \u00b7 confidence ' + p.confidence.toFixed(2) : null)
        : null);

    if (documents.length) {
      var more = (documentCount || 0) - documents.length;
      box.append(el('h3', { text: 'Documents' }),
        el('ul', { class: 'gm-docs' }, documents.map(function (d) { return el('li', { dir: 'auto', text: d }); }),
          more > 0 ? el('li', { class: 'gm-more', text: 'and ' + plural(more, 'more document') }) : null));
    }
    if (mentions.length) {
      var moreMentions = place.mentionCount - mentions.length;
      appendAll(box, [el('h3', { text: 'Mentions' }),
        el('ol', { class: 'gm-mentions' }, mentions.map(function (m) {
          return el('li', null, quote(str(m.snippet), str(m.text)), sourceLine(str(m.doc), isoDate(m.date)));
        })),
        moreMentions > 0 ? el('p', { class: 'gm-more', text: 'and ' + plural(moreMentions, 'more mention') }) : null]);
    }
    return box;
  }

  function claimDetails(model, claim) {
    var p = claim.props;
    var sentence = claimSentence(claim);
    var tolerance = num(p.tolerance_km);
    var difference = num(p.difference_km);
    var box = el('div', { class: 'gm-details' },
      el('h2', { dir: 'auto', text: claimHeading(claim) }),
      el('p', null, verdictBadge(model, claim.verdict)),
      el('p', { dir: 'auto', text: sentence.charAt(0).toUpperCase() + sentence.slice(1) }),
      p.verdict_reason ? el('p', { class: 'gm-reason', dir: 'auto', text: str(p.verdict_reason) }) : null,
      difference !== null || tolerance !== null
        ? el('p', { class: 'gm-facts' }, [
          difference !== null ? 'off by ' + fmt(difference) + ' km' : null,
          tolerance !== null ? 'allowed ' + fmt(tolerance) + ' km' : null,
        ].filter(Boolean).join(' \u00b7 '))
        : null,
      p.illustrative === true
        ? el('p', { class: 'gm-note', text: 'Drawn as a circle of the stated area: the real shape is unknown.' })
        : null,
      claim.layer ? null : el('p', { class: 'gm-note', text: 'Nothing to draw: the claim has no place on the map.' }),
      el('blockquote', null, quote(str(p.snippet), str(p.text))),
      sourceLine(claim.doc, claim.date));
    return box;
  }

  // ------------------------------------------------------------------- map

  function createMap(container) {
    var map = L.map(container, {
      preferCanvas: true,
      minZoom: 1,
      maxZoom: 18,
      zoomSnap: 0.5,
      worldCopyJump: false,
      maxBounds: [[-89, -260], [89, 260]],
      maxBoundsViscosity: 0.8,
    });
    map.createPane('gm-basemap').style.zIndex = 150;
    // Country names under the vectors (overlayPane is 400), place names
    // above them so that lines never cross out a name.
    map.createPane('gm-labels').style.zIndex = 390;
    map.createPane('gm-place-labels').style.zIndex = 450;
    L.control.scale({ position: 'bottomleft' }).addTo(map);
    return map;
  }

  /** Draws the outlines; returns a function that writes country names for
   * the zoom, leaving out countries whose place marker is already named. */
  function addBasemap(map, basemap) {
    if (!basemap || !Array.isArray(basemap.features)) return function () {};
    var renderer = L.canvas({ pane: 'gm-basemap', padding: 0.2 });
    var style = { renderer: renderer, interactive: false, color: '#a39e93', weight: 0.7, fillColor: '#f2efe9', fillOpacity: 1 };
    var labels = [];
    basemap.features.forEach(function (feature) {
      var layer;
      try {
        layer = L.geoJSON(feature, { style: style, renderer: renderer, interactive: false });
      } catch (e) {
        return; // a broken outline is left out; the map still works
      }
      layer.addTo(map);
      var label = countryLabel(feature);
      if (label) labels.push(label);
    });
    var shown = [];
    return function updateLabels(namedIsos) {
      var zoom = map.getZoom();
      shown.forEach(function (m) { m.remove(); });
      shown = labels.filter(function (l) { return zoom >= l.minZoom && !namedIsos.has(l.iso); }).map(function (l) {
        if (!l.marker) {
          l.marker = L.marker(l.latlng, {
            pane: 'gm-labels', interactive: false, keyboard: false,
            icon: L.divIcon({ className: 'gm-country-label', iconSize: null, html: el('span', { text: l.name }) }),
          });
        }
        return l.marker.addTo(map);
      });
    };
  }

  /** Where to write a country's name and from which zoom: inside its
   * largest polygon, at the middle of the widest run across its middle
   * latitude, once that polygon is wider on screen than the name. */
  function countryLabel(feature) {
    var name = str(feature.properties && feature.properties.name);
    var geometry = feature.geometry;
    if (!name || !geometry) return null;
    var polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : [geometry.coordinates];
    var best = null;
    polygons.forEach(function (polygon) {
      var ring = list(polygon)[0];
      if (!Array.isArray(ring) || ring.length < 4) return;
      var minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
      ring.forEach(function (p) {
        minLon = Math.min(minLon, p[0]); maxLon = Math.max(maxLon, p[0]);
        minLat = Math.min(minLat, p[1]); maxLat = Math.max(maxLat, p[1]);
      });
      var size = (maxLon - minLon) * (maxLat - minLat);
      if (!best || size > best.size) best = { ring: ring, size: size, width: maxLon - minLon, lat: (minLat + maxLat) / 2 };
    });
    if (!best || !(best.width > 0)) return null;
    var crossings = [];
    var ring = best.ring;
    for (var i = 0; i + 1 < ring.length; i++) {
      var a = ring[i], b = ring[i + 1];
      if ((a[1] <= best.lat) !== (b[1] <= best.lat)) {
        crossings.push(a[0] + (best.lat - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
      }
    }
    crossings.sort(function (x, y) { return x - y; });
    var from = null, widest = 0;
    for (var j = 0; j + 1 < crossings.length; j += 2) {
      if (crossings[j + 1] - crossings[j] > widest) {
        widest = crossings[j + 1] - crossings[j];
        from = crossings[j];
      }
    }
    if (from === null) return null;
    var textPx = name.length * 6.5 + 8;
    var minZoom = Math.log2(textPx * 360 / (256 * best.width));
    return {
      name: name, iso: str(feature.properties.iso), latlng: [best.lat, from + widest / 2],
      minZoom: Math.max(2, Math.ceil(minZoom * 2) / 2),
    };
  }

  function addTiles(map, tiles) {
    if (!tiles || typeof tiles.url !== 'string') return;
    var attribution = document.createElement('span');
    attribution.textContent = str(tiles.attribution);
    // Leaflet writes attributions as HTML: hand it the escaped text.
    L.tileLayer(tiles.url, { attribution: attribution.innerHTML, maxZoom: 19 }).addTo(map);
  }

  /** Makes a group hold exactly these layers, touching only the ones that
   * come or go: panning keeps most places, and re-adding them all would
   * cost a frame. Layers that come are drawn on top. */
  function syncLayers(group, wanted) {
    var keep = new Set(wanted);
    group.eachLayer(function (layer) { if (!keep.has(layer)) group.removeLayer(layer); });
    wanted.forEach(function (layer) { if (!group.hasLayer(layer)) group.addLayer(layer); });
  }

  // -------------------------------------------------------------- the page

  function start(data) {
    var model = buildModel(data);
    document.title = model.title;
    var map = createMap(document.getElementById('gm-map'));
    var labelCountries = addBasemap(map, model.basemap);
    addTiles(map, model.tiles);

    // Padding: how far past the view the canvas is drawn, so a short pan shows
    // no blank edge; more costs every redraw.
    var vectors = L.canvas({ padding: 0.2, tolerance: 4 });
    var claimsGroup = L.layerGroup().addTo(map);
    var placesGroup = L.layerGroup().addTo(map);
    var labelsGroup = L.layerGroup().addTo(map);
    var filters = { doc: '', kinds: new Set(KINDS), verdicts: new Set(VERDICTS), from: '', to: '', undated: true };
    var state = { pinned: null, selectedClaim: null, popup: null, shownPlaces: [], shownClaims: [] };
    var panel = buildPanel(document.getElementById('gm-panel'), model, {
      onFilter: function () { applyFilters(); },
      onChoosePlace: function (place) { choosePlace(place); },
      onChooseClaim: function (claim) { chooseClaim(claim); },
      onFitShown: function () { fitTo(shownBounds()); },
    }, filters);

    // Claims: one layer each, made once.
    var claimsDrawn = 0;
    model.claims.forEach(function (claim) {
      if (!claim.bounds) return;
      try {
        claim.layer = L.GeoJSON.geometryToLayer({ type: 'Feature', geometry: claim.geometry, properties: {} }, {
          renderer: vectors,
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { renderer: vectors }); },
        });
      } catch (e) {
        claim.layer = null;
        return;
      }
      claim.layer.setStyle(claimStyle(model, claim));
      claim.layer.bindTooltip(function () { return el('span', { dir: 'auto', text: short(claimHeading(claim), 80) }); }, { sticky: true });
      claim.layer.on('click', function (e) { openClaim(claim, e.latlng); });
      claimsDrawn++;
    });

    function placeLayer(place) {
      if (!place.layer) {
        place.layer = L.circleMarker(place.latlng, Object.assign({ renderer: vectors }, placeStyle(model, place)));
        place.layer.bindTooltip(function () {
          return el('span', { dir: 'auto', text: short(place.name, 80) + ' \u00b7 ' + plural(place.mentionCount, 'mention') });
        });
        place.layer.on('click', function () { openPlace(place); });
      }
      return place.layer;
    }

    function placeShown(place) {
      if (filters.doc && !place.docs.has(filters.doc)) return false;
      if (place.kind && !filters.kinds.has(place.kind)) return false;
      return inDateRange(place.firstDate, place.lastDate);
    }

    function claimShown(claim) {
      if (filters.doc && claim.doc !== filters.doc) return false;
      if (!filters.verdicts.has(claim.verdict)) return false;
      return inDateRange(claim.date, claim.date);
    }

    function inDateRange(first, last) {
      if (!first) return filters.undated;
      if (filters.from && last < filters.from) return false;
      if (filters.to && first > filters.to) return false;
      return true;
    }

    /** Draws the places of the current view, thinned where they pile up. */
    function drawPlaces() {
      var view = map.getBounds().pad(0.3);
      var zoom = map.getZoom();
      var inView = state.shownPlaces.filter(function (p) { return view.contains(p.latlng); });
      var chosen = inView;
      if (inView.length > DRAW_ALL_UP_TO) {
        var cells = new Set();
        chosen = inView.filter(function (p) {
          var point = map.project(p.latlng, zoom);
          var cell = Math.floor(point.x / CELL_PX) + ',' + Math.floor(point.y / CELL_PX);
          if (cells.has(cell)) return false;
          cells.add(cell);
          return true;
        });
      }
      if (state.pinned && chosen.indexOf(state.pinned) < 0) chosen.push(state.pinned);
      syncLayers(placesGroup, chosen.map(placeLayer));
      labelPlaces(chosen, zoom);
      panel.showStatus(chosen.length, inView.length, state.shownPlaces.length, state.shownClaims.length);
    }

    /** Names beside the drawn places, most-mentioned first, leaving out a
     * name that would overlap one already written. */
    function labelPlaces(drawn, zoom) {
      var namedIsos = new Set();
      var labels = [];
      if (drawn.length > LABEL_UP_TO) drawn = [];
      var boxes = [];
      drawn.forEach(function (place) {
        var point = map.project(place.latlng, zoom);
        var radius = placeRadius(place.mentionCount);
        var text = short(place.name, 40);
        var box = { left: point.x + radius + 1, top: point.y - 8, right: point.x + radius + 5 + text.length * 7.2, bottom: point.y + 8 };
        var clash = boxes.some(function (b) {
          return box.left < b.right && b.left < box.right && box.top < b.bottom && b.top < box.bottom;
        });
        if (clash) return;
        boxes.push(box);
        if (!place.label) {
          place.label = L.marker(place.latlng, {
            pane: 'gm-place-labels', interactive: false, keyboard: false,
            icon: L.divIcon({
              className: 'gm-place-label', iconSize: null,
              html: el('span', { dir: 'auto', style: 'left:' + (radius + 3) + 'px', text: text }),
            }),
          });
        }
        labels.push(place.label);
        if (place.kind === 'country' && place.props.country) namedIsos.add(str(place.props.country));
      });
      syncLayers(labelsGroup, labels);
      labelCountries(namedIsos);
    }

    function applyFilters() {
      refilter();
      redraw();
    }

    function refilter() {
      state.shownPlaces = model.placesByWeight.filter(placeShown);
      state.shownClaims = model.claims.filter(claimShown);
    }

    function redraw() {
      // Claims first, then places: one canvas draws in order of adding, so
      // places stay above the lines and areas of their own claims.
      placesGroup.clearLayers();
      claimsGroup.clearLayers();
      state.shownClaims.forEach(function (c) { if (c.layer) claimsGroup.addLayer(c.layer); });
      panel.showClaims(state.shownClaims);
      drawPlaces();
    }

    function shownBounds() {
      var bounds = L.latLngBounds([]);
      state.shownPlaces.forEach(function (p) { bounds.extend(p.latlng); });
      state.shownClaims.forEach(function (c) { if (c.layer) bounds.extend(c.bounds); });
      return bounds;
    }

    function fitTo(bounds) {
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 9, animate: false });
      else map.setView([30, 20], 2, { animate: false });
    }

    // Popups stand alone rather than being bound to layers, because level
    // of detail removes and re-adds place layers while a popup is open.
    function popup(latlng, content) {
      state.popup = L.popup({ maxWidth: 380, minWidth: 240, maxHeight: 360, autoPanPadding: [24, 24], className: 'gm-popup' })
        .setLatLng(latlng).setContent(content);
      state.popup.openOn(map);
    }

    function openPlace(place) {
      state.pinned = place; // drawn whatever the level of detail, while open
      selectClaim(null);
      popup(place.latlng, placeDetails(model, place));
    }

    function openClaim(claim, latlng) {
      state.pinned = null;
      selectClaim(claim);
      // From the list: the popup's tip at the claim's north edge, so that
      // the popup sits above the claim instead of on it.
      popup(latlng || L.latLng(claim.bounds.getNorth(), claim.bounds.getCenter().lng), claimDetails(model, claim));
    }

    function selectClaim(claim) {
      if (state.selectedClaim && state.selectedClaim.layer) {
        state.selectedClaim.layer.setStyle(claimStyle(model, state.selectedClaim));
      }
      state.selectedClaim = claim;
      if (claim && claim.layer) {
        var style = claimStyle(model, claim);
        claim.layer.setStyle({ weight: style.weight + 2 });
      }
    }

    function choosePlace(place) {
      var zoom = Math.max(map.getZoom(), KIND_ZOOM[place.kind] || 8);
      state.pinned = place;
      map.setView(place.latlng, zoom, { animate: false });
      drawPlaces();
      openPlace(place);
    }

    function chooseClaim(claim) {
      if (!claim.layer) {
        map.closePopup();
        selectClaim(null);
        panel.showClaimDetails(claimDetails(model, claim));
        return;
      }
      panel.showClaimDetails(null);
      // Room above the claim for its popup.
      map.fitBounds(claim.bounds, { paddingTopLeft: [60, 240], paddingBottomRight: [60, 40], maxZoom: 8, animate: false });
      openClaim(claim, null);
    }

    map.on('popupclose', function (e) {
      if (e.popup !== state.popup) return; // replaced by a newer one
      state.pinned = null;
      selectClaim(null);
    });

    refilter();
    fitTo(shownBounds());
    redraw();
    map.on('moveend', drawPlaces);

    // Two frames: the canvas draws on the next frame after the layers are in.
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        var body = document.body.dataset;
        body.geomentionPlaces = String(model.placesByWeight.length);
        body.geomentionClaims = String(claimsDrawn + model.claims.filter(function (c) { return !c.layer; }).length);
        body.geomentionReadyMs = String(Math.round(performance.now()));
        body.geomentionReady = 'true';
      });
    });
  }

  // ----------------------------------------------------------------- panel

  /** The side panel. Calls back on user actions; the map is not its business. */
  function buildPanel(root, model, on, filters) {
    var verdictCounts = {};
    VERDICTS.forEach(function (v) { verdictCounts[v] = 0; });
    model.claims.forEach(function (c) { verdictCounts[c.verdict]++; });
    var kindCounts = {};
    model.places.forEach(function (p) { kindCounts[p.kind] = (kindCounts[p.kind] || 0) + 1; });
    var mentionTotal = model.places.reduce(function (sum, p) { return sum + p.mentionCount; }, 0);

    appendAll(root, [
      el('a', { class: 'gm-skip', href: '#gm-claims-heading', text: 'Skip to the list of claims' }),
      el('header', { class: 'gm-header' },
        el('h1', { dir: 'auto', text: model.title }),
        model.generator ? el('p', { class: 'gm-generator', text: 'made by ' + model.generator }) : null),
      model.trimmed !== null
        ? el('p', { class: 'gm-notice', role: 'note' },
          'Mention lists were cut to the first ' + fmt(model.trimmed) +
          ' per place to keep this page small; counts are exact.')
        : null,
      el('dl', { class: 'gm-counts' },
        el('div', null, el('dt', { text: 'Places' }), el('dd', { text: fmt(model.places.length) })),
        el('div', null, el('dt', { text: 'Mentions' }), el('dd', { text: fmt(mentionTotal) })),
        el('div', null, el('dt', { text: 'Claims' }), el('dd', { text: fmt(model.claims.length) })),
        VERDICTS.map(function (v) {
          return el('div', { class: 'gm-count-verdict' }, el('dt', null, verdictBadge(model, v)), el('dd', { text: fmt(verdictCounts[v]) }));
        }))]);

    var search = buildSearch(model, on.onChoosePlace);
    root.append(search);

    var status = el('p', { class: 'gm-status', 'aria-live': 'polite' });
    root.append(buildFilters(model, filters, kindCounts, verdictCounts, on), status);

    var details = el('section', { class: 'gm-selected', hidden: true, 'aria-label': 'Selected claim', tabindex: '-1' });
    var claimList = el('ul', { class: 'gm-claims' });
    var moreButton = el('button', { type: 'button', class: 'gm-more-button', hidden: true });
    var claimsHeading = el('h2', { id: 'gm-claims-heading', tabindex: '-1' });
    root.append(el('section', { class: 'gm-claims-section', 'aria-labelledby': 'gm-claims-heading' },
      claimsHeading, details, claimList, moreButton));
    root.append(buildLegend(model));
    root.append(el('p', { class: 'gm-footnote' },
      model.mentionsCap !== null ? 'Each place lists at most ' + fmt(model.mentionsCap) + ' mentions; counts are exact. ' : null,
      'Country outlines are simplified. Places and claims come from automatic reading of the articles: check them against the text.'));

    var listed = [];
    var listedUpTo = 0;
    function listMore() {
      var next = listed.slice(listedUpTo, listedUpTo + CLAIM_PAGE);
      next.forEach(function (claim) { claimList.append(claimItem(model, claim, on.onChooseClaim)); });
      listedUpTo += next.length;
      var left = listed.length - listedUpTo;
      moreButton.hidden = left <= 0;
      moreButton.textContent = 'Show ' + fmt(Math.min(left, CLAIM_PAGE)) + ' more of ' + fmt(left);
    }
    moreButton.addEventListener('click', listMore);

    return {
      showClaims: function (claims) {
        listed = claims;
        listedUpTo = 0;
        claimList.textContent = '';
        claimsHeading.textContent = claims.length === model.claims.length
          ? 'Claims (' + fmt(claims.length) + ')'
          : 'Claims (' + fmt(claims.length) + ' of ' + fmt(model.claims.length) + ')';
        if (!model.claims.length) claimList.append(el('li', { class: 'gm-empty', text: 'No distance or area claims in these documents.' }));
        listMore();
      },
      showStatus: function (drawn, inView, shown, claims) {
        var text = 'Showing ' + fmt(shown) + ' of ' + plural(model.placesByWeight.length, 'place') + ' and ' +
          fmt(claims) + ' of ' + plural(model.claims.length, 'claim') + '.';
        if (drawn < inView) text += ' Where places pile up, only the most-mentioned are drawn: zoom in for the others.';
        status.textContent = text;
      },
      showClaimDetails: function (content) {
        details.textContent = '';
        details.hidden = !content;
        if (!content) return;
        details.append(content, el('button', {
          type: 'button', class: 'gm-close', text: 'Close',
          onclick: function () { details.hidden = true; details.textContent = ''; },
        }));
        details.focus();
      },
    };
  }

  function claimItem(model, claim, onChoose) {
    var stated = statedText(claim.props);
    var measured = measuredText(claim.props);
    return el('li', null, el('button', { type: 'button', class: 'gm-claim', onclick: function () { onChoose(claim); } },
      el('span', { class: 'gm-claim-head' }, verdictBadge(model, claim.verdict),
        claim.layer ? null : el('span', { class: 'gm-nothing', text: 'nothing to draw' })),
      el('span', { class: 'gm-claim-title', dir: 'auto', text: short(claimHeading(claim), 120) }),
      el('span', { class: 'gm-claim-words', dir: 'auto', text: short(stated + (measured ? ', ' + measured : ''), 160) }),
      el('span', { class: 'gm-claim-source', dir: 'auto', text: short(claim.doc, 80) + (claim.date ? ' \u00b7 ' + claim.date : '') })));
  }

  /** "Find a place": a combobox listing matching place names. */
  function buildSearch(model, onChoose) {
    var input = el('input', {
      type: 'search', id: 'gm-search', autocomplete: 'off', spellcheck: 'false',
      role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': 'gm-search-results',
    });
    var results = el('ul', { id: 'gm-search-results', role: 'listbox', class: 'gm-search-results', hidden: true, 'aria-label': 'Matching places' });
    var message = el('p', { class: 'gm-search-message', 'aria-live': 'polite' });
    var matches = [];
    var active = -1;

    function find(text) {
      var key = searchKey(text.trim());
      if (!key) return [];
      var starts = [], contains = [];
      for (var i = 0; i < model.placesByWeight.length && starts.length < SEARCH_RESULTS; i++) {
        var place = model.placesByWeight[i];
        var at = place.key.indexOf(key);
        if (at === 0) starts.push(place);
        else if (at > 0 && contains.length < SEARCH_RESULTS) contains.push(place);
      }
      return starts.concat(contains).slice(0, SEARCH_RESULTS);
    }

    function render() {
      results.textContent = '';
      matches.forEach(function (place, i) {
        var facts = [place.kind, str(place.props.country)].filter(Boolean).join(', ');
        results.append(el('li', {
          id: 'gm-search-option-' + i, role: 'option', class: 'gm-option', 'aria-selected': i === active ? 'true' : 'false',
          onmousedown: function (e) { e.preventDefault(); },
          onclick: function () { choose(i); },
        }, el('span', { dir: 'auto', text: short(place.name, 80) }),
        el('span', { class: 'gm-option-facts', text: (facts ? facts + ' \u00b7 ' : '') + plural(place.mentionCount, 'mention') })));
      });
      var open = matches.length > 0;
      results.hidden = !open;
      input.setAttribute('aria-expanded', open ? 'true' : 'false');
      if (active >= 0) input.setAttribute('aria-activedescendant', 'gm-search-option-' + active);
      else input.removeAttribute('aria-activedescendant');
      message.textContent = input.value.trim() && !open ? 'No place of this map matches.' : '';
    }

    function choose(i) {
      var place = matches[i];
      if (!place) return;
      input.value = place.name;
      matches = [];
      active = -1;
      render();
      onChoose(place);
    }

    input.addEventListener('input', function () {
      matches = find(input.value);
      active = matches.length ? 0 : -1;
      render();
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        if (!matches.length) return;
        e.preventDefault();
        active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
        render();
      } else if (e.key === 'Enter') {
        if (active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === 'Escape') {
        matches = [];
        active = -1;
        render();
      }
    });
    input.addEventListener('blur', function () {
      matches = [];
      active = -1;
      render();
    });

    return el('div', { class: 'gm-search', role: 'search' },
      el('label', { for: 'gm-search', text: 'Find a place' }), input, results, message);
  }

  function buildFilters(model, filters, kindCounts, verdictCounts, on) {
    function changed() { on.onFilter(); }

    var docSelect = el('select', { id: 'gm-doc', onchange: function () { filters.doc = docSelect.value; changed(); } },
      el('option', { value: '', text: 'All documents (' + fmt(model.documents.length) + ')' }),
      model.documents.map(function (d) { return el('option', { value: d, text: short(d, 70) }); }));

    var kindBoxes = KINDS.filter(function (k) { return kindCounts[k]; }).map(function (kind) {
      var sample = { kind: kind, outlier: false };
      return checkbox('gm-kind-' + kind, kind + ' (' + fmt(kindCounts[kind]) + ')', markerSwatch(kindColour(model, sample), false),
        function (checked) { if (checked) filters.kinds.add(kind); else filters.kinds.delete(kind); changed(); });
    });
    var verdictBoxes = VERDICTS.map(function (verdict) {
      return checkbox('gm-verdict-' + verdict, VERDICT_LOOK[verdict].symbol + ' ' + verdict + ' (' + fmt(verdictCounts[verdict]) + ')',
        lineSwatch(verdictColour(model, verdict), VERDICT_LOOK[verdict].dash),
        function (checked) { if (checked) filters.verdicts.add(verdict); else filters.verdicts.delete(verdict); changed(); });
    });

    var dates = null;
    if (model.firstDate && model.firstDate !== model.lastDate) {
      var from = el('input', { type: 'date', id: 'gm-from', min: model.firstDate, max: model.lastDate, value: model.firstDate });
      var to = el('input', { type: 'date', id: 'gm-to', min: model.firstDate, max: model.lastDate, value: model.lastDate });
      var onDate = function () { filters.from = isoDate(from.value) || ''; filters.to = isoDate(to.value) || ''; changed(); };
      from.addEventListener('change', onDate);
      to.addEventListener('change', onDate);
      dates = el('fieldset', null, el('legend', { text: 'Dates' }),
        el('div', { class: 'gm-dates' },
          el('label', { for: 'gm-from', text: 'From' }), from,
          el('label', { for: 'gm-to', text: 'to' }), to),
        checkbox('gm-undated', 'keep places and claims without a date', null,
          function (checked) { filters.undated = checked; changed(); }));
    }

    return el('section', { class: 'gm-filters', 'aria-label': 'Filters' },
      el('div', { class: 'gm-field' }, el('label', { for: 'gm-doc', text: 'Document' }), docSelect),
      kindBoxes.length ? el('fieldset', null, el('legend', { text: 'Places by kind' }), kindBoxes) : null,
      el('fieldset', null, el('legend', { text: 'Claims by verdict' }), verdictBoxes),
      dates,
      el('button', { type: 'button', class: 'gm-fit', text: 'Zoom to what is shown', onclick: on.onFitShown }));
  }

  function checkbox(id, label, swatch, onChange) {
    var box = el('input', { type: 'checkbox', id: id, checked: true });
    box.addEventListener('change', function () { onChange(box.checked); });
    return el('div', { class: 'gm-check' }, box, el('label', { for: id }, swatch, label));
  }

  function markerSwatch(fill, outlier) {
    return svg('svg', { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true', class: 'gm-swatch' },
      svg('circle', { cx: 8, cy: 8, r: 6, fill: fill, stroke: outlier ? '#333' : '#fff', 'stroke-width': 1.5, 'stroke-dasharray': outlier ? '3 2' : null }));
  }

  function lineSwatch(stroke, dash) {
    return svg('svg', { width: 32, height: 16, viewBox: '0 0 32 16', 'aria-hidden': 'true', class: 'gm-swatch' },
      svg('line', { x1: 3, y1: 8, x2: 29, y2: 8, stroke: stroke, 'stroke-width': 3, 'stroke-linecap': 'round', 'stroke-dasharray': dash }));
  }

  function buildLegend(model) {
    var grey = verdictColour(model, 'unverifiable');
    function row(swatch, text) { return el('li', null, swatch, ' ' + text); }
    return el('section', { class: 'gm-legend', 'aria-label': 'Legend' },
      el('h2', { text: 'Legend' }),
      el('ul', null,
        row(markerSwatch(model.palette.outlier, true), 'outlier: far from its document\u2019s other places'),
        row(svg('svg', { width: 28, height: 16, viewBox: '0 0 28 16', 'aria-hidden': 'true', class: 'gm-swatch' },
          svg('circle', { cx: 5, cy: 8, r: 3, fill: '#888' }), svg('circle', { cx: 18, cy: 8, r: 7, fill: '#888' })),
        'marker size: number of mentions'),
        row(svg('svg', { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true', class: 'gm-swatch' },
          svg('circle', { cx: 8, cy: 8, r: 5, fill: '#fff', stroke: grey, 'stroke-width': 3 })), 'claim about one known place'),
        row(svg('svg', { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true', class: 'gm-swatch' },
          svg('circle', { cx: 8, cy: 8, r: 6, fill: grey, 'fill-opacity': 0.15, stroke: grey, 'stroke-width': 1.5 })),
        'ring: \u201cwithin N km\u201d, or an area drawn as a circle')));
  }

  // ----------------------------------------------------------------- start

  function fail(message) {
    var body = document.body;
    body.dataset.geomentionError = message;
    var panel = document.getElementById('gm-panel');
    var box = el('div', { class: 'gm-error', role: 'alert' },
      el('h1', { text: 'This map cannot be shown' }),
      el('p', { text: 'The page could not read its map: ' + message + '.' }));
    if (panel) panel.prepend(box); else body.prepend(box);
  }

  try {
    if (typeof L === 'undefined') throw new DataError('the map library is missing from the page');
    start(readData());
  } catch (e) {
    fail(e instanceof DataError ? e.message : 'unexpected error: ' + (e && e.message));
    if (!(e instanceof DataError)) throw e;
  }
})();
