// The staff app fits each role (issue 10): the menu shows only what the role may use and
// every visible link opens without an error; the state control offers only the allowed
// transitions (from the workflow's table) and asks for a reason where one is needed; API
// errors in the page's language next to the control; confirmations without page jumps;
// the case page and queue show the unsafe rating, light, walk and position.
import { test, before, after } from "node:test";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, axe, ARTIFACTS } from "./lib/server.mjs";

const PASSWORD = "correct horse battery staple";
const DESKTOP = { viewport: { width: 1366, height: 900 }, locale: "sv-SE" };
let srv, browser;

before(async () => {
  srv = await startServer();
  srv.addUser("anna", "admin", PASSWORD);
  srv.addUser("tove", "triage", PASSWORD);
  srv.addUser("lars", "unit", PASSWORD, "street_lighting");
  srv.addUser("olle", "organiser", PASSWORD);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await srv?.stop(); });

async function file(body) {
  const r = await srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), lon: 12.9401, lat: 57.7210, ...body }),
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

async function apiAs(username) {
  const r = await fetch(srv.base + "/api/v1/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrf_token: csrf } = await r.json();
  return async (method, pathname, body) => {
    const res = await fetch(srv.base + pathname, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { Cookie: cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json" },
    });
    return { status: res.status, json: await res.json().catch(() => null) };
  };
}

// A page that records what goes wrong: script errors and API answers of 400 and above.
async function openStaff(ctxOpts = DESKTOP) {
  const context = await browser.newContext(ctxOpts);
  const page = await context.newPage();
  const problems = [];
  let inflight = 0;
  page.on("pageerror", (e) => problems.push("script: " + e));
  // Only the app's own API calls count as "in flight".
  const isApi = (r) => new URL(r.url()).pathname.startsWith("/api/");
  page.on("request", (r) => { if (isApi(r)) inflight++; });
  page.on("requestfinished", (r) => { if (isApi(r)) inflight--; });
  page.on("requestfailed", (r) => { if (isApi(r)) { inflight--; problems.push("failed: " + r.url()); } });
  page.on("response", (r) => { if (r.status() >= 400 && r.url().includes("/api/")) problems.push(r.status() + " " + r.url()); });
  // Waits until no API request is in flight (checked twice): the page has drawn what it asked for.
  const settle = async () => {
    for (let quiet = 0, i = 0; quiet < 2; i++) {
      if (i > 100) throw new Error("requests still in flight: " + inflight);
      await page.waitForTimeout(100);
      quiet = inflight <= 0 ? quiet + 1 : 0;
    }
  };
  // Before logging in, GET /api/v1/auth/me answers 401 (no session): expected, so forgotten.
  const reset = () => { inflight = 0; problems.length = 0; };
  return { context, page, problems, settle, reset };
}

async function login(page, username) {
  await page.goto(srv.base + "/staff");
  await page.getByRole("heading", { name: "Logga in" }).waitFor();
  await page.getByLabel("Användarnamn").fill(username);
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.getByRole("button", { name: "Logga ut" }).waitFor();
}

const MENUS = {
  anna: ["Ärenden", "Vandringar", "Lägesbild", "Enheter", "Fördelningsregler", "Områden", "Användare", "Utskick"],
  tove: ["Ärenden", "Vandringar", "Lägesbild", "Utskick"],
  lars: ["Ärenden", "Vandringspunkter"],
  olle: ["Vandringar", "Lägesbild"],
};

for (const [username, expected] of Object.entries(MENUS)) {
  test(`${username}'s menu shows only what the role may use, and every link opens without an error`, async () => {
    const { context, page, problems, settle, reset } = await openStaff();
    await page.goto(srv.base + "/staff");
    await page.getByRole("heading", { name: "Logga in" }).waitFor();
    // Before logging in there is no menu and no "Log out".
    assert.equal(await page.getByRole("navigation", { name: "Huvudmeny" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: "Logga ut" }).count(), 0);
    await login(page, username);
    reset();
    const nav = page.getByRole("navigation", { name: "Huvudmeny" });
    const shown = await nav.getByRole("link").allTextContents();
    assert.deepEqual(shown, expected);
    await settle();
    for (const name of expected) {
      await nav.getByRole("link", { name, exact: true }).click();
      await page.locator("main h1").waitFor();
      await settle();
      const errors = (await page.locator("main .error").allTextContents()).filter((x) => x.trim());
      assert.deepEqual(errors, [], `${username} → ${name}`);
    }
    assert.deepEqual(problems, [], username);
    await context.close();
  });
}

test("the state control offers only the allowed transitions, asks for a reason, confirms in place", async () => {
  const id = await file({ category: "hidden", description: "Mörk genväg, staten" });
  const { context, page, problems, reset } = await openStaff();
  await login(page, "tove");
  reset();
  await page.goto(`${srv.base}/staff#/case/${id}`);
  const form = page.locator("form[data-form=state]");
  await form.waitFor();
  const newState = form.getByLabel("Ny status");
  // An unrouted new case: acknowledge or reject (assigning needs a unit first).
  assert.deepEqual(await newState.locator("option").allTextContents(), ["Kvitterad", "Avslagen"]);
  assert.ok(await form.getByLabel("Skäl (krävs vid avslag)").isHidden());
  await newState.selectOption({ label: "Avslagen" });
  const reason = form.getByLabel("Skäl (krävs vid avslag)");
  await reason.waitFor();
  await form.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 120));
  await form.getByRole("button", { name: "Spara" }).click();
  await form.getByText("Fel: Välj ett skäl till avslaget.").waitFor();
  await reason.selectOption({ label: "Kan inte hittas" });
  const before = await page.evaluate(() => window.scrollY);
  await form.getByRole("button", { name: "Spara" }).click();
  const after = page.locator("form[data-form=state]");
  await after.getByText("Sparat: status är nu Avslagen.").waitFor();
  assert.equal(await page.evaluate(() => window.scrollY), before, "the page does not jump");
  assert.ok(await page.evaluate(() => !!document.activeElement.closest("form[data-form=state]")), "focus stays at the control");
  assert.deepEqual(await after.getByLabel("Ny status").locator("option").allTextContents(), ["Kvitterad"]);
  await page.screenshot({ path: path.join(ARTIFACTS, "desktop-staff-state.png") });
  assert.deepEqual(problems, []);
  await context.close();

  // A unit handler on its own assigned case: start or finish the work, nothing else.
  const lamp = await file({ category: "lighting", description: "Lampa, enheten" });
  const unit = await openStaff();
  await login(unit.page, "lars");
  await unit.page.goto(`${srv.base}/staff#/case/${lamp}`);
  const uform = unit.page.locator("form[data-form=state]");
  await uform.waitFor();
  assert.deepEqual(await uform.getByLabel("Ny status").locator("option").allTextContents(), ["Pågår", "Åtgärdad"]);
  await unit.context.close();
});

test("an API error is shown in the page's language next to the control that caused it", async () => {
  const id = await file({ category: "hidden", description: "Ändrad bakom ryggen" });
  const admin = await apiAs("anna");
  const { context, page } = await openStaff();
  await login(page, "tove");
  await page.goto(`${srv.base}/staff#/case/${id}`);
  const form = page.locator("form[data-form=state]");
  await form.waitFor();
  // Someone else acknowledges the case meanwhile; acknowledging it again is refused (409).
  assert.equal((await admin("POST", `/api/v1/cases/${id}/state`, { state: "acknowledged" })).status, 200);
  await form.getByLabel("Ny status").selectOption({ label: "Kvitterad" });
  await form.getByRole("button", { name: "Spara" }).click();
  await form.getByText(/^Fel: den ändringen går inte från ärendets nuvarande status/).waitFor();
  assert.equal((await page.locator("main > .error").textContent()).trim(), "", "the error is at the control, not at the top");

  // In English: the page is drawn again (the case is now acknowledged: it offers rejected).
  await page.getByRole("button", { name: "English" }).click();
  const en = page.locator("form[data-form=state]");
  await en.getByLabel("New state").waitFor();
  assert.equal((await admin("POST", `/api/v1/cases/${id}/state`, { state: "rejected", reason: "other" })).status, 200);
  await en.getByLabel("New state").selectOption({ label: "Rejected" });
  await en.getByLabel("Reason (required when rejecting)").selectOption({ label: "Other" });
  await en.getByRole("button", { name: "Save" }).click();
  await en.getByText(/^Error: that change is not possible from the case's current state/).waitFor();
  await context.close();
});

test("the case page and the queue show the unsafe rating, light, walk and position with a small map", async () => {
  const id = await file({ category: "lighting", description: "Otrygg passage, fakta", unsafe_rating: 4 });
  const { context, page, problems, reset } = await openStaff();
  await login(page, "tove");
  reset();
  await page.goto(`${srv.base}/staff#/queue?_=1&q=fakta`);
  const table = page.locator("table.cases");
  await table.waitFor();
  const heads = await table.locator("thead th").allTextContents();
  for (const h of ["Otrygghet", "Ljus"]) assert.ok(heads.includes(h), heads.join(","));
  assert.ok(heads.some((h) => h.startsWith("Vandring")), heads.join(","));
  const row = table.locator("tbody tr", { hasText: "fakta" });
  const cells = await row.locator("td").allTextContents();
  assert.equal(cells[heads.indexOf("Otrygghet")], "4");
  assert.match(cells[heads.indexOf("Ljus")], /dagsljus|skymning|mörkt/);

  await page.goto(`${srv.base}/staff#/case/${id}`);
  const facts = page.locator("dl.facts");
  await facts.waitFor();
  const text = await facts.textContent();
  assert.match(text, /Otrygghet4 av 5/);
  assert.match(text, /LjusI?(dagsljus|skymning|mörkt)/);
  assert.match(text, /VandringIngen|Vandring–|Vandring\S*/);
  assert.match(text, /PlatsCentrum · SWEREF 99 TM N 63\d{5}, E 3\d{5}/);
  await page.locator(".case-map .leaflet-interactive").first().waitFor();
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});
