// Maps without the internet (issue 10): a local MBTiles basemap (tiles_mbtiles) served at
// /tiles/{z}/{x}/{y}, pre-cached around a place by the service worker, and shown by the
// field app's map while the phone is offline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, launchBrowser, PHONE } from "./lib/server.mjs";

const HERE = { lat: 57.7210, lon: 12.9401 };
const Z = 17;
const tx = (lon, z) => Math.floor((lon + 180) / 360 * 2 ** z);
const ty = (lat, z) => { const r = lat * Math.PI / 180; return Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * 2 ** z); };
const X = tx(HERE.lon, Z), Y = ty(HERE.lat, Z);

let srv, browser, dir;
before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "trygg-tiles-"));
  const file = path.join(dir, "boras.mbtiles");
  // 7x7 tiles around the phone at zoom 17, written with the HTTP tests' helper (TMS rows).
  const tiles = [];
  for (let dx = -3; dx <= 3; dx++) for (let dy = -3; dy <= 3; dy++) tiles.push([Z, X + dx, Y + dy]);
  execFileSync("python3", ["-c", `
import sys, json
sys.path.insert(0, ${JSON.stringify(path.resolve("../http"))})
from test_tiles import make_mbtiles, png
make_mbtiles(sys.argv[1], {tuple(t): png(230, 200, 90) for t in json.loads(sys.argv[2])})
`, file, JSON.stringify(tiles)]);
  srv = await startServer({ config: `tiles_mbtiles = ${file}\ntile_attribution = Testkarta\n` });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); rmSync(dir, { recursive: true, force: true }); });

test("the tiles around a place are kept by the service worker and the map shows them offline", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).waitFor();
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // What a walk's page asks for: the tiles covering its bounds (here: the phone's block).
  const asked = await page.evaluate(async (h) => {
    const m = await import("/static/tilecache.js");
    const done = new Promise((resolve) => navigator.serviceWorker.addEventListener("message", (e) => {
      if (e.data && e.data.type === "precache-tiles-done") resolve(e.data.count);
    }));
    const d = 0.001;
    const n = await m.precache({ url: "/tiles/{z}/{x}/{y}" }, L.latLngBounds([h.lat - d, h.lon - d], [h.lat + d, h.lon + d]));
    return { n, done: await done };
  }, HERE);
  assert.ok(asked.n > 0 && asked.n <= 400, JSON.stringify(asked));
  assert.equal(asked.done, asked.n);

  await context.setOffline(true);
  // Offline: a kept tile comes from the service worker, with its caching headers.
  const kept = await page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, type: r.headers.get("content-type"), etag: r.headers.get("etag") };
  }, `/tiles/${Z}/${X}/${Y}`);
  assert.deepEqual({ status: kept.status, type: kept.type }, { status: 200, type: "image/png" });
  assert.ok(kept.etag);

  // The report form's map at the phone's position draws its basemap from those tiles.
  await page.reload();
  await page.getByRole("button", { name: "Belysning" }).click();
  await page.getByText(/ungefär ±12 m/).waitFor();
  await page.waitForFunction((z) => {
    const imgs = [...document.querySelectorAll("#pick-map img.leaflet-tile")].filter((i) => i.src.includes(`/tiles/${z}/`));
    return imgs.some((i) => i.complete && i.naturalWidth > 0);
  }, Z);
  await context.close();
});

test("tiles: outside the file is 404, and tile_url keeps working as before without tiles_mbtiles", async () => {
  const r = await fetch(`${srv.base}/tiles/${Z}/${X + 100}/${Y}`);
  assert.equal(r.status, 404);
  const cfg = await (await fetch(`${srv.base}/api/v1/config`)).json();
  assert.equal(cfg.tiles.url, "/tiles/{z}/{x}/{y}");
});
