#!/usr/bin/env bash
# Refreshes the map library that the HTML map page inlines
# (viewer/vendor/leaflet/) from its npm package, pinned by version and by the
# tarball's SHA-512 integrity, so the vendored bytes can be re-derived and
# checked by anyone with npm.
#
#   bash scripts/vendor_viewer.sh
#
# The page must make no request at all, so two things are taken out of the
# published files (and nothing else is changed):
#   - leaflet.css: every declaration with url(...) (the layers-control and
#     default-marker PNGs, which the page does not use, and an old-IE VML
#     behaviour);
#   - leaflet.js: the trailing sourceMappingURL comment.
# To move to another version, change VERSION and INTEGRITY together (take
# INTEGRITY from `npm view leaflet@VERSION dist.integrity`), run this script
# and update viewer/vendor/README.md.
set -euo pipefail

NAME=leaflet
VERSION=1.9.4
INTEGRITY=sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest=$root/viewer/vendor/$NAME
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$NAME@$VERSION" >/dev/null)
tarball=$work/$NAME-$VERSION.tgz

actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "vendor_viewer: $NAME@$VERSION integrity mismatch: got $actual" >&2
  exit 1
fi

tar -xzf "$tarball" -C "$work"
mkdir -p "$dest"
cp "$work/package/LICENSE" "$dest/LICENSE"
grep -v 'url(' "$work/package/dist/leaflet.css" >"$dest/leaflet.css"
grep -v '^//# sourceMappingURL=' "$work/package/dist/leaflet.js" >"$dest/leaflet.js"

# The files are inlined into <script> and <style> elements: a closing tag
# would end the element early, and a url(...) left in the CSS would fetch.
if grep -qi '</script' "$dest/leaflet.js" || grep -qiE '</style|url\(' "$dest/leaflet.css"; then
  echo "vendor_viewer: vendored files contain a closing tag or url(...)" >&2
  exit 1
fi
echo "vendored $NAME@$VERSION into ${dest#"$root"/}"
