// Safety walks in the browser: the join link works offline after one visit, the organiser's page
// receives findings live, an unknown code is said plainly, the plan form and the protocol items work,
// and every new page passes axe-core (WCAG 2.1 A/AA).
import { test, before, after } from "node:test";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, PHONE, axe, ARTIFACTS } from "./lib/server.mjs";

const PASSWORD = "correct horse battery staple";
const NORRBY = { latitude: 57.732, longitude: 12.935, accuracy: 12 };
const ROUTE = { type: "LineString", coordinates: [[12.93, 57.73], [12.94, 57.733], [12.95, 57.736]] };
const RATINGS = { lighting: 1, openness: 2, visibility: 2, people: 0, security: 1, walk_path: 3,
  public_transport: 2, gender_usage: 1, feeling: 1 };
// The nine parameters as the field app names them (Swedish).
const AUDIT_LABELS = ["Belysning", "Överblick och öppenhet", "Synlighet", "Människor", "Trygghet och säkerhet",
  "Gångväg", "Kollektivtrafik", "Könsfördelning", "Känsla"];
const PHONE_WALK = { ...PHONE, viewport: { width: 412, height: 915 }, geolocation: NORRBY };
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: "sv-SE" };

let srv, browser, organiser;

// A staff session through the API: the cookie and the CSRF token, as the staff app keeps them.
async function login(username) {
  const r = await fetch(srv.base + "/api/v1/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  const answer = await r.text();
  assert.equal(r.status, 200, answer);
  const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrf_token: csrf } = JSON.parse(answer);
  return {
    async call(method, pathname, body) {
      const headers = { Cookie: cookie, Accept: "application/json" };
      if (method !== "GET") headers["X-CSRF-Token"] = csrf;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const res = await fetch(srv.base + pathname, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let json = null;
      try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
      return { status: res.status, json, text };
    },
  };
}

function iso(d) { return d.toISOString().replace(/\.\d{3}Z$/, "Z"); }

// Plans a walk as the organiser, a week from now unless told otherwise.
async function planWalk(extra = {}) {
  const start = new Date(Date.now() + 7 * 864e5);
  const body = { title: "Trygghetsvandring Norrby " + Math.random().toString(36).slice(2, 7), area: "norrby",
    starts_at: iso(start), ends_at: iso(new Date(start.getTime() + 2 * 3600e3)),
    meeting_point: { lon: 12.94, lat: 57.733 }, meeting_text: "Vid Norrby torg", route: ROUTE,
    partners: ["housing", { name: "Polisen" }], expected_participants: 25, public: true,
    groups: [{ name: "Grupp A" }, { name: "Grupp B", route: ROUTE }],
    stops: [{ lon: 12.936, lat: 57.731, note: "Mörk gångtunnel", group: 0 }], ...extra };
  const r = await organiser.call("POST", "/api/v1/walks", body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function live(walk) {
  const r = await organiser.call("GET", `/api/v1/walks/${walk.id}/live?after=0`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Polls fn until it returns something truthy (the state the test waits for), or fails after ms.
async function until(fn, what, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function report(v) { return v.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.join(", ")}`).join("\n"); }

async function fileReport(walk, extra = {}) {
  const r = await srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), category: "lighting", lon: 12.936, lat: 57.732, walk: walk.code, ...extra }),
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function fileAudit(walk) {
  const r = await srv.api(`/api/v1/walks/${walk.code}/audits`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), lon: 12.937, lat: 57.733, ratings: RATINGS }),
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function staffPage(username) {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(srv.base + "/staff");
  await page.getByLabel("Användarnamn").fill(username);
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.getByRole("button", { name: "Logga ut" }).waitFor();
  return { context, page, errors };
}

before(async () => {
  srv = await startServer();
  srv.addUser("olle", "organiser");
  srv.addUser("hanna", "unit", PASSWORD, "housing");
  browser = await launchBrowser();
  organiser = await login("olle");
});
after(async () => { await browser?.close(); await srv?.stop(); });

test("a walk link opened once works offline: three reports and an audit filed offline arrive exactly once", async () => {
  const walk = await planWalk();
  const context = await browser.newContext(PHONE_WALK);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // Once, online: the code typed in lower case works.
  await page.goto(srv.base + "/w/" + walk.code.toLowerCase());
  await page.getByRole("heading", { name: walk.title }).waitFor();
  await page.getByLabel("Din grupp").selectOption({ label: "Grupp B" });
  // The join (with the group) has reached the server.
  await until(async () => (await organiser.call("GET", `/api/v1/walks/${walk.id}`)).json.counts.participants === 1, "the join");
  // The service worker has installed its shell (and taken the page) before the network goes.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await context.setOffline(true);
  await page.reload();
  await page.getByRole("heading", { name: walk.title }).waitFor();
  await page.getByRole("region", { name: "Karta över vandringen" }).waitFor();
  assert.equal(await page.getByLabel("Din grupp").inputValue(), String(walk.groups[1].id));
  const marker = "walk-offline-" + Date.now();
  for (let i = 1; i <= 3; i++) {
    await page.getByRole("button", { name: i === 2 ? "Trafik" : "Belysning" }).click();
    await page.locator("#gps-status").getByText(/ungefär ±12 m/).waitFor();
    await page.getByLabel("Beskrivning").fill(`${marker} #${i}`);
    await page.getByRole("button", { name: "Skicka rapport" }).click();
    await page.getByRole("heading", { name: "Sparad på telefonen" }).waitFor();
    await page.getByRole("button", { name: "Rapportera något mer" }).click();
  }
  await page.getByRole("button", { name: "Gör en trygghetsinventering här" }).click();
  await page.getByRole("heading", { name: "Trygghetsinventering" }).waitFor();
  for (const [i, label] of AUDIT_LABELS.entries()) {
    await page.getByRole("group", { name: label, exact: true }).getByRole("radio", { name: String(i % 4) }).check();
  }
  await page.locator("#audit-gps").getByText(/ungefär ±12 m/).waitFor();
  await page.getByRole("button", { name: "Skicka inventeringen" }).click();
  await page.getByRole("heading", { name: "Sparad på telefonen" }).waitFor();
  assert.equal(await page.getByText("Väntar på nätverk").count(), 4);
  await page.screenshot({ path: path.join(ARTIFACTS, "walk-phone-offline.png"), fullPage: true });
  let l = await live(walk);
  assert.equal(l.observations.length + l.audits.length, 0, "nothing reached the server while offline");

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await until(async () => {
    const x = await live(walk);
    return x.observations.length >= 3 && x.audits.length >= 1 && (await page.getByText("Väntar på nätverk").count()) === 0;
  }, "the queue to empty");
  // More flushes: retries must not create duplicates.
  await page.evaluate(() => import("/static/queue.js").then((q) => q.flush()));
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await page.evaluate(() => import("/static/queue.js").then((q) => q.flush()));

  const items = (await organiser.call("GET", `/api/v1/walks/${walk.id}/items`)).json.items;
  assert.deepEqual(items.map((it) => it.description).sort(), [1, 2, 3].map((i) => `${marker} #${i}`).sort());
  assert.ok(items.every((it) => it.group === "Grupp B"), JSON.stringify(items.map((it) => it.group)));
  l = await live(walk);
  assert.equal(l.observations.length, 3);
  assert.equal(l.audits.length, 1);
  assert.deepEqual(l.audits[0].ratings, Object.fromEntries(Object.keys(RATINGS).map((k, i) => [k, i % 4])));
  assert.equal(l.audits[0].group, "Grupp B");
  assert.equal(l.counts.participants, 1);
  await page.screenshot({ path: path.join(ARTIFACTS, "walk-phone-sent.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test("the organiser's walk page shows reports and an audit as they arrive", async () => {
  const walk = await planWalk();
  const { context, page, errors } = await staffPage("olle");
  await page.getByRole("heading", { name: "Trygghetsvandringar", level: 1 }).waitFor();
  await page.getByRole("link", { name: walk.title }).click();
  await page.getByRole("heading", { name: walk.title, level: 1 }).waitFor();
  await page.getByText(walk.code, { exact: true }).waitFor();
  await page.getByRole("button", { name: "Starta vandringen" }).click();
  await page.getByText("Pågår", { exact: true }).waitFor();
  assert.equal((await organiser.call("GET", `/api/v1/walks/${walk.id}`)).json.state, "ongoing");
  await page.getByText("Inget har kommit in än.").waitFor();

  const a = await fileReport(walk, { description: "Trasig lampa vid skolan" });
  const b = await fileReport(walk, { category: "hidden", description: "Mörk passage" });
  await fileAudit(walk);
  const list = page.locator("#live-list");
  await list.getByRole("link", { name: `#${a.id} Belysning – Trasig lampa vid skolan` }).waitFor({ timeout: 15000 });
  await list.getByRole("link", { name: new RegExp(`^#${b.id} Öde eller dold plats`) }).waitFor({ timeout: 15000 });
  await list.getByText(/Trygghetsinventering, medel/).waitFor({ timeout: 15000 });
  // On the map too (two observations and an audit), and in the protocol.
  await until(async () => (await page.locator(".walk-obs-pin").count()) === 2, "two numbered observations on the map");
  await page.locator(".walk-audit").first().waitFor();
  await page.locator(`#item-${a.id}`).waitFor();
  await page.getByText("2 iakttagelser", { exact: false }).first().waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, "walk-organiser-live.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test("an unknown walk code says so instead of filing without a walk", async () => {
  const context = await browser.newContext(PHONE_WALK);
  const page = await context.newPage();
  await page.goto(srv.base + "/w/zzzz99");
  await page.getByRole("heading", { name: "Ingen vandring har koden ZZZZ99" }).waitFor();
  await page.getByRole("link", { name: "Rapportera utan vandring" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Belysning" }).isVisible(), false);
  const v = await axe(page);
  assert.equal(v.length, 0, report(v));
  await page.getByRole("link", { name: "Rapportera utan vandring" }).click();
  await page.getByRole("button", { name: "Belysning" }).waitFor();
  await context.close();
});

test("the plan form, the walk page and the protocol items, with axe on each", async () => {
  const { context, page, errors } = await staffPage("olle");
  await page.getByRole("heading", { name: "Trygghetsvandringar", level: 1 }).waitFor();
  let v = await axe(page);
  assert.equal(v.length, 0, "list: " + report(v));

  await page.getByRole("link", { name: "Planera en vandring" }).click();
  await page.getByRole("heading", { name: "Planera en vandring", level: 1 }).waitFor();
  v = await axe(page);
  assert.equal(v.length, 0, "plan form: " + report(v));
  const title = "Vandring från formuläret " + Date.now();
  await page.getByLabel("Rubrik").fill(title);
  await page.getByLabel("Område", { exact: true }).selectOption({ label: "Norrby" });
  await page.getByLabel("Börjar").fill("2027-03-02T18:00");
  await page.getByLabel("Slutar").fill("2027-03-02T20:00");
  await page.getByLabel("Mötesplats i ord").fill("Vid busshållplatsen");
  await page.getByLabel("Mötesplatsens latitud").fill("57.733");
  await page.getByLabel("Mötesplatsens longitud").fill("12.94");
  await page.getByLabel("Rutten (nästa punkt)").check();
  const map = page.getByRole("region", { name: "Karta för mötesplats, rutt och stopp" });
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  for (const [dx, dy] of [[0.45, 0.45], [0.5, 0.5], [0.55, 0.5], [0.6, 0.55]]) {
    await page.mouse.click(box.x + box.width * dx, box.y + box.height * dy);
  }
  await page.getByText("4 punkter").waitFor();
  await page.getByRole("button", { name: "Ångra senaste punkten" }).click();
  await page.getByText("3 punkter").waitFor();
  await page.getByRole("button", { name: "Lägg till grupp" }).click();
  await page.getByLabel("Ett planerat stopp").check();
  await map.scrollIntoViewIfNeeded();
  const box2 = await map.boundingBox();
  await page.mouse.click(box2.x + box2.width * 0.5, box2.y + box2.height * 0.4);
  await page.getByLabel("Anteckning för stopp 1").fill("Dålig belysning vid tunneln");
  await page.getByLabel("AB Bostäder i Borås").check();
  await page.getByLabel("Andra medverkande").fill("Polisen");
  v = await axe(page);
  assert.equal(v.length, 0, "plan form, filled: " + report(v));
  await page.getByRole("button", { name: "Planera vandringen" }).click();
  await page.getByRole("heading", { name: title, level: 1 }).waitFor();
  const list = (await organiser.call("GET", "/api/v1/walks")).json.walks;
  const made = list.find((w) => w.title === title);
  assert.ok(made, "the walk is stored");
  const w = (await organiser.call("GET", `/api/v1/walks/${made.id}`)).json;
  assert.equal(w.area.code, "norrby");
  assert.equal(w.route.coordinates.length, 3);
  assert.deepEqual(w.meeting_point, { lon: 12.94, lat: 57.733 });
  assert.equal(w.meeting_text, "Vid busshållplatsen");
  assert.equal(w.groups.length, 1);
  assert.equal(w.stops.length, 1);
  assert.equal(w.stops[0].note, "Dålig belysning vid tunneln");
  assert.deepEqual(w.partners.map((p) => p.unit ? p.unit.code : p.name).sort(), ["Polisen", "housing"]);

  // The walk page with an item: plan its action, owner, priority and deadline.
  const o = await fileReport(w, { description: "Buskage skymmer gångvägen", category: "vegetation" });
  await page.locator(`#item-${o.id}`).waitFor({ timeout: 15000 });
  await page.locator(".qr").waitFor();
  assert.ok(await page.locator(".qr").evaluate((img) => img.complete && img.naturalWidth > 0), "the QR code loads");
  v = await axe(page);
  assert.equal(v.length, 0, "walk page: " + report(v));
  await page.getByRole("button", { name: "Redigera punkt 1" }).click();
  const form = page.getByRole("form", { name: "Redigera punkt 1" });
  await form.getByLabel("Föreslagen åtgärd").fill("Klipp buskaget");
  await form.getByLabel("Ansvarig enhet").selectOption({ label: "Parker och natur" });
  await form.getByLabel("Prioritet").selectOption("1");
  await form.getByLabel("Senast").fill("2027-04-30");
  v = await axe(page);
  assert.equal(v.length, 0, "item form: " + report(v));
  await form.getByRole("button", { name: "Spara punkt 1" }).click();
  await page.getByRole("cell", { name: "Klipp buskaget" }).waitFor();
  const it = (await organiser.call("GET", `/api/v1/walks/${w.id}/items`)).json.items[0];
  assert.equal(it.action, "Klipp buskaget");
  assert.equal(it.responsible.unit.code, "parks");
  assert.equal(it.priority, 1);
  assert.equal(it.deadline, "2027-04-30");
  await page.screenshot({ path: path.join(ARTIFACTS, "walk-organiser-page.png"), fullPage: true });
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: path.join(ARTIFACTS, "walk-protocol-print.png"), fullPage: true });
  assert.equal(await page.getByRole("button", { name: "Starta vandringen" }).isVisible(), false, "no buttons in print");
  await page.emulateMedia({ media: "screen" });
  assert.deepEqual(errors, []);
  await context.close();
});

test("paper notes, the follow-up meeting, publishing and a follow-up walk from the walk page", async () => {
  const walk = await planWalk();
  const { context, page, errors } = await staffPage("olle");
  page.on("dialog", (d) => d.accept());
  await page.goto(srv.base + `/staff#/walks/${walk.id}`);
  await page.getByRole("heading", { name: walk.title, level: 1 }).waitFor();
  // An observation from paper notes, placed by its coordinates.
  await page.getByText("Lägg till en iakttagelse från papperslappar").click();
  await page.getByLabel("Kategori").selectOption({ label: "Klotter och skadegörelse" });
  await page.getByLabel("Latitud").fill("57.7335");
  await page.getByLabel("Longitud").fill("12.9405");
  await page.getByLabel("Beskrivning", { exact: true }).fill("Från papperslapp: klotter på elskåpet");
  await page.getByRole("button", { name: "Lägg till iakttagelsen" }).click();
  await page.locator("#live-list").getByText(/Klotter och skadegörelse – Från papperslapp/).waitFor({ timeout: 15000 });
  const items = (await organiser.call("GET", `/api/v1/walks/${walk.id}/items`)).json.items;
  assert.equal(items.length, 1);
  assert.equal(items[0].description, "Från papperslapp: klotter på elskåpet");
  // The follow-up meeting's date, then publishing.
  await page.getByLabel("Uppföljningsmöte hölls").fill("2027-01-20");
  await page.getByRole("button", { name: "Spara datum" }).click();
  await until(async () => (await organiser.call("GET", `/api/v1/walks/${walk.id}`)).json.meeting_held_on === "2027-01-20", "the meeting date");
  await page.getByRole("button", { name: "Publicera protokollet" }).click();
  await page.getByText(/^Publicerat /).waitFor();
  assert.ok((await organiser.call("GET", `/api/v1/walks/${walk.id}`)).json.protocol_published_at);
  // A follow-up walk: the form starts from the earlier walk.
  await page.getByRole("link", { name: "Planera en uppföljande vandring" }).click();
  await page.getByRole("heading", { name: "Planera en vandring", level: 1 }).waitFor();
  assert.equal(await page.getByLabel("Rubrik").inputValue(), "Uppföljning: " + walk.title);
  assert.equal(await page.getByLabel("Uppföljning av").inputValue(), String(walk.id));
  await page.getByLabel("Börjar").fill("2027-05-04T18:00");
  await page.getByLabel("Slutar").fill("2027-05-04T20:00");
  await page.getByRole("button", { name: "Planera vandringen" }).click();
  await page.getByRole("heading", { name: "Uppföljning: " + walk.title, level: 1 }).waitFor();
  const follow = (await organiser.call("GET", `/api/v1/walks/${walk.id}`)).json.follow_ups;
  assert.equal(follow.length, 1);
  const fw = (await organiser.call("GET", `/api/v1/walks/${follow[0]}`)).json;
  assert.equal(fw.area.code, "norrby");
  assert.equal(fw.route.coordinates.length, 3);
  // The earlier walk's open item is the checklist, on the map of the new walk's page.
  await page.locator(".walk-check").first().waitFor();
  // In English too.
  await page.getByRole("button", { name: "Byt språk till engelska" }).click();
  await page.getByRole("heading", { name: "The protocol's items" }).waitFor();
  const v = await axe(page);
  assert.equal(v.length, 0, "english walk page: " + report(v));
  await page.getByRole("button", { name: "Switch language to Swedish" }).click();
  assert.deepEqual(errors, []);
  await context.close();
});

test("a unit answers its walk item from the staff app", async () => {
  const walk = await planWalk();
  const o = await fileReport(walk, { description: "Trasig armatur" });
  const r = await organiser.call("PUT", `/api/v1/walks/${walk.id}/items/${o.id}`, { action: "Byt armatur", responsible_unit: "housing" });
  assert.equal(r.status, 200, r.text);
  const { context, page, errors } = await staffPage("hanna");
  await page.goto(srv.base + `/staff#/walk-items/${walk.id}`);
  const form = page.getByRole("form", { name: "Svar på punkt 1" });
  await form.getByLabel("Åtgärdas", { exact: true }).check();
  await form.getByLabel("Åtgärdas senast").fill("2027-02-15");
  const v = await axe(page);
  assert.equal(v.length, 0, report(v));
  await form.getByRole("button", { name: "Skicka svar på punkt 1" }).click();
  await page.getByText(/^Åtgärdas senast \d/).waitFor();
  await until(async () => {
    const it = (await organiser.call("GET", `/api/v1/walks/${walk.id}/items`)).json.items[0];
    return it.answer && it.answer.answer === "will_do" && it.answer.by === "2027-02-15";
  }, "the answer");
  assert.deepEqual(errors, []);
  await context.close();
});

test("axe on the field app joined to a walk with the audit form open, and on /walks and /walks/{code}", async () => {
  const walk = await planWalk();
  await fileReport(walk, { description: "Klotter på tunneln", category: "graffiti" });
  const context = await browser.newContext(PHONE_WALK);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(srv.base + "/w/" + walk.code);
  await page.getByRole("heading", { name: walk.title }).waitFor();
  let v = await axe(page);
  assert.equal(v.length, 0, "joined: " + report(v));
  await page.getByRole("button", { name: "Gör en trygghetsinventering här" }).click();
  await page.locator("#audit-gps").getByText(/ungefär ±12 m/).waitFor();
  v = await axe(page);
  assert.equal(v.length, 0, "audit form: " + report(v));
  await page.screenshot({ path: path.join(ARTIFACTS, "walk-phone-audit.png"), fullPage: true });

  await page.goto(srv.base + "/walks");
  await page.getByRole("heading", { name: "Kommande vandringar" }).waitFor();
  await page.getByRole("link", { name: walk.title }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Prenumerera i din kalender" }).getAttribute("href"), "/walks.ics");
  v = await axe(page);
  assert.equal(v.length, 0, "/walks: " + report(v));
  await page.getByRole("link", { name: walk.title }).click();
  await page.getByRole("heading", { name: walk.title, level: 1 }).waitFor();
  await page.getByRole("cell", { name: "Klotter på tunneln" }).waitFor();
  v = await axe(page);
  assert.equal(v.length, 0, "/walks/{code}: " + report(v));
  await page.screenshot({ path: path.join(ARTIFACTS, "walk-public-page.png"), fullPage: true });
  // No personal data on the public page.
  assert.equal(await page.getByText("olle").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
