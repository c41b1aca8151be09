// The field app on a phone: file an observation with a photo, driven by accessible names.
import { test, before, after } from "node:test";
import { randomUUID } from "node:crypto";
import assert from "node:assert/strict";
import path from "node:path";
import { startServer, launchBrowser, PHONE, ARTIFACTS } from "./lib/server.mjs";

let srv, browser;
before(async () => { srv = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await srv?.stop(); });

test("a resident files a lighting report with a photo from a phone in Borås", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(srv.base + "/");
  await page.getByText("Ring 112").waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-1-categories.png"), fullPage: true });

  await page.getByRole("button", { name: "Belysning" }).click();
  await page.getByRole("heading", { name: "Var är det?" }).waitFor();
  // GPS places the pin, with its accuracy shown.
  await page.getByText(/ungefär ±12 m/).waitFor();
  // A photo: any real image will do; the app downscales it to a JPEG in the browser.
  const photo = await page.screenshot({ type: "png" });
  await page.getByLabel("Foto").setInputFiles({ name: "lampa.png", mimeType: "image/png", buffer: photo });
  await page.getByLabel("Beskrivning").fill("Gatlampan vid gångtunneln är trasig");
  await page.getByRole("radio", { name: "4" }).check();
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-2-form.png"), fullPage: true });
  await page.getByRole("button", { name: "Skicka rapport" }).click();
  const done = page.getByText(/Din rapport har nummer \d+/);
  await done.waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-3-sent.png"), fullPage: true });
  const id = Number((await done.textContent()).match(/nummer (\d+)/)[1]);

  // Check what the server stored, through the API.
  const o = (await srv.api(`/api/v1/observations/${id}`)).json;
  assert.equal(o.category, "lighting");
  assert.ok(Math.abs(o.lat - 57.7210) < 1e-5 && Math.abs(o.lon - 12.9401) < 1e-5, JSON.stringify(o));
  assert.equal(o.accuracy_m, 12);
  assert.equal(o.unsafe_rating, 4);
  assert.equal(o.description, "Gatlampan vid gångtunneln är trasig");
  assert.equal(o.area.code, "centrum");
  // The photo arrives after the report; wait for it.
  let photos = o.photos;
  for (let i = 0; i < 50 && photos.length === 0; i++) {
    await page.waitForTimeout(100);
    photos = (await srv.api(`/api/v1/observations/${id}`)).json.photos;
  }
  assert.equal(photos.length, 1);
  const img = await fetch(srv.base + photos[0].url);
  assert.equal(img.headers.get("content-type"), "image/jpeg");
  assert.ok(photos[0].width <= 2048 && photos[0].height <= 2048);

  // "My reports" lists it with its number and status.
  await page.getByRole("heading", { name: "Mina rapporter" }).scrollIntoViewIfNeeded();
  await page.getByText(new RegExp(`nr ${id} · Tilldelad`)).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("the app switches to English and remembers it", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Belysning" }).waitFor();
  await page.getByRole("button", { name: "Byt språk till engelska" }).click();
  await page.getByRole("button", { name: "Lighting" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "What do you want to report?" }).waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await context.close();
});

test("a nearby open report can be supported instead of filing a duplicate", async () => {
  const existing = (await srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: randomUUID(), category: "graffiti", lon: 12.94012, lat: 57.72102, description: "Klotter på tunneln" }),
  })).json;
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Klotter och skadegörelse" }).click();
  await page.getByRole("heading", { name: "Är det någon av dessa?" }).waitFor();
  await page.getByText("Klotter på tunneln").waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, "phone-4-nearby.png"), fullPage: true });
  await page.getByRole("button", { name: "Jag instämmer" }).click();
  await page.getByText(/du har instämt \(1 totalt\)/).waitFor();
  const o = (await srv.api(`/api/v1/observations/${existing.id}`)).json;
  assert.equal(o.support_count, 1);
  await context.close();
});

test("joining a walk by its link sends the walk code with the report", async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(srv.base + "/w/NORRBY1");
  await page.getByText("Trygghetsvandring Norrby").waitFor();
  await page.getByRole("button", { name: "Öde eller dold plats" }).click();
  await page.getByText(/ungefär ±12 m/).waitFor();
  await page.getByRole("button", { name: "Skicka rapport" }).click();
  const done = page.getByText(/Din rapport har nummer \d+/);
  await done.waitFor();
  const id = Number((await done.textContent()).match(/nummer (\d+)/)[1]);
  assert.equal((await srv.api(`/api/v1/observations/${id}`)).json.walk, "NORRBY1");
  await context.close();
});

test("the description's length limit is the one /api/v1/config gives, not a copy in the page", async () => {
  // A server configured away from the default (2000), so a constant in the scripts would show.
  const custom = await startServer({ config: "max_description_chars = 140\n" });
  try {
    const limits = (await custom.api("/api/v1/config")).json.limits;
    assert.equal(limits.max_description_chars, 140);
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(custom.base + "/");
    await page.getByRole("button", { name: "Belysning" }).click();
    await page.getByText(`Högst ${limits.max_description_chars} tecken.`).waitFor();
    assert.equal(await page.getByLabel("Beskrivning").getAttribute("maxlength"), String(limits.max_description_chars));
    await context.close();
  } finally {
    await custom.stop();
  }
});
