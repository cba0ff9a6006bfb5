#!/usr/bin/env python3
"""Opens a geomention GeoPackage (and optionally a GeoJSON map with its
--styles sidecars) in QGIS, headless, as a user would: each layer with
its default style, and reports what QGIS made of it: the renderer and its
categories, the temporal settings, the relations QGIS discovers, and a
PNG of the map to look at.

Not part of scripts/test.sh: QGIS is a large install for CI, whose check
of the GeoPackage is GDAL's (tests/it/gpkg.rs). Run it by hand after
changing the styles:

    apt-get install -y --no-install-recommends qgis python3-qgis
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/qgis-check.py map.gpkg [map.geojson] [out.png]

Exits non-zero when a layer does not load, or loads without geomention's
style.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

FEATURE_LAYERS = {
    # layer: (renderer type, attribute or expression it categorizes by)
    "places": ("categorizedSymbol", "if(\"outlier\", 'outlier', \"kind\")"),
    "claims": ("categorizedSymbol", "verdict"),
    "claim_points": ("categorizedSymbol", "verdict"),
    "claim_areas": ("categorizedSymbol", "verdict"),
}
ATTRIBUTE_LAYERS = ["unplaced_claims", "mentions", "documents"]


def describe(layer):
    r = layer.renderer()
    kind = r.type() if r else None
    line = f"{layer.name()}: {layer.featureCount()} features, renderer {kind}"
    if kind == "categorizedSymbol":
        cats = [(c.value(), c.symbol().color().name()) for c in r.categories()]
        line += f" by {r.classAttribute()!r}: {cats}"
        for c in r.categories():
            for sl in c.symbol().symbolLayers():
                props = sl.properties()
                style = props.get("line_style") or props.get("outline_style")
                dd = sl.dataDefinedProperties()
                sized = dd.hasActiveProperties()
                line += f"\n    {c.value()}: {sl.layerType()} style={style} data-defined={sized}"
    elif kind == "RuleRenderer":
        rules = [(x.label(), x.filterExpression()) for x in r.rootRule().children()]
        line += f" rules: {rules}"
    t = layer.temporalProperties()
    line += f"\n    temporal: active={t.isActive()} mode={int(t.mode())} " \
            f"start={t.startField()!r} end={t.endField()!r} " \
            f"start_expr={t.startExpression()!r}"
    line += f"\n    display expression: {layer.displayExpression()!r}, map tip: {layer.mapTipTemplate()!r}"
    return line


def render(layers, extent, png):
    """Draws `layers` (the first on top) over `extent` into `png`."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    extent.scale(1.1)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1400, 800))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(png)
    print(f"rendered {png}")


def main(argv):
    gpkg = argv[1]
    geojson = argv[2] if len(argv) > 2 and argv[2].endswith("json") else None
    png = argv[-1] if argv[-1].endswith(".png") else None
    app = QgsApplication([], False)
    app.initQgis()
    failed = []
    layers = []
    for name, (renderer, attr) in FEATURE_LAYERS.items():
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        if not layer.isValid():
            failed.append(f"{name}: does not load")
            continue
        print(describe(layer))
        r = layer.renderer()
        if r.type() != renderer or r.classAttribute() != attr:
            failed.append(f"{name}: renderer {r.type()} {getattr(r, 'classAttribute', lambda: '')()!r}")
        if not layer.temporalProperties().isActive():
            # QGIS (3.22 here, and its current source too) resets a layer's temporal
            # settings to its provider's after loading the default style;
            # Layer Properties > Style > Restore Default applies them.
            message, ok = layer.loadDefaultStyle()
            active = layer.temporalProperties().isActive()
            print(f"    temporal after Restore Default ({message}): active={active}")
            if not (ok and active):
                failed.append(f"{name}: temporal properties off")
        layers.append(layer)
    for name in ATTRIBUTE_LAYERS:
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        if not layer.isValid():
            failed.append(f"{name}: does not load")
            continue
        print(f"{name}: {layer.featureCount()} rows, fields "
              f"{[(f.name(), f.typeName()) for f in layer.fields()]}")
        layers.append(layer)
    project = QgsProject.instance()
    project.addMapLayers(layers)
    relations = project.relationManager().discoverRelations([], layers)
    for rel in relations:
        print(f"relation discovered: {rel.name()} {rel.referencedLayer().name()}"
              f" <- {rel.referencingLayer().name()} {rel.fieldPairs()}")
    if not relations:
        print("no relation discovered")
    if geojson:
        for kind, geometry in [("point", "Point"), ("line", "LineString"), ("polygon", "Polygon")]:
            layer = QgsVectorLayer(f"{geojson}|geometrytype={geometry}", f"geojson {kind}", "ogr")
            qml = os.path.splitext(geojson)[0] + f".{kind}.qml"
            message, ok = layer.loadNamedStyle(qml)
            print(f"geojson {kind}: valid={layer.isValid()} style {qml}: {ok} {message}")
            if not (layer.isValid() and ok):
                failed.append(f"geojson {kind}: {message}")
            else:
                print("  " + describe(layer))
    if png:
        drawn = [lyr for lyr in layers if lyr.isSpatial()]
        everything = QgsRectangle()
        for lyr in drawn:
            if lyr.featureCount() > 0:
                everything.combineExtentWith(lyr.extent())
        claims = QgsRectangle()
        for lyr in drawn:
            if lyr.name() != "places" and lyr.featureCount() > 0:
                claims.combineExtentWith(lyr.extent())
        render(drawn, everything, png)
        if not claims.isEmpty():
            render(drawn, claims, png[:-4] + "-claims.png")
    app.exitQgis()
    for f in failed:
        print(f"FAILED {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
