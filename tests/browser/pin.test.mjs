// Placing the pin (issue 10): area labels that never overlap at municipality zoom, the
// pin's position in words under the map, the centre crosshair, and a pin moved with the
// arrow keys. Phone size 412x915, driven by accessible names.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, PHONE, ARTIFACTS, axe } from "./lib/server.mjs";

const PHONE_412 = { ...PHONE, viewport: { width: 412, height: 915 } };
const R = 6371008.8; // the sphere of the server's haversine (geo/distance.h)
const rad = (d) => d * Math.PI / 180;
function haversine(a, b) {
  const s = Math.sin(rad(b.lat - a.lat) / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lon - a.lon) / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(s));
}

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

// The screen boxes of the area labels: every one, and the ones shown.
function labelBoxes(page) {
  return page.evaluate(() => [...document.querySelectorAll("#pick-map .area-label")].map((n) => {
    const r = n.getBoundingClientRect();
    return { name: n.textContent, state: n.getAttribute("data-label"), visible: getComputedStyle(n).visibility !== "hidden", left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }));
}
const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
function overlappingPairs(boxes) {
  const pairs = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++)
    if (overlap(boxes[i], boxes[j])) pairs.push(boxes[i].name + "/" + boxes[j].name);
  return pairs;
}
// Waits until the labels were laid out again after a zoom that has finished.
async function zoomAndWait(page, button) {
  const before = await page.getAttribute("#pick-map", "data-area-layouts");
  await page.getByRole("button", { name: button }).click();
  await page.waitForFunction((b) => {
    const m = document.getElementById("pick-map");
    return m.getAttribute("data-area-layouts") !== b && !m.classList.contains("leaflet-zoom-anim");
  }, before);
}

test("at municipality zoom no two visible area labels overlap, and every area is in the list", async (t) => {
  // No position: the map stays on the whole municipality.
  const context = await browser.newContext({ ...PHONE_412, permissions: [], geolocation: undefined });
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).click();
  await page.getByRole("heading", { name: "Var är det?" }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll("#pick-map .area-label").length === 9 &&
    document.getElementById("pick-map").hasAttribute("data-area-labels"));

  // The demo's nine areas crowd each other at this zoom: all shown, their names would collide.
  let boxes = await labelBoxes(page);
  assert.ok(overlappingPairs(boxes).length > 0, "the test needs labels that would collide: " + JSON.stringify(boxes));
  assert.deepEqual(overlappingPairs(boxes.filter((b) => b.visible)), []);
  t.diagnostic(`municipality zoom: ${boxes.filter((b) => b.visible).length} of ${boxes.length} labels shown; ` +
    `${overlappingPairs(boxes).length} pairs would overlap if all were shown; states ${JSON.stringify(boxes.map((b) => b.state))}`);
  await page.screenshot({ path: path.join(ARTIFACTS, "pin-1-labels-municipality.png") });

  // Zoomed in step by step: laid out again each time, never overlapping; names appear where they fit.
  let most = 0, collided = 0;
  for (let step = 1; step <= 4; step++) {
    await zoomAndWait(page, "Zoom in");
    boxes = await labelBoxes(page);
    const visible = boxes.filter((b) => b.visible);
    assert.deepEqual(overlappingPairs(visible), [], "zoom step " + step);
    const map = await page.locator("#pick-map").boundingBox();
    for (const b of visible) assert.ok(b.left >= map.x && b.right <= map.x + map.width && b.top >= map.y && b.bottom <= map.y + map.height, JSON.stringify(b));
    most = Math.max(most, visible.length);
    collided += boxes.filter((b) => b.state === "collides").length;
    t.diagnostic(`zoom step ${step}: ${visible.length} shown; states ${JSON.stringify(boxes.map((b) => b.name + ":" + b.state))}`);
  }
  assert.ok(most >= 2, "names appear when zoomed in");

  // The list names all nine; choosing one shows it, with its label.
  await page.getByText("Områden på kartan (9)").click();
  const items = page.getByRole("list").filter({ has: page.getByRole("button", { name: "Norrby" }) }).getByRole("button");
  assert.equal(await items.count(), 9);
  await page.getByRole("button", { name: "Sandared" }).click();
  await page.waitForFunction(() => [...document.querySelectorAll("#pick-map .area-label")]
    .some((n) => n.textContent === "Sandared" && n.getAttribute("data-label") === "shown"));
  boxes = await labelBoxes(page);
  assert.ok(boxes.find((b) => b.name === "Sandared").visible, JSON.stringify(boxes));
  assert.deepEqual(overlappingPairs(boxes.filter((b) => b.visible)), []);
  assert.deepEqual(await axe(page), []);
  await context.close();
});

// The coordinates shown behind the "Koordinater" disclosure.
async function shownCoords(page) {
  const text = await page.locator("#pin-coords-text").textContent();
  const m = text.match(/WGS 84: (-?\d+\.\d{6}), (-?\d+\.\d{6})/);
  assert.ok(m, text);
  return { lat: Number(m[1]), lon: Number(m[2]) };
}

test("the pin's place is said in words, follows the arrow keys, and the crosshair marks where the centre button puts it", async () => {
  const context = await browser.newContext(PHONE_412);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).click();
  // GPS: 57.7210, 12.9401 — about 37 m east-north-east of Stora torget (57.7209, 12.9395).
  const place = page.getByRole("status").filter({ hasText: "Stora torget" });
  await page.getByText("Centrum, 40 m öster om Stora torget", { exact: true }).waitFor();
  assert.equal(await place.count(), 1);
  await page.getByText("Koordinater").click();
  const start = await shownCoords(page);
  assert.deepEqual(start, { lat: 57.721, lon: 12.9401 });

  // The pin is a button with a name, moved 5 m a press.
  const pin = page.getByRole("button", { name: "Nålen – flytta den med piltangenterna" });
  await pin.focus();
  for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowLeft");
  await page.getByText("Centrum, 10 m norr om Stora torget", { exact: true }).waitFor();
  const left = await shownCoords(page);
  assert.ok(Math.abs(haversine(start, left) - 35) < 0.2, JSON.stringify(left));
  assert.ok(Math.abs(left.lat - start.lat) <= 1e-6 && left.lon < start.lon);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), "Nålen – flytta den med piltangenterna");

  // ArrowRight 8 times: 40 m east; Shift+ArrowUp: 25 m north.
  for (let i = 0; i < 8; i++) await page.keyboard.press("ArrowRight");
  await page.waitForFunction((lon) => !document.getElementById("pin-coords-text").textContent.includes(lon), left.lon.toFixed(6));
  const east = await shownCoords(page);
  assert.ok(Math.abs(haversine(left, east) - 40) < 0.2, `moved ${haversine(left, east)} m`);
  assert.ok(Math.abs(east.lat - left.lat) <= 1e-6 && east.lon > left.lon);
  await page.keyboard.press("Shift+ArrowUp");
  await page.waitForFunction((lat) => !document.getElementById("pin-coords-text").textContent.includes(lat), east.lat.toFixed(6));
  const north = await shownCoords(page);
  assert.ok(Math.abs(haversine(east, north) - 25) < 0.2, `moved ${haversine(east, north)} m`);
  assert.ok(Math.abs(north.lon - east.lon) <= 1e-6 && north.lat > east.lat);
  await page.getByText(/^Centrum, \d+ m (nordost|norr|öster) om Stora torget$/).waitFor();

  // The crosshair sits exactly in the middle of the map.
  const cross = await page.locator(".map-crosshair").boundingBox();
  const map = await page.locator("#pick-map").boundingBox();
  const cx = cross.x + cross.width / 2, cy = cross.y + cross.height / 2;
  assert.ok(Math.abs(cx - (map.x + map.width / 2)) <= 1 && Math.abs(cy - (map.y + map.height / 2)) <= 1,
    JSON.stringify({ cross, map }));
  assert.equal(await page.locator(".map-crosshair").getAttribute("aria-hidden"), "true");

  // Show Norrby, then "put the pin in the middle": the pin's tip is under the crosshair.
  await page.getByText(/^Områden på kartan/).click();
  await page.getByRole("button", { name: "Norrby" }).click();
  await page.waitForFunction(() => !document.getElementById("pick-map").classList.contains("leaflet-zoom-anim"));
  await page.getByRole("button", { name: "Sätt nålen mitt på kartan" }).click();
  await page.getByText(/^Norrby, (vid |\d+ m \S+ om )(Norrby torg|Knalleland)$/).waitFor();
  // Both measured at once (the page may have scrolled): the icon is 36x48 with its tip (the anchor) at (18, 46).
  const at = await page.evaluate(() => {
    const c = document.querySelector(".map-crosshair").getBoundingClientRect();
    const p = document.querySelector("#pick-map .pin").getBoundingClientRect();
    return { cx: c.left + c.width / 2, cy: c.top + c.height / 2, tipx: p.left + 18, tipy: p.top + 46, w: p.width, h: p.height };
  });
  assert.ok(at.w === 36 && at.h === 48 && Math.abs(at.tipx - at.cx) <= 1.5 && Math.abs(at.tipy - at.cy) <= 1.5, JSON.stringify(at));
  await page.locator("#pick-map .pin").scrollIntoViewIfNeeded();
  const head = await page.locator("#pick-map .pin").boundingBox();
  await page.screenshot({ path: path.join(ARTIFACTS, "pin-2-centre.png") });

  // Dragging still works and is described too.
  const placed = await shownCoords(page);
  const placedWords = await page.locator("#pin-place").textContent();
  await page.mouse.move(head.x + 18, head.y + 18);
  await page.mouse.down();
  await page.mouse.move(head.x + 58, head.y + 18, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction((lon) => !document.getElementById("pin-coords-text").textContent.includes(lon), placed.lon.toFixed(6));
  const dragged = await shownCoords(page);
  assert.ok(dragged.lon > placed.lon, JSON.stringify({ placed, dragged }));
  // 40 px east at this zoom is tens of metres: the words change too.
  await page.waitForFunction((w) => document.getElementById("pin-place").textContent !== w, placedWords);
  const words = await page.locator("#pin-place").textContent();
  assert.match(words, /^Norrby, /);

  // In English the same answer reads in English.
  await page.getByRole("button", { name: /English/ }).click();
  await page.getByText(/^Norrby, (at |\d+ m [a-z-]+ of )(Norrby torg|Knalleland)$/).waitFor();
  await page.getByRole("button", { name: /Svenska/ }).click();
  await page.getByText(words, { exact: true }).waitFor();
  assert.deepEqual(await axe(page), []);

  // What is sent is what was shown.
  await page.getByRole("button", { name: "Skicka rapport" }).click();
  const done = page.getByText(/Din rapport har nummer \d+/);
  await done.waitFor();
  const id = Number((await done.textContent()).match(/nummer (\d+)/)[1]);
  const o = (await srv.api(`/api/v1/observations/${id}`)).json;
  assert.ok(Math.abs(o.lat - dragged.lat) <= 1e-6 && Math.abs(o.lon - dragged.lon) <= 1e-6, JSON.stringify({ o, dragged }));
  assert.equal(o.area.code, "norrby");
  assert.equal(o.accuracy_m, null);
  assert.deepEqual(errors, []);
  await context.close();
});

test("offline the pin's place falls back to the area from the cached outlines", async () => {
  const context = await browser.newContext(PHONE_412);
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).click();
  await page.getByText("Centrum, 40 m öster om Stora torget", { exact: true }).waitFor();
  await page.route("**/api/v1/places/describe*", (route) => route.abort("internetdisconnected"));
  await page.getByRole("button", { name: "Nålen – flytta den med piltangenterna" }).focus();
  await page.keyboard.press("ArrowLeft");
  await page.getByText("Centrum (utan nät visas bara området)", { exact: true }).waitFor();
  // the decimals stay behind the disclosure, not in the main text
  assert.ok(!/\d\.\d{4}/.test(await page.locator("#pin-place").textContent()));
  await context.close();
});

test("a place chosen on a walk's audit map is said in words, not decimals", async () => {
  const context = await browser.newContext({ ...PHONE_412, permissions: [], geolocation: undefined });
  const page = await context.newPage();
  await page.goto(srv.base + "/w/norrby1");
  await page.getByRole("button", { name: "Gör en trygghetsinventering här" }).click();
  await page.getByRole("heading", { name: "Trygghetsinventering" }).waitFor();
  const map = page.locator("#audit-map");
  await map.scrollIntoViewIfNeeded();
  // The map starts on the walk (in Norrby): a tap in its middle.
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.locator("#audit-gps").getByText(/^Norrby, (vid |\d+ m \S+ om )\S/).waitFor();
  assert.ok(!/\d\.\d{4}/.test(await page.locator("#audit-gps").textContent()));
  await context.close();
});

test("labels of areas that fit but overlap (one area inside another) give way to the first", async () => {
  const context = await browser.newContext(PHONE_412);
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).waitFor();
  // The app's own layout code on a map of its own: an estate inside a district, both large on screen.
  const states = await page.evaluate(async () => {
    const { drawAreas } = await import("/static/pinplace.js");
    const div = document.createElement("div");
    div.style.cssText = "width: 400px; height: 400px";
    document.body.appendChild(div);
    const map = L.map(div, { zoomAnimation: false }).setView([57.72, 12.94], 14);
    const square = (d) => ({ type: "Polygon", coordinates: [[[12.94 - d, 57.72 - d / 2], [12.94 + d, 57.72 - d / 2],
      [12.94 + d, 57.72 + d / 2], [12.94 - d, 57.72 + d / 2], [12.94 - d, 57.72 - d / 2]]] });
    const fc = { type: "FeatureCollection", features: [
      { type: "Feature", properties: { name: "Stadsdelen" }, geometry: square(0.02) },
      { type: "Feature", properties: { name: "Bostadsområdet" }, geometry: square(0.01) }] };
    drawAreas(map, fc, null);
    return [...div.querySelectorAll(".area-label")].map((n) => [n.textContent, n.getAttribute("data-label"), getComputedStyle(n).visibility]);
  });
  assert.deepEqual(states, [["Stadsdelen", "shown", "visible"], ["Bostadsområdet", "collides", "hidden"]]);
  await context.close();
});
