// The built page in headless Chromium, opened from file:// (the offline promise): a
// scenario runs, its diagram is an SVG, a broken scenario is underlined with the checker's
// diagnostic, trials show their bars, a sweep its chart, explore its witnesses, an exercise
// grades (failing as handed out, passing with its solution), long work can be cancelled,
// and a screenshot is written (web/dist/screenshot.png).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";
import { chromium } from "playwright-core";

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const url = pathToFileURL(join(web, "dist/index.html")).href;
const T = 60_000;
let context, page, profile;
const errors = [];

before(async () => {
  profile = mkdtempSync(join(tmpdir(), "herald-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    timeout: T,
    viewport: { width: 1400, height: 860 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(T);
  page.on("pageerror", (e) => errors.push(String(e)));
  // Offline: nothing but the page's own folder may be loaded.
  await page.route("**/*", (r) => (r.request().url().startsWith("file://") || r.request().url().startsWith("blob:") || r.request().url().startsWith("data:") ? r.continue() : r.abort()));
  await page.goto(url);
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function setText(text) {
  await page.evaluate((t) => {
    const v = window.heraldPlayground.view;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } });
  }, text);
}

async function pick(path) {
  await page.evaluate((p) => {
    const h = window.heraldPlayground;
    const i = h.bundled.findIndex((s) => s.path === p);
    document.getElementById("picker").value = String(i);
    h.load(h.bundled[i]);
  }, path);
}

test("a bundled scenario runs as the page opens, from file://", async () => {
  await page.waitForFunction(() => document.getElementById("run-out").textContent.includes("Outcome:"));
  const out = await page.textContent("#run-out");
  // What the command line prints for it.
  const bin = process.env.HERALD_BIN || join(root, "target/debug/herald");
  const cli = spawnSync(bin, ["run", "scenarios/attempt2-acknowledgment.herald"], { cwd: root, encoding: "utf8" });
  assert.equal(out, cli.stdout + cli.stderr);
});

test("the diagram is an SVG", async () => {
  await page.click('#tabs button[data-tab="diagram"]');
  await page.waitForSelector("#diagram svg");
  const texts = await page.textContent("#diagram svg");
  assert.match(texts, /attack at dawn/);
});

test("a broken scenario is underlined, with the checker's diagnostic and help", async () => {
  await setText('scenario "broken"\ngeneral A {\n  decide at dawn: attack if received plan from B\n}\n');
  await page.waitForSelector(".problem.error");
  await page.waitForSelector(".cm-lintRange-error");
  const problems = await page.textContent("#problems");
  assert.match(problems, /error herald::\S+ \(line \d+\)/);
  assert.match(problems, /help: /);
  await page.waitForFunction(() => document.getElementById("run-out").classList.contains("failed"));
});

test("trials show the outcome bars", async () => {
  await pick("scenarios/attempt2-acknowledgment.herald");
  await page.click('#tabs button[data-tab="trials"]');
  await page.fill("#trials-n", "3000");
  await page.click("#trials-go");
  await page.waitForSelector("#trials-bars .bar");
  assert.match(await page.textContent("#trials-out"), /3,000 trials|3000 trials/);
});

test("long work can be cancelled, and the next runs", async () => {
  await page.fill("#trials-n", "2000000000");
  await page.click("#trials-go");
  await page.waitForSelector("#busy:not([hidden])");
  await page.click("#cancel");
  await page.waitForSelector("#busy", { state: "hidden" });
  await page.fill("#trials-n", "1000");
  await page.click("#trials-go");
  await page.waitForFunction(() => /1,000 trials|1000 trials/.test(document.getElementById("trials-out").textContent));
});

test("a sweep draws herald's chart", async () => {
  await page.click('#tabs button[data-tab="sweep"]');
  await page.fill("#sweep-param", "loss=0%..100%:25%");
  await page.click("#sweep-go");
  await page.waitForSelector("#sweep-chart img");
  assert.match(await page.textContent("#sweep-out"), /loss/);
});

test("explore shows each witness with its diagram", async () => {
  await page.click('#tabs button[data-tab="explore"]');
  await page.click("#explore-go");
  await page.waitForSelector("#witnesses .witness .diagram svg");
});

test("an exercise grades: failing as handed out, with its hints; passing with its solution", async () => {
  const ex = "scenarios/exercises/02-beacon.herald";
  await pick(ex);
  await page.waitForSelector('#tabs button[data-tab="grade"].on');
  await page.click("#grade-go");
  await page.waitForSelector("#grade-verdict.fail");
  assert.match(await page.textContent("#grade-out"), /hint/);
  await setText(readFileSync(join(root, "scenarios/exercises/solutions/02-beacon.herald"), "utf8"));
  await page.click("#grade-go");
  await page.waitForSelector("#grade-verdict.pass");
});

test("analyze shows the exact odds as bars", async () => {
  await pick("scenarios/attempt2-acknowledgment.herald");
  await page.click('#tabs button[data-tab="analyze"]');
  await page.click("#analyze-go");
  await page.waitForSelector("#analyze-bars .bar");
  assert.match(await page.textContent("#analyze-out"), /victory/);
});

test("the YAML report downloads as the command line writes it", async () => {
  await pick("scenarios/attempt2-acknowledgment.herald");
  await page.fill("#seed", "4");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#dl-yaml")]);
  assert.equal(download.suggestedFilename(), "attempt2-acknowledgment.yaml");
  const got = readFileSync(await download.path(), "utf8");
  const bin = process.env.HERALD_BIN || join(root, "target/debug/herald");
  const argv = ["run", "scenarios/attempt2-acknowledgment.herald", "--seed", "4", "--format", "yaml"];
  assert.equal(got, spawnSync(bin, argv, { cwd: root, encoding: "utf8" }).stdout);
  await page.fill("#seed", "");
});

test("a student's edits are kept across a reload, until Reset", async () => {
  const ex = "scenarios/exercises/01-first-messenger.herald";
  await page.evaluate((p) => {
    const h = window.heraldPlayground;
    const i = h.bundled.findIndex((s) => s.path === p);
    const picker = document.getElementById("picker");
    picker.value = String(i);
    picker.dispatchEvent(new Event("change"));
  }, ex);
  await page.evaluate(() => {
    const v = window.heraldPlayground.view;
    v.dispatch({ changes: { from: v.state.doc.length, insert: "\n# my attempt\n" } });
  });
  await page.waitForSelector("#reset:not([hidden])");
  await page.waitForTimeout(800); // the edits are saved half a second after the last key
  await page.reload();
  await page.waitForFunction(() => window.heraldPlayground.view.state.doc.toString().includes("# my attempt"));
  assert.equal(await page.evaluate(() => window.heraldPlayground.fileName()), ex);
  page.once("dialog", (d) => d.accept());
  await page.click("#reset");
  await page.waitForFunction(() => !window.heraldPlayground.view.state.doc.toString().includes("# my attempt"));
});

test("a share link opens the same scenario", async () => {
  await pick("scenarios/partition.herald");
  await page.fill("#seed", "3");
  await page.click("#share");
  const shared = await page.evaluate(() => location.href);
  assert.match(shared, /#.*s=/);
  const other = await context.newPage();
  await other.goto(shared);
  await other.waitForFunction(() => document.getElementById("run-out").textContent.includes("seed 3"));
  assert.equal(await other.inputValue("#seed"), "3");
  await other.close();
});

test("a screenshot of the page", async () => {
  await pick("scenarios/attempt2-acknowledgment.herald");
  await page.click('#tabs button[data-tab="diagram"]');
  await page.waitForSelector("#diagram svg");
  await page.waitForFunction(() => document.getElementById("run-out").textContent.includes("Outcome:"));
  await page.screenshot({ path: join(web, "dist/screenshot.png") });
  assert.deepEqual(errors, [], "no errors in the page");
});
