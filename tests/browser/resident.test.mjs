// Residents get an answer (issue 10): a report's public page /r/{id}, links to it from
// the thank-you screen, "My reports" and the map; "me too" that stays done and offers to
// stop; a nearby radius that follows the GPS fix; three honest network messages.
import { test, before, after } from "node:test";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, PHONE, ARTIFACTS, axe } from "./lib/server.mjs";

const PASSWORD = "correct horse battery staple";
let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  srv.addUser("tove", "triage", PASSWORD);
});
after(async () => { await browser?.close(); await srv?.stop(); });

async function staff(username) {
  const r = await fetch(srv.base + "/api/v1/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  const answer = await r.text();
  assert.equal(r.status, 200, answer);
  const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrf_token: csrf } = JSON.parse(answer);
  return async (method, pathname, body) => {
    const res = await fetch(srv.base + pathname, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { Cookie: cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json", Accept: "application/json" },
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  };
}

async function file(body) {
  const r = await srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), ...body }),
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  return errors;
}

test("/r/{id}: category, status, unit, place, the public answers as a timeline; axe in Swedish and English", async () => {
  const o = await file({ category: "lighting", lon: 12.9405, lat: 57.7215, description: "Mörk gångtunnel vid ån" });
  const call = await staff("tove");
  assert.equal((await call("POST", `/api/v1/cases/${o.id}/comment`, { comment: "Vi byter lampan nästa vecka.", public: true })).status, 200);
  assert.equal((await call("POST", `/api/v1/cases/${o.id}/comment`, { comment: "internt: beställ armatur", public: false })).status, 200);

  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${srv.base}/r/${o.id}`);
  await page.getByRole("heading", { level: 1, name: `Rapport nr ${o.id} – Belysning` }).waitFor();
  assert.equal(await page.title(), `Rapport nr ${o.id} – Belysning – Trygg i Borås`);
  const body = await page.locator("main").textContent();
  assert.match(body, /Mörk gångtunnel vid ån/);
  assert.match(body, /Vi byter lampan nästa vecka\./);
  assert.doesNotMatch(body, /internt/, "internal comments never reach the public page");
  assert.match(body, /SWEREF 99 TM \d+ N, \d+ E/);
  assert.match(await page.locator("#r-unit").textContent(), /\S/);
  assert.ok(o.area, "the test point lies in an area");
  assert.match(await page.locator("#r-place").textContent(), new RegExp(o.area.name));
  assert.equal(await page.locator("#r-timeline li").count(), 2);
  await page.locator("#r-map .leaflet-interactive").first().waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-r-page.png"), fullPage: true });
  assert.deepEqual(await axe(page), []);

  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { level: 1, name: `Report no. ${o.id} – Lighting` }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.match(await page.title(), /^Report no\. \d+ – Lighting – /);
  assert.deepEqual(await axe(page), []);

  await page.goto(`${srv.base}/r/999999`);
  await page.getByRole("heading", { level: 1, name: "No such report" }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("the thank-you screen, My reports and the map's detail panel link to /r/{id}", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Klotter och skadegörelse" }).click();
  await page.getByText(/ungefär ±12 m/).waitFor();
  await page.getByLabel("Beskrivning").fill("länktest");
  await page.getByRole("button", { name: "Skicka rapport" }).click();
  const done = page.getByText(/Din rapport har nummer \d+/);
  await done.waitFor();
  const id = Number((await done.textContent()).match(/nummer (\d+)/)[1]);
  await page.getByText("Skickad.").waitFor();
  const link = page.getByRole("link", { name: "Se vad som händer med rapporten" });
  assert.equal(await link.getAttribute("href"), `/r/${id}`);
  const mine = page.locator("#mine-list").getByRole("link", { name: "Klotter och skadegörelse" });
  assert.equal(await mine.getAttribute("href"), `/r/${id}`);
  await link.click();
  await page.getByRole("heading", { level: 1, name: `Rapport nr ${id} – Klotter och skadegörelse` }).waitFor();

  // The public map's panel for a single report.
  const o = await srv.api(`/api/v1/observations/${id}`);
  await page.setViewportSize({ width: 800, height: 800 });
  await page.goto(`${srv.base}/map?lat=${o.json.lat}&lon=${o.json.lon}&z=19`);
  const single = page.getByRole("button", { name: /^Rapport: Klotter/ }).first();
  await single.click();
  await page.getByRole("heading", { name: new RegExp(`Rapport nr ${id} – `) }).waitFor();
  await page.locator("#details").getByRole("link", { name: `Se rapport nr ${id}` }).click();
  await page.waitForURL(`**/r/${id}`);
  await page.getByRole("heading", { level: 1, name: new RegExp(`Rapport nr ${id}`) }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

// A quiet corner for "me too": a lamp 70 m north of where the phone stands.
const HERE = { latitude: 57.7360, longitude: 12.9000 };
const LAMP = { lat: HERE.latitude + 70 / 111320, lon: HERE.longitude };

test("the nearby radius follows the GPS accuracy: a lamp 70 m away is offered under a 50 m fix, not under 12 m", async () => {
  const lamp = await file({ category: "lighting", lon: LAMP.lon, lat: LAMP.lat, description: "lampa 70 m bort" });
  const nearbyItems = async (accuracy) => {
    const context = await browser.newContext({ ...PHONE, geolocation: { ...HERE, accuracy } });
    const page = await context.newPage();
    const asked = page.waitForResponse((r) => r.url().includes("/api/v1/observations/nearby"));
    await page.goto(srv.base + "/");
    await page.getByRole("button", { name: "Belysning" }).click();
    const res = await asked;
    const url = new URL(res.url());
    const body = await res.json();
    await context.close();
    return { radius: Number(url.searchParams.get("radius_m")), ids: body.observations.map((x) => x.id) };
  };
  const wide = await nearbyItems(50);
  assert.equal(wide.radius, 100);
  assert.ok(wide.ids.includes(lamp.id), JSON.stringify(wide));
  const narrow = await nearbyItems(12);
  assert.equal(narrow.radius, 62);
  assert.ok(!narrow.ids.includes(lamp.id), JSON.stringify(narrow));
  // A very poor fix is capped by the server's nearby_max_radius_m (500 by default).
  const poor = await nearbyItems(2000);
  assert.equal(poor.radius, 500);
});

test("'me too' stays done after a reload and offers to stop instead of filing the same thing", async () => {
  const lamp = await file({ category: "lighting", lon: LAMP.lon, lat: LAMP.lat, description: "instämmandetest" });
  const context = await browser.newContext({ ...PHONE, geolocation: { ...HERE, accuracy: 50 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).click();
  const item = page.locator(".nearby-item", { hasText: "instämmandetest" });
  await item.getByRole("button", { name: "Jag instämmer" }).click();
  await item.getByText(/Tack, du har instämt \(1 totalt\)/).waitFor();
  const stop = page.getByRole("button", { name: "Klart – tillbaka till början" });
  await stop.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Klart – tillbaka till början");
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-me-too-offer.png"), fullPage: true });
  await stop.click();
  await page.getByRole("heading", { name: "Vad vill du rapportera?" }).waitFor();

  await page.reload();
  await page.getByRole("button", { name: "Belysning" }).click();
  const again = page.locator(".nearby-item", { hasText: "instämmandetest" });
  await again.getByText("Du har redan instämt i den här.").waitFor();
  const btn = again.getByRole("button", { name: "Jag instämmer" });
  assert.ok(await btn.isDisabled());
  assert.equal(await btn.getAttribute("aria-pressed"), "true");
  assert.equal((await srv.api(`/api/v1/observations/${lamp.id}`)).json.support_count, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test("three honest messages: sent, saved on the phone, the answer was lost (then sent exactly once); a slow send shows progress", async () => {
  // Service workers blocked so that route interception sees the app's own requests.
  const context = await browser.newContext({ ...PHONE, serviceWorkers: "block" });
  const page = await context.newPage();
  const marker = "nettest-" + Date.now();
  const fileOne = async (text) => {
    await page.getByRole("button", { name: "Trafik" }).click();
    await page.getByText(/ungefär ±12 m/).waitFor();
    await page.getByLabel("Beskrivning").fill(`${marker} ${text}`);
    await page.getByRole("button", { name: "Skicka rapport" }).click();
  };
  const arrived = async (text) => {
    const fc = (await srv.api("/api/v1/observations?limit=1000")).json;
    return fc.features.filter((f) => f.properties.description === `${marker} ${text}`);
  };
  await page.goto(srv.base + "/");

  // Slow: the answer takes 1.5 s; meanwhile a progress bar says it is sending.
  await page.route("**/api/v1/observations", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    await new Promise((r) => setTimeout(r, 1500));
    return route.continue();
  });
  await fileOne("långsam");
  await page.getByRole("progressbar").waitFor();
  await page.getByText("Skickar …").waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-net-slow.png"), fullPage: true });
  await page.getByText("Skickad.").waitFor();
  assert.ok(await page.getByRole("progressbar").isHidden());
  await page.unrouteAll({ behavior: "wait" });
  await page.getByRole("button", { name: "Rapportera något mer" }).click();

  // Offline: saved on the phone.
  await context.setOffline(true);
  await fileOne("utan nät");
  await page.getByText("Sparad på telefonen – skickas när nätet är tillbaka.").waitFor();
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.getByText("Skickad.").waitFor();
  assert.equal((await arrived("utan nät")).length, 1);
  await page.getByRole("button", { name: "Rapportera något mer" }).click();

  // Lost: the server stores the report but its answer never reaches the phone.
  let lost = 0;
  await page.route("**/api/v1/observations", async (route) => {
    if (route.request().method() !== "POST" || lost > 0) return route.continue();
    lost++;
    await route.fetch();
    return route.abort("connectionreset");
  });
  await fileOne("tappat svar");
  await page.getByText("Svaret från servern kom aldrig fram – försöker igen …").waitFor();
  await page.getByRole("heading", { name: "Svaret kom bort" }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-net-lost.png"), fullPage: true });
  assert.equal((await arrived("tappat svar")).length, 1, "the report did reach the server");
  // The phone asks again by itself, with the same client_id: sent, and only once.
  await page.getByText("Skickad.").waitFor();
  await page.getByRole("heading", { name: "Tack!" }).waitFor();
  assert.equal((await arrived("tappat svar")).length, 1);
  assert.equal(lost, 1);
  await context.close();
});
