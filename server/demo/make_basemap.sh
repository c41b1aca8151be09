#!/bin/sh
# Builds a small offline basemap for the Borås demo from the municipality and area
# outlines with GDAL, as an MBTiles file that trygg serves at /tiles/{z}/{x}/{y}
# (tiles_mbtiles). Not a real map: a light background, the areas tinted, their
# outlines drawn, so the demo map is not a blank grey. A municipality with its own
# raster (orthophoto, base map) makes its file the same way: README, "Offline maps".
#   server/demo/make_basemap.sh [OUT.mbtiles]
# Without gdal-bin it says so and exits 0: the product works without a basemap.
set -eu
out=${1:-data/boras.mbtiles}
here=$(cd "$(dirname "$0")" && pwd)
for tool in ogr2ogr ogrinfo gdal_rasterize gdal_translate gdaladdo; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make_basemap: $tool missing (apt-get install gdal-bin); no basemap" >&2; exit 0; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Everything in Web Mercator (EPSG:3857), the tiles' own projection.
ogr2ogr -f GPKG -fieldTypeToString RealList -t_srs EPSG:3857 "$tmp/muni.gpkg" "$here/boras-kommun.geojson" -nln muni
ogr2ogr -f GPKG -fieldTypeToString RealList -t_srs EPSG:3857 "$tmp/areas.gpkg" "$here/areas.geojson" -nln areas
ogr2ogr -f GPKG -fieldTypeToString RealList -t_srs EPSG:3857 -nlt MULTILINESTRING "$tmp/lines.gpkg" "$here/areas.geojson" -nln lines
ogr2ogr -f GPKG -fieldTypeToString RealList -t_srs EPSG:3857 -nlt MULTILINESTRING "$tmp/border.gpkg" "$here/boras-kommun.geojson" -nln border

# The municipality's extent with a margin of 2 km.
ext=$(ogrinfo -so -al "$tmp/muni.gpkg" | sed -n 's/^Extent: (\(.*\), \(.*\)) - (\(.*\), \(.*\))$/\1 \2 \3 \4/p')
set -- $ext
xmin=$(awk "BEGIN{print $1 - 2000}"); ymin=$(awk "BEGIN{print $2 - 2000}")
xmax=$(awk "BEGIN{print $3 + 2000}"); ymax=$(awk "BEGIN{print $4 + 2000}")

# 19.1 m a pixel: zoom 13 of the web's tile pyramid.
res=19.109257
gdal_rasterize -q -of GTiff -ot Byte -te "$xmin" "$ymin" "$xmax" "$ymax" -tr $res $res \
  -init 226 -init 230 -init 224 -burn 246 -burn 246 -burn 240 -a_srs EPSG:3857 \
  -l muni "$tmp/muni.gpkg" "$tmp/base.tif"
gdal_rasterize -q -b 1 -b 2 -b 3 -burn 232 -burn 241 -burn 247 -l areas "$tmp/areas.gpkg" "$tmp/base.tif"
gdal_rasterize -q -b 1 -b 2 -b 3 -burn 11 -burn 61 -burn 92 -l lines "$tmp/lines.gpkg" "$tmp/base.tif"
gdal_rasterize -q -b 1 -b 2 -b 3 -burn 90 -burn 90 -burn 90 -l border "$tmp/border.gpkg" "$tmp/base.tif"

mkdir -p "$(dirname "$out")"
rm -f "$out"
gdal_translate -q -of MBTiles -co TILE_FORMAT=PNG -co NAME="Borås demo" "$tmp/base.tif" "$out"
gdaladdo -q -r average "$out" 2 4 8 16 32
echo "make_basemap: wrote $out"
