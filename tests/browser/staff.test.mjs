// The staff app: log in, triage, assign, merge and bulk-acknowledge through the UI, checked through the API.
import { test, before, after } from "node:test";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, axe, ARTIFACTS } from "./lib/server.mjs";

const PASSWORD = "correct horse battery staple";
let srv, browser, context, page;

async function file(body) {
  const r = await srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), lon: 12.9401, lat: 57.7210, ...body }),
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

// The API as the logged-in browser sees it (same cookie).
async function caseJson(id) {
  return page.evaluate(async (cid) => (await fetch(`/api/v1/cases/${cid}`)).json(), id);
}

function report(v) { return v.map((x) => `${x.id}: ${x.help} at ${x.nodes.join(", ")}`).join("\n"); }

// Clicks button and waits for the answer to the case action it sends (POST /api/v1/cases/{id}/{action}),
// so what follows reads the case after the change, never before it.
async function clickForCaseAction(button, id, action) {
  const answered = page.waitForResponse((r) => r.request().method() === "POST" &&
    new URL(r.url()).pathname === `/api/v1/cases/${id}/${action}`);
  await button.click();
  const r = await answered;
  assert.equal(r.status(), 200, await r.text());
}

// The case page's state, once it shows text (the page draws the case again after each action).
function stateShown(text) {
  return page.locator("dl.facts").getByText(text, { exact: true });
}

before(async () => {
  srv = await startServer();
  srv.addUser("tove", "triage", PASSWORD);
  srv.addUser("anna", "admin", PASSWORD);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "sv-SE" });
  page = await context.newPage();
  page.on("pageerror", (e) => { throw e; });
});
after(async () => { await browser?.close(); await srv?.stop(); });

test("a triage officer logs in, sees the queue and acknowledges and assigns a case", async () => {
  const hidden = await file({ category: "hidden", description: "Mörk genväg bakom skolan" });
  await page.goto(srv.base + "/staff");
  await page.getByRole("heading", { name: "Logga in" }).waitFor();
  assert.deepEqual(await axe(page), []);
  await page.getByLabel("Användarnamn").fill("tove");
  await page.getByLabel("Lösenord").fill("wrong password");
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.getByText("Fel användarnamn eller lösenord.").waitFor();
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.getByRole("heading", { name: "Ärenden" }).waitFor();
  await page.getByRole("link", { name: `#${hidden}` }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, "staff-1-queue.png") });
  let v = await axe(page);
  assert.equal(v.length, 0, report(v));

  await page.getByRole("link", { name: `#${hidden}` }).click();
  await page.getByRole("heading", { name: new RegExp(`Ärende ${hidden} – Öde eller dold plats`) }).waitFor();
  v = await axe(page);
  assert.equal(v.length, 0, report(v));
  await clickForCaseAction(page.getByRole("button", { name: "Kvittera", exact: true }), hidden, "state");
  await stateShown("Kvitterad").waitFor();
  assert.equal((await caseJson(hidden)).state, "acknowledged");

  await page.locator("form", { has: page.getByRole("heading", { name: "Tilldela eller fördela om" }) }).getByLabel("Enhet").selectOption({ label: "Parker och natur" });
  await clickForCaseAction(page.getByRole("button", { name: "Tilldela", exact: true }), hidden, "assign");
  await stateShown("Tilldelad").waitFor();
  const c = await caseJson(hidden);
  assert.equal(c.state, "assigned");
  assert.equal(c.unit.code, "parks");
  assert.ok(c.history.some((e) => e.kind === "assigned" && e.actor === "tove"));
  await page.screenshot({ path: path.join(ARTIFACTS, "staff-2-case.png"), fullPage: true });
});

test("a likely duplicate is merged from the case page", async () => {
  const first = await file({ category: "signage", lon: 12.9900, lat: 57.7300, description: "Skylt saknas" });
  const second = await file({ category: "signage", lon: 12.99005, lat: 57.73005, description: "Ingen skylt här" });
  await page.goto(srv.base + `/staff#/case/${second}`);
  await page.getByRole("heading", { name: "Troliga dubbletter" }).waitFor();
  // The link to #first is on the page before the merge too: wait for the merge itself.
  await clickForCaseAction(page.getByRole("button", { name: `Markera som dubblett av ${first}` }), second, "merge");
  await stateShown("Dubblett").waitFor();
  await page.getByText(`Dubblett av ärende ${first}`).waitFor();
  const c = await caseJson(second);
  assert.equal(c.state, "duplicate");
  assert.equal(c.duplicate_of, first);
  assert.deepEqual((await caseJson(first)).merged, [second]);
});

test("bulk acknowledge from the queue", async () => {
  const a = await file({ category: "hidden", description: "bulk a" });
  const b = await file({ category: "hidden", description: "bulk b" });
  await page.goto(srv.base + "/staff#/queue?_=1&state=new&category=hidden");
  await page.getByRole("checkbox", { name: `Markera ärende ${a}` }).check();
  await page.getByRole("checkbox", { name: `Markera ärende ${b}` }).check();
  await page.getByRole("button", { name: "Kvittera markerade" }).click();
  await page.waitForFunction(async ([x, y]) => {
    const s = await Promise.all([x, y].map(async (id) => (await (await fetch(`/api/v1/cases/${id}`)).json()).state));
    return s.every((v) => v === "acknowledged");
  }, [a, b]);
});

test("the admin pages pass axe and a routing rule can be drawn", async () => {
  await page.getByRole("button", { name: "Logga ut" }).click();
  await page.getByRole("heading", { name: "Logga in" }).waitFor();
  await page.getByLabel("Användarnamn").fill("anna");
  await page.getByLabel("Lösenord").fill(PASSWORD);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.getByRole("heading", { name: "Ärenden" }).waitFor();
  for (const [link, heading] of [["Enheter", "Enheter"], ["Fördelningsregler", "Fördelningsregler"], ["Områden", "Områden"],
                                 ["Användare", "Användare"], ["Utskick", "Utskick till enheterna"]]) {
    await page.getByRole("link", { name: link }).click();
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    await page.locator("table, form p, #main p").first().waitFor();
    const v = await axe(page);
    assert.equal(v.length, 0, `${link}: ` + report(v));
  }
  await page.getByRole("link", { name: "Fördelningsregler" }).click();
  await page.getByRole("heading", { name: "Ny regel" }).waitFor();
  const map = page.getByRole("region", { name: "Karta för att rita regelns område" });
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  for (const [dx, dy] of [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6]]) {
    await page.mouse.click(box.x + box.width * dx, box.y + box.height * dy);
  }
  await page.getByText("ritat (4 punkter)").waitFor();
  await page.getByLabel("Kategori").selectOption({ label: "Annat" });
  await page.getByLabel("Enhet").selectOption({ label: "Polisen" });
  await page.getByRole("button", { name: "Skapa" }).click();
  await page.waitForFunction(async () => {
    const r = await (await fetch("/api/v1/routing-rules")).json();
    return r.rules.some((x) => x.category === "other" && x.polygon && x.polygon.type === "MultiPolygon");
  });
  await page.screenshot({ path: path.join(ARTIFACTS, "staff-3-rules.png"), fullPage: true });
});

test("the queue pages forward and back by its cursors", async () => {
  const ids = [];
  for (let i = 0; i < 30; i++) ids.push(await file({ category: "litter", description: `sidbyte ${i}` }));
  await page.goto(srv.base + "/staff#/queue?_=1&q=sidbyte&sort=created");
  await page.getByRole("link", { name: `#${ids[0]}`, exact: true }).waitFor();
  assert.equal(await page.getByRole("link", { name: `#${ids[25]}`, exact: true }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Föregående" }).count(), 0);
  const pager = page.getByRole("navigation", { name: "Ärenden" });
  await pager.getByRole("button", { name: "Nästa" }).click();
  await page.getByRole("link", { name: `#${ids[25]}`, exact: true }).waitFor();
  await page.getByRole("link", { name: `#${ids[29]}`, exact: true }).waitFor();
  assert.equal(await page.getByRole("link", { name: `#${ids[0]}`, exact: true }).count(), 0);
  assert.equal(await pager.getByRole("button", { name: "Nästa" }).count(), 0); // the last page
  assert.ok(!/cursor=\d+(&|$)/.test(page.url()), page.url()); // a keyset cursor, not an offset
  const v = await axe(page);
  assert.equal(v.length, 0, report(v));
  await pager.getByRole("button", { name: "Föregående" }).click();
  await page.getByRole("link", { name: `#${ids[0]}`, exact: true }).waitFor();
  assert.equal(await page.getByRole("link", { name: `#${ids[25]}`, exact: true }).count(), 0);
});
