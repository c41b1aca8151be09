// Optional follow-up by e-mail (issue 10), at phone size (412 px): the checkbox appears
// once an e-mail address is typed and files the wish with the report; the unsubscribe
// page from a follow-up mail asks before it does anything, works once, and passes axe
// in Swedish and English.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { startServer, launchBrowser, PHONE, axe } from "./lib/server.mjs";

const PASSWORD = "correct horse battery staple";
const PHONE_412 = { ...PHONE, viewport: { width: 412, height: 915 } };

// Just enough SMTP to accept mail; resolves waiters when a message arrives.
function smtpSink() {
  const messages = [];
  let waiters = [];
  const server = createServer((sock) => {
    let buf = "", inData = false, data = "";
    sock.write("220 sink\r\n");
    sock.on("data", (chunk) => {
      buf += chunk.toString("utf8");
      let i;
      while ((i = buf.indexOf("\r\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            messages.push(data);
            data = "";
            waiters.forEach((w) => w());
            waiters = [];
            sock.write("250 queued\r\n");
          } else data += line + "\r\n";
        } else if (/^DATA$/i.test(line)) { inData = true; sock.write("354 go on\r\n"); }
        else if (/^QUIT/i.test(line)) { sock.end("221 bye\r\n"); }
        else sock.write("250 ok\r\n");
      }
    });
    sock.on("error", () => {});
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    port: server.address().port,
    messages,
    close: () => new Promise((r) => server.close(r)),
    // Resolves to the first message that pred accepts, waiting for it to arrive.
    async waitFor(pred) {
      for (;;) {
        const m = messages.find(pred);
        if (m) return m;
        await new Promise((r) => waiters.push(r));
      }
    },
  })));
}

let srv, browser, sink;
before(async () => {
  sink = await smtpSink();
  srv = await startServer({ config: `smtp_url = smtp://127.0.0.1:${sink.port}\nsmtp_from = trygg@boras.example\noutbox_poll_ms = 50\n` });
  browser = await launchBrowser();
  srv.addUser("tove", "triage", PASSWORD);
});
after(async () => { await browser?.close(); await srv?.stop(); await sink?.close(); });

function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  return errors;
}

async function staffCall(method, pathname, body) {
  const login = await fetch(srv.base + "/api/v1/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "tove", password: PASSWORD }),
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrf_token: csrf } = await login.json();
  const res = await fetch(srv.base + pathname, {
    method, body: JSON.stringify(body),
    headers: { Cookie: cookie, "X-CSRF-Token": csrf, "Content-Type": "application/json" },
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

test("the follow-up checkbox appears with an e-mail address and files the wish in the page's language", async () => {
  const context = await browser.newContext(PHONE_412);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(srv.base + "/");
  await page.getByRole("button", { name: "Klotter och skadegörelse" }).click();
  await page.getByText(/ungefär ±12 m/).waitFor();
  await page.getByText("Vill du bli kontaktad? (frivilligt)").click();
  const email = page.getByRole("textbox", { name: "E-post" });
  await email.waitFor();
  const box = page.getByRole("checkbox", { name: "Meddela mig när status ändras" });
  assert.equal(await box.count(), 0, "no checkbox before there is an address");
  await email.fill("foljare@example.se");
  await box.waitFor();
  assert.equal(await box.isChecked(), false, "unchecked by default");
  // Taking the address away takes the offer (and the tick) away.
  await box.check();
  await email.fill("");
  await box.waitFor({ state: "hidden" });
  await email.fill("foljare@example.se");
  await box.waitFor();
  assert.equal(await box.isChecked(), false);
  const size = await box.locator("xpath=..").boundingBox();
  assert.ok(size.height >= 44, "the label is a 44 px target: " + size.height);
  assert.deepEqual(await axe(page), []);
  await box.check();
  await page.getByRole("button", { name: "Skicka rapport" }).click();
  const done = page.getByText(/Din rapport har nummer \d+/);
  await done.waitFor();
  const id = Number((await done.textContent()).match(/nummer (\d+)/)[1]);
  const stored = JSON.parse(srv.cli(["reporter", "export", "foljare@example.se"]));
  assert.deepEqual(stored.reports.map((r) => [r.id, r.reporter.follow_up, r.reporter.lang]), [[id, true, "sv"]]);
  // The public answer knows nothing of it.
  const pub = await srv.api(`/api/v1/observations/${id}`);
  assert.ok(!/foljare|follow_up/.test(pub.text), pub.text);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the unsubscribe page asks first, works once, and passes axe in Swedish and English", async () => {
  const address = "sluta.nu@example.se";
  const r = await srv.api("/api/v1/observations", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ client_id: crypto.randomUUID(), category: "litter", lon: 12.9405, lat: 57.7215,
                           reporter: { email: address }, follow_up: true }),
  });
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  const next = { new: "acknowledged", acknowledged: "rejected", assigned: "in_progress" }[r.json.status];
  assert.equal((await staffCall("POST", `/api/v1/cases/${id}/state`, { state: next, reason: "other" })).status, 200);
  const msg = await sink.waitFor((m) => m.includes(`To: <${address}>`));
  const token = msg.match(/\/unsubscribe\?token=([0-9a-f]{64})/)[1];

  const context = await browser.newContext(PHONE_412);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${srv.base}/unsubscribe?token=${token}`);
  await page.getByRole("heading", { level: 1, name: "Sluta få mejl om rapporten" }).waitFor();
  assert.equal(await page.title(), "Sluta få mejl om rapporten");
  // Opening the page changed nothing.
  assert.equal(JSON.parse(srv.cli(["reporter", "export", address])).reports[0].reporter.follow_up, true);
  assert.deepEqual(await axe(page), []);
  await page.getByRole("button", { name: "Sluta skicka mejl" }).click();
  await page.getByRole("status").filter({ hasText: "Klart. Du får inga fler mejl om den här rapporten." }).waitFor();
  assert.equal(JSON.parse(srv.cli(["reporter", "export", address])).reports[0].reporter.follow_up, false);
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { level: 1, name: "Stop e-mails about the report" }).waitFor();
  await page.getByRole("status").filter({ hasText: "Done. You will get no more e-mails about this report." }).waitFor();
  assert.deepEqual(await axe(page), []);

  // The same link again: friendly words, no button to press.
  await page.reload();
  await page.getByRole("button", { name: "Stop sending e-mails" }).click();
  await page.getByRole("alert").filter({ hasText: "This link is unknown or was used already." }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Stop sending e-mails" }).count(), 0);
  assert.deepEqual(await axe(page), []);
  // Without a token there is nothing to press.
  await page.goto(`${srv.base}/unsubscribe`);
  await page.getByRole("alert").filter({ hasText: "The link lacks its code." }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Stop sending e-mails" }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
