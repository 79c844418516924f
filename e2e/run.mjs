#!/usr/bin/env node
// End-to-end tests of `uptake serve` in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core; Playwright's own browser
// download is not used), with an axe-core accessibility check of every page.
//
//   node e2e/run.mjs --uptake target/debug/uptake [--chromium /usr/bin/chromium] [--keep]
//
// Builds a demo project in a fresh temporary folder, imports a hostile
// comment, adds an owner, a moderator and two coders with passwords, draws a coding
// round for the coders, starts
// `uptake serve --addr 127.0.0.1:0`, and runs the scenarios below. Exits 0
// when every scenario passed (skips are printed as SKIP with their reason),
// 1 otherwise. See e2e/README.md.

import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  HOSTILE_COMMENT,
  HOSTILE_TEXT,
  HOSTILE_VIDEO,
  HOSTILE_WORD,
  NEW_TITLE,
  NEW_VIDEO,
  contentZip,
  hostileCapture,
} from "./fixtures.mjs";

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- options

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const UPTAKE = resolve(option("--uptake", process.env.UPTAKE_BIN || "target/debug/uptake"));
const CHROMIUM = option("--chromium", process.env.CHROMIUM || "/usr/bin/chromium");
const KEEP = process.argv.includes("--keep");
/** Whole run, then it is a failure (CI must not hang). */
const RUN_LIMIT_MS = 240_000;
/** Any one wait in the browser. */
const STEP_MS = 20_000;
/** Chromium flags for this machine's closed network (Playwright adds its own
 * fresh --user-data-dir and --headless). */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const PASSWORDS = {
  sam: "owner passphrase for e2e",
  mo: "moderator passphrase e2e",
  cora: "coder passphrase for e2e",
  ben: "second coder passphrase e2e",
};
/** The codebook coded in the browser: five yes/no items, score `total`. */
const CODEBOOK = "mdiscern-5";

// ---------------------------------------------------------------- reporting

const results = [];
const axeSummary = [];
let failed = false;

function log(line) {
  process.stdout.write(line + "\n");
}

async function scenario(name, fn) {
  const started = Date.now();
  try {
    const outcome = await fn();
    if (outcome && outcome.skip) {
      results.push({ name, status: "SKIP", detail: outcome.skip });
      log(`SKIP ${name}: ${outcome.skip}`);
    } else {
      results.push({ name, status: "PASS" });
      log(`PASS ${name} (${Date.now() - started} ms)`);
    }
  } catch (e) {
    failed = true;
    results.push({ name, status: "FAIL", detail: String(e && e.stack ? e.stack : e) });
    log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

function check(cond, message) {
  if (!cond) throw new Error(message);
}

// ---------------------------------------------------------------- uptake

const work = mkdtempSync(join(tmpdir(), "uptake-e2e-"));
const project = join(work, "demo");
const env = { PATH: process.env.PATH || "/usr/bin:/bin", TZ: "UTC", HOME: work };

function uptake(args, { cwd = project, input } = {}) {
  const r = spawnSync(UPTAKE, args, { cwd, env, input, encoding: "utf8" });
  if (r.error) throw new Error(`cannot run ${UPTAKE}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`uptake ${args.join(" ")} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

function setUp() {
  uptake(["demo", project], { cwd: work });
  const capture = join(work, "hostile_comments.ndjson");
  writeFileSync(capture, hostileCapture());
  uptake(["import", capture]);
  uptake(["analyze"]);
  uptake(["user", "add", "sam", "--role", "owner"], { input: PASSWORDS.sam + "\n" });
  uptake(["user", "add", "mo", "--role", "moderator"], { input: PASSWORDS.mo + "\n" });
  uptake(["user", "add", "cora", "--role", "coder"], { input: PASSWORDS.cora + "\n" });
  uptake(["user", "add", "ben", "--role", "coder"], { input: PASSWORDS.ben + "\n" });
  // Two videos, both coded by cora and ben (the overlap set), so that the
  // reliability page has something to compute once both have coded.
  uptake(["code", "sample", "--codebook", CODEBOOK, "--units", "videos", "--n", "2", "--coders", "cora,ben", "--overlap", "2", "--seed", "7"]);
  const zip = join(work, "Content_e2e_upload.zip");
  writeFileSync(zip, contentZip());
  return { zip, capture };
}

/** Starts `uptake serve` on a free loopback port; resolves with its base URL
 * once the first line (which names the bound address) is printed. */
function serve() {
  const child = spawn(UPTAKE, ["serve", "--addr", "127.0.0.1:0"], {
    cwd: project,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr = [];
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stderr });
    const timer = setTimeout(() => fail(new Error(`uptake serve printed no address:\n${stderr.join("\n")}`)), 15_000);
    lines.on("line", (line) => {
      stderr.push(line);
      const m = /http:\/\/([^/\s]+)\//.exec(line);
      if (m && stderr.length === 1) {
        clearTimeout(timer);
        ok({ child, base: `http://${m[1]}`, stderr });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`uptake serve exited ${code}:\n${stderr.join("\n")}`));
    });
  });
}

// ---------------------------------------------------------------- browser helpers

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page as it is; records and prints every violation;
 * throws on a serious or critical one.
 *
 * The source is evaluated through the DevTools protocol (as
 * @axe-core/playwright does): `page.addScriptTag` would add an inline
 * script, which the app's Content-Security-Policy (rightly) blocks. */
async function axe(page, label) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  axeSummary.push({ page: label, violations });
  for (const v of violations) {
    log(`  axe ${label}: ${v.impact} ${v.id} (${v.help}), ${v.nodes.length} node(s)`);
    for (const n of v.nodes.slice(0, 5)) {
      log(`      ${n.target}\n        ${String(n.summary).replaceAll("\n", "\n        ")}`);
    }
  }
  check(bad.length === 0, `axe: ${bad.length} serious or critical violation(s) on ${label}: ${bad.map((v) => v.id).join(", ")}`);
}

/** Signs in on a fresh context; returns the page (on the dashboard). */
async function signIn(browser, base, name, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, ...options });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  await page.goto(base + "/login");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(PASSWORDS[name]);
  await Promise.all([page.waitForURL(base + "/"), page.getByRole("button", { name: "Sign in" }).click()]);
  return page;
}

async function videoCount(page, base) {
  await page.goto(base + "/videos");
  const text = await page.locator("p.count").innerText();
  const m = /^(\d+) videos? match/.exec(text);
  check(m, `no count on /videos: ${text}`);
  return Number(m[1]);
}

/** Platform ids (`cNNN` article ids) of the review queue's items, in order. */
async function queueIds(page) {
  return page.locator("ol.queue > li.queue-item article.comment").evaluateAll((as) => as.map((a) => a.id));
}

/** Checks the hostile comment is shown as text and nothing of it ran. */
async function inert(page, where) {
  const text = page.locator("article.comment p.text", { hasText: HOSTILE_WORD });
  try {
    await text.first().waitFor();
  } catch (e) {
    const main = await page.locator("main").innerText().catch(() => "(no main)");
    throw new Error(`${where}: the hostile comment is not on ${page.url()}:\n${main.slice(0, 1500)}`);
  }
  const shown = await text.first().textContent();
  check(shown.includes("<script>window.__pwned=1</script>"), `${where}: the <script> is not shown as text: ${shown}`);
  check(shown.includes('<img src=x onerror="window.__pwned=1;alert(1)">'), `${where}: the <img onerror> is not shown as text`);
  check(shown.includes('<a href="javascript:window.__pwned=1;alert(1)">click me</a>'), `${where}: the javascript: link is not shown as text`);
  const found = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    scripts: [...document.scripts].map((s) => s.src || "(inline)"),
    imgs: document.querySelectorAll("main img").length,
    jsLinks: [...document.querySelectorAll("a[href]")].filter((a) => /^\s*javascript:/i.test(a.getAttribute("href"))).length,
    handlers: [...document.querySelectorAll("*")].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).length,
  }));
  check(found.pwned === "undefined", `${where}: window.__pwned is ${found.pwned}`);
  check(found.scripts.length === 1 && found.scripts[0].endsWith("/assets/app.js"), `${where}: scripts ${found.scripts}`);
  check(found.imgs === 0, `${where}: ${found.imgs} <img> in main`);
  check(found.jsLinks === 0, `${where}: ${found.jsLinks} javascript: link(s)`);
  check(found.handlers === 0, `${where}: ${found.handlers} element(s) with on* attributes`);
}

// ---------------------------------------------------------------- scenarios

async function main() {
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (e) {
    throw new Error(`playwright-core is not installed: run \`npm ci\` in e2e/ (${e.message})`);
  }
  log(`uptake e2e: ${UPTAKE}, ${CHROMIUM}, work folder ${work}`);
  const { zip, capture } = setUp();
  const server = await serve();
  const { base } = server;
  log(`server: ${base}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const dialogs = [];
  const watch = (page) => page.on("dialog", async (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
  try {
    let owner;
    await scenario("sign in (wrong password refused, then the owner signs in)", async () => {
      const context = await browser.newContext();
      context.setDefaultTimeout(STEP_MS);
      const page = await context.newPage();
      const res = await page.goto(base + "/");
      check(page.url() === base + "/login", `an anonymous visitor is not sent to /login: ${page.url()} (${res.status()})`);
      await axe(page, "login");
      await page.getByLabel("Name").fill("sam");
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").filter({ hasText: "do not match" }).waitFor();
      await axe(page, "login (failed sign-in)");
      await context.close();
      owner = await signIn(browser, base, "sam");
      watch(owner);
      const who = await owner.locator(".who").innerText();
      check(who.includes("sam (owner)"), `header says ${who}`);
    });
    if (!owner) throw new Error("cannot go on without a signed-in owner");

    await scenario("accessibility: axe-core on every page (owner)", async () => {
      const pages = [
        ["dashboard", "/"],
        ["videos", "/videos"],
        ["video detail", `/videos/${HOSTILE_VIDEO}`],
        ["comments", "/comments"],
        ["review", "/review"],
        ["claims", "/claims"],
        ["coding", "/coding"],
        ["reliability", "/reliability"],
        ["adjudication", "/coding/adjudicate?codebook=discern"],
        ["imports", "/imports"],
        ["report", "/report"],
        ["settings", "/settings"],
        ["not found", "/no-such-page"],
      ];
      const errors = [];
      for (const [label, path] of pages) {
        const res = await owner.goto(base + path);
        if (label !== "not found") check(res.status() === 200, `${path}: HTTP ${res.status()}`);
        try {
          await axe(owner, label);
        } catch (e) {
          errors.push(e.message);
        }
      }
      check(errors.length === 0, errors.join("\n"));
    });

    await scenario("drop two files on /imports: two jobs, live progress to done; the video table gains its row", async () => {
      const before = await videoCount(owner, base);
      check((await owner.getByRole("link", { name: NEW_TITLE }).count()) === 0, "the new video is already listed");
      await owner.goto(base + "/imports");
      // The drop zone holds the labelled file input, which still takes several files.
      const input = owner.getByLabel("Files");
      check((await input.getAttribute("multiple")) !== null, "the file input does not take several files");
      // Drop the Studio ZIP and the hostile capture (imported before: unchanged) as a real DataTransfer.
      const files = [
        { name: "Content_e2e_upload.zip", type: "application/zip", b64: readFileSync(zip).toString("base64") },
        { name: "hostile_comments.ndjson", type: "application/x-ndjson", b64: readFileSync(capture).toString("base64") },
      ];
      const dataTransfer = await owner.evaluateHandle((list) => {
        const dt = new DataTransfer();
        for (const f of list) {
          const bin = atob(f.b64);
          const bytes = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
          dt.items.add(new File([bytes], f.name, { type: f.type }));
        }
        return dt;
      }, files);
      for (const type of ["dragenter", "dragover", "drop"]) {
        await owner.dispatchEvent(".dropzone", type, { dataTransfer });
      }
      const picked = (await owner.locator("ul.picked li").allInnerTexts()).map((t) => t.trim());
      check(picked.length === 2, `the drop zone lists ${picked.length} files: ${picked.join("; ")}`);
      check(/^Content_e2e_upload\.zip \(\d+(\.\d)? (B|KB)\)$/.test(picked[0]), `the drop zone shows ${picked[0]}`);
      check(picked[1].startsWith("hostile_comments.ndjson ("), `the drop zone shows ${picked[1]}`);
      check((await input.evaluate((el) => el.files.length)) === 2, "the dropped files are not in the file input");
      await axe(owner, "imports (files dropped)");
      await owner.getByRole("button", { name: "Upload and import" }).click();
      // The script sends each file on its own, then opens the list: one job per file.
      const row = (name) => owner.locator("tr[data-job]", { hasText: name });
      await row("Content_e2e_upload.zip").waitFor();
      await row("hostile_comments.ndjson").waitFor();
      const states = await owner.locator("tr[data-job]").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-state")));
      log(`  jobs when the list opened: ${states.join(", ")}`);
      // The script polls /imports/jobs/{id}; no reload here.
      for (const name of ["Content_e2e_upload.zip", "hostile_comments.ndjson"]) {
        await owner.locator(`tr[data-job][data-state="done"]`, { hasText: name }).waitFor({ timeout: 60_000 });
      }
      const zipRow = row("Content_e2e_upload.zip");
      const status = (await zipRow.locator(".status-text").innerText()).trim();
      check(status.startsWith("done:") && status.includes("1 new videos"), `upload status: ${status}`);
      const bar = zipRow.locator("progress");
      const [value, max] = [Number(await bar.getAttribute("value")), Number(await bar.getAttribute("max"))];
      check(max === readFileSync(zip).length && value === max, `the progress bar ends at ${value} of ${max}`);
      const again = (await row("hostile_comments.ndjson").locator(".status-text").innerText()).trim();
      check(again.startsWith("done: unchanged `hostile_comments.ndjson`"), `second upload status: ${again}`);
      // The job endpoint answers the script under the page's Content-Security-Policy.
      const id = await zipRow.getAttribute("data-job");
      const json = await owner.evaluate(async (u) => (await fetch(u, { headers: { Accept: "application/json" } })).json(), `/imports/jobs/${id}`);
      check(json.state === "done" && json.percent === 100 && json.bytes_read === json.total_bytes && json.records >= 1, `job JSON: ${JSON.stringify(json)}`);
      await axe(owner, "imports (after an upload)");
      // The history names the file as uploaded, not its temporary path.
      await owner.goto(base + "/imports");
      const history = owner.locator("article.import h3", { hasText: "Content_e2e_upload.zip" });
      check((await history.count()) === 1, "the import history does not name the uploaded file");
      const heading = (await history.innerText()).trim();
      check(/^#\d+ Content_e2e_upload\.zip$/.test(heading), `the history records ${heading}`);
      const after = await videoCount(owner, base);
      check(after === before + 1, `/videos counted ${before} videos before the upload and ${after} after`);
      const link = owner.getByRole("link", { name: NEW_TITLE });
      check((await link.count()) === 1, "the uploaded video has no row on /videos");
      await link.click();
      await owner.waitForURL(`${base}/videos/${NEW_VIDEO}`);
      await axe(owner, "video detail (uploaded video)");
    });

    await scenario("a hostile comment renders inert (script, img onerror, javascript: link)", async () => {
      await owner.goto(`${base}/comments?q=${HOSTILE_WORD}`);
      await inert(owner, "/comments");
      await owner.goto(`${base}/videos/${HOSTILE_VIDEO}`);
      await inert(owner, `/videos/${HOSTILE_VIDEO}`);
      await owner.goto(`${base}/review?scheme=claims&state=all`);
      await inert(owner, "/review?scheme=claims");
      const nick = await owner.content();
      check(!nick.includes("<b>hostile nickname</b>"), "the hostile nickname reached the page as markup");
      // The same without the Content-Security-Policy: maud's escaping alone must hold.
      const bare = await signIn(browser, base, "sam", { bypassCSP: true });
      watch(bare);
      await bare.goto(`${base}/comments?q=${HOSTILE_WORD}`);
      await inert(bare, "/comments (CSP bypassed)");
      await bare.goto(`${base}/videos/${HOSTILE_VIDEO}`);
      await inert(bare, `/videos/${HOSTILE_VIDEO} (CSP bypassed)`);
      await bare.context().close();
      check(dialogs.length === 0, `dialogs fired: ${dialogs.join("; ")}`);
    });

    await scenario("review: a moderator confirms flagged comments with the button and with keys", async () => {
      const page = await signIn(browser, base, "mo");
      watch(page);
      await page.goto(base + "/review");
      await axe(page, "review (moderator)");
      const ids = await queueIds(page);
      check(ids.length >= 3, `the queue holds ${ids.length} items`);
      // 1. The button.
      const first = ids[0];
      const item = page.locator("li.queue-item", { has: page.locator(`article#${first}`) });
      await item.getByLabel("Note").fill("confirmed by the e2e button test");
      await Promise.all([page.waitForEvent("load"), item.getByRole("button", { name: "Confirm" }).click()]);
      check(/\/review\?scheme=safety/.test(page.url()), `after Confirm the browser is on ${page.url()}`);
      let now = await queueIds(page);
      check(!now.includes(first), `${first} is still in the open queue after Confirm`);
      // 2. The keys: j moves to the next item, c confirms it.
      const [top, second] = now;
      await page.locator("body").focus();
      await page.keyboard.press("j");
      const focused = await page.evaluate(() => document.activeElement && document.activeElement.querySelector("article.comment")?.id);
      check(focused === second, `j focused ${focused}, not the second item ${second}`);
      await Promise.all([page.waitForEvent("load"), page.keyboard.press("c")]);
      now = await queueIds(page);
      check(!now.includes(second), `${second} is still in the open queue after the c key`);
      check(now.includes(top), `${top} left the queue though only ${second} was confirmed`);
      // Both are recorded as confirmed by mo.
      await page.goto(base + "/review?state=decided");
      for (const id of [first, second]) {
        const decision = await page.locator(`article#${id} p.decision`).innerText();
        check(/confirm/.test(decision) && decision.includes("by mo"), `${id}: ${decision}`);
      }
      await page.context().close();
    });

    await scenario("a coder can read the queue but not decide or upload", async () => {
      const page = await signIn(browser, base, "cora");
      await page.goto(base + "/review");
      check((await page.getByRole("button", { name: "Confirm" }).count()) === 0, "a coder sees Confirm buttons");
      await page.getByText("Your role can read the queue but not record decisions.").waitFor();
      await page.goto(base + "/imports");
      check((await page.getByRole("button", { name: "Upload and import" }).count()) === 0, "a coder sees the upload form");
      await page.context().close();
    });

    await scenario("code a video: two coders code on /coding, progress moves, reliability appears", async () => {
      /** Codes every remaining unit of `name` with the form, clicking radio
       * buttons (`answers[unit][item]` is "Yes" or "No"). */
      const codeAll = async (name, answers, axeLabel) => {
        const page = await signIn(browser, base, name);
        watch(page);
        await page.goto(base + "/coding");
        await page.getByRole("link", { name: /Modified DISCERN/ }).click();
        await page.waitForURL(/\/coding\?codebook=mdiscern-5/);
        const progress = async () => (await page.locator("p.progress label").innerText()).trim();
        check((await progress()) === "Your progress: 0 of 2 units coded", `${name}: ${await progress()}`);
        if (axeLabel) await axe(page, axeLabel);
        // Blind: the page names no other coder and pre-selects nothing.
        check((await page.locator("input[type=radio]:checked").count()) === 0, `${name}: answers are pre-selected`);
        for (let unit = 0; unit < 2; unit++) {
          const groups = page.locator("form.coding fieldset.item");
          const n = await groups.count();
          check(n === 5, `${name}: ${n} items on the form, expected 5`);
          for (let i = 0; i < n; i++) {
            await groups.nth(i).getByLabel(answers[unit][i], { exact: true }).click();
          }
          await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Save" }).click()]);
          check(/saved=1/.test(page.url()), `${name}: after Save the browser is on ${page.url()}`);
          await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
          const now = await progress();
          check(now === `Your progress: ${unit + 1} of 2 units coded`, `${name} after saving unit ${unit + 1}: ${now}`);
          check(Number(await page.locator("progress#coded").getAttribute("value")) === unit + 1, `${name}: the progress bar did not move`);
        }
        await page.getByText("Every unit assigned to you is coded.").waitFor();
        if (axeLabel) await axe(page, `${axeLabel}, all coded`);
        return page;
      };
      const cora = await codeAll("cora", [["Yes", "No", "Yes", "No", "Yes"], ["No", "No", "Yes", "Yes", "No"]], "coding (coder, form)");
      // cora is done, ben is not: the reliability stays hidden from cora.
      const hidden = await cora.goto(`${base}/reliability?codebook=${CODEBOOK}`);
      check(hidden.status() === 403, `a coder read reliability while coding was in progress: HTTP ${hidden.status()}`);
      await cora.context().close();
      const ben = await codeAll("ben", [["Yes", "No", "Yes", "No", "Yes"], ["No", "Yes", "Yes", "Yes", "No"]]);
      await ben.context().close();
      await owner.goto(base + "/coding");
      const team = owner.locator("table", { hasText: CODEBOOK });
      check((await team.locator("tr", { hasText: "cora" }).innerText()).replace(/\s+/g, " ").includes("cora 2 2 2"), "the team table does not count cora's 2 coded units");
      await axe(owner, "coding (owner, team progress)");
      const res = await owner.goto(`${base}/reliability?codebook=${CODEBOOK}`);
      check(res.status() === 200, `/reliability?codebook=${CODEBOOK}: HTTP ${res.status()}`);
      await owner.getByText("2 units coded by two or more of 2 coders (ben, cora)").waitFor();
      check((await owner.locator("tbody tr", { hasText: "score: total" }).count()) === 1, "no row for the score total");
      await axe(owner, "reliability (table)");
      await owner.getByRole("link", { name: "total", exact: true }).click();
      await owner.waitForURL(`${base}/reliability?codebook=${CODEBOOK}&icc=total`);
      check((await owner.locator("tbody tr").count()) === 10, "the ICC page does not list ten forms");
      await axe(owner, "reliability (ICC forms)");
    });

    await scenario("download the report: HTML with the synthetic-data notice", async () => {
      await owner.goto(base + "/report");
      const notice = (await owner.locator(".synthetic [role=note]").innerText()).trim();
      check(notice.length > 20, `no synthetic notice on /report: ${notice}`);
      const [download] = await Promise.all([
        owner.waitForEvent("download"),
        owner.getByRole("button", { name: "Download the report" }).click(),
      ]);
      check(download.suggestedFilename() === "uptake-report.html", `file name ${download.suggestedFilename()}`);
      const html = readFileSync(await download.path(), "utf8");
      check(/^\s*<!DOCTYPE html>/i.test(html), `the download is not HTML: ${html.slice(0, 80)}`);
      check(/class="synthetic-banner" role="note">SYNTHETIC/.test(html), "the report has no synthetic-data banner");
      check(html.includes(notice.slice(0, 40)), `the report lacks the notice the pages show: ${notice.slice(0, 40)}`);
      check(html.includes(NEW_TITLE), "the report does not list the uploaded video");
      check(!html.includes("<script>window.__pwned"), "the report holds the hostile comment as markup");
      const res = await owner.request.get(base + "/report/download");
      check(res.status() === 200 && res.headers()["content-type"].startsWith("text/html"), `GET /report/download: ${res.status()} ${res.headers()["content-type"]}`);
      check(/attachment; filename="uptake-report.html"/.test(res.headers()["content-disposition"] || ""), "no attachment header");
      log(`  report: ${html.length} bytes; notice on the page: "${notice.slice(0, 80)}…"`);
    });

    await scenario("sign out", async () => {
      await Promise.all([owner.waitForURL(base + "/login"), owner.getByRole("button", { name: "Sign out" }).click()]);
      await owner.goto(base + "/settings");
      check(owner.url() === base + "/login", `after signing out /settings went to ${owner.url()}`);
    });
  } finally {
    await browser.close().catch(() => {});
    server.child.kill();
  }
}

const limit = setTimeout(() => {
  log(`FAIL: the run took longer than ${RUN_LIMIT_MS / 1000} s`);
  process.exit(1);
}, RUN_LIMIT_MS);

try {
  await main();
} catch (e) {
  failed = true;
  log(`FAIL setup: ${e && e.stack ? e.stack : e}`);
}
clearTimeout(limit);

const serious = axeSummary.reduce((n, p) => n + p.violations.filter((v) => v.impact === "serious" || v.impact === "critical").length, 0);
const other = axeSummary.reduce((n, p) => n + p.violations.filter((v) => v.impact !== "serious" && v.impact !== "critical").length, 0);
log(`\naxe-core: ${axeSummary.length} page states checked; ${serious} serious/critical, ${other} moderate/minor violation(s)`);
for (const r of results) log(`${r.status.padEnd(4)} ${r.name}${r.status === "SKIP" ? ` (${r.detail})` : ""}`);
if (KEEP) log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
