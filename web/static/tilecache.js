/*
 * trygg — keeps the basemap tiles around a walk on the phone: asks the service
 * worker (sw.js) to fetch a bounded number of the local basemap's tiles
 * (/tiles/{z}/{x}/{y}, tiles_mbtiles) that cover the walk's bounds, so the map
 * still shows streets when the network drops during the walk. Outside tile
 * servers are left alone (their terms rarely allow bulk downloads).
 */

/* At most this many tiles per walk: about 5–10 MB of PNG. */
export const MAX_TILES = 400;

function tileX(lon, z) { return Math.floor((lon + 180) / 360 * Math.pow(2, z)); }
function tileY(lat, z) {
  const r = lat * Math.PI / 180;
  return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * Math.pow(2, z));
}

/*
 * The tile URLs covering bounds ({west, south, east, north} in degrees) from
 * zoom minZoom up, for template "/tiles/{z}/{x}/{y}", stopping before a zoom
 * level that would go over max tiles in all.
 */
export function tileUrls(template, bounds, minZoom, maxZoom, max) {
  const urls = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const x0 = tileX(bounds.west, z), x1 = tileX(bounds.east, z);
    const y0 = tileY(bounds.north, z), y1 = tileY(bounds.south, z);
    if (urls.length + (x1 - x0 + 1) * (y1 - y0 + 1) > max) break;
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) urls.push(template.replace("{z}", z).replace("{x}", x).replace("{y}", y));
    }
  }
  return urls;
}

/* Asks the service worker to keep the tiles around L.LatLngBounds b; resolves to the count asked for. */
export function precache(tiles, b) {
  if (!tiles || !tiles.url || tiles.url.charAt(0) !== "/" || !b || !b.isValid || !b.isValid()) return Promise.resolve(0);
  if (!("serviceWorker" in navigator)) return Promise.resolve(0);
  const bounds = { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() };
  const urls = tileUrls(tiles.url, bounds, 12, 18, MAX_TILES);
  return navigator.serviceWorker.ready.then((reg) => {
    if (reg.active) reg.active.postMessage({ type: "precache-tiles", urls: urls });
    return urls.length;
  });
}
