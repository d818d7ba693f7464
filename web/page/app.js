// The playground page: the editor (CodeMirror 6, with herald's highlighting and the
// checker's diagnostics), and every command run by herald's own WebAssembly build in Web
// Workers. web/build.sh bundles this file with esbuild into dist/app.js (a classic
// script: a page opened from file:// may load no ES modules).
/* global mermaid, HERALD_SCENARIOS, HERALD_WORKER_SOURCE */
import { EditorView, basicSetup } from "codemirror";
import { EditorState, Compartment } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { linter, lintGutter, forceLinting } from "@codemirror/lint";
import { herald } from "./herald-lang.js";

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- workers

class Cancelled extends Error {}

// One worker running herald. `call` queues a request; `restart` ends the worker (and
// whatever it was doing) and starts a fresh one.
class Herald {
  constructor(onProgress) {
    this.onProgress = onProgress || (() => {});
    this.url = URL.createObjectURL(new Blob([HERALD_WORKER_SOURCE], { type: "text/javascript" }));
    this.start();
  }
  start() {
    this.pending = new Map();
    this.next = 1;
    this.worker = new Worker(this.url);
    this.worker.onmessage = (e) => {
      const m = e.data;
      if (m.type === "progress") return this.onProgress(m);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.type === "result") p.resolve(m.result);
      else p.reject(new Error(m.message));
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      const err = new Error("herald stopped: " + (e.message || "an error in the worker"));
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker.terminate();
      this.start();
    };
  }
  call(fn, args) {
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, fn, args });
    });
  }
  busy() {
    return this.pending.size > 0;
  }
  restart() {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Cancelled("cancelled"));
    this.start();
  }
}

// The quick worker checks and runs on every edit; the long one does trials, analyze,
// explore, sweep and test, with progress, and can be cancelled.
const quick = new Herald();
const progress = { total: 0, done: 0 };
const long = new Herald((m) => {
  if (m.kind === "start") {
    progress.total = m.amount;
    progress.done = 0;
    $("progress").max = m.amount;
    $("progress").value = 0;
    $("busy-text").textContent = `0 / ${m.amount} ${m.text}`;
  } else if (m.kind === "advance") {
    progress.done += m.amount;
    $("progress").value = progress.done;
    $("busy-text").textContent = `${progress.done} / ${progress.total} trials`;
  } else if (m.kind === "status") {
    $("progress").removeAttribute("value");
    $("busy-text").textContent = m.text;
  }
});

// ---------------------------------------------------------------- the scenario

const bundled = HERALD_SCENARIOS; // [{ path, group, title, text }]
let fileName = "scenario.herald";

function scenarioText() {
  return view.state.doc.toString();
}

function params() {
  return $("params")
    .value.split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function paramArgs() {
  return params().flatMap((p) => ["--param", p]);
}

function seedArgs() {
  const s = $("seed").value.trim();
  return s === "" ? [] : ["--seed", s];
}

// Runs `herald ARGS...` on the scenario in the editor.
function herald_(worker, argv, extra) {
  const files = { [fileName]: scenarioText() };
  return worker.call("command", { argv, files, collect: [], progress: worker === long, ...extra });
}

// ---------------------------------------------------------------- the editor

let checkSerial = 0;
async function diagnose(view) {
  const text = view.state.doc.toString();
  const serial = ++checkSerial;
  let problems;
  try {
    problems = await quick.call("check", { name: fileName, text, params: params() });
  } catch (e) {
    return [];
  }
  if (serial !== checkSerial) return [];
  showProblems(problems, text.length);
  const diags = [];
  for (const p of problems) {
    const main = p.labels[0];
    const from = main ? Math.min(main.from, text.length) : 0;
    const to = main ? Math.min(Math.max(main.to, from), text.length) : Math.min(1, text.length);
    let message = `${p.message} [${p.code}]`;
    if (main && main.text) message += `\n${main.text}`;
    if (p.help) message += `\nhelp: ${p.help}`;
    diags.push({ from, to, severity: p.severity, message });
    for (const l of p.labels.slice(1)) {
      const f = Math.min(l.from, text.length);
      diags.push({ from: f, to: Math.min(Math.max(l.to, f), text.length), severity: "info", message: l.text || p.message });
    }
  }
  return diags;
}

function showProblems(problems) {
  const box = $("problems");
  box.replaceChildren();
  for (const p of problems) {
    const div = document.createElement("div");
    div.className = "problem " + p.severity;
    const line = p.labels[0] ? lineOf(p.labels[0].from) : null;
    div.innerHTML = `<span class="sev"></span> <span class="msg"></span><div class="help"></div>`;
    div.querySelector(".sev").textContent = `${p.severity} ${p.code}${line ? ` (line ${line})` : ""}:`;
    div.querySelector(".msg").textContent = p.message + (p.labels[0] && p.labels[0].text ? ` — ${p.labels[0].text}` : "");
    div.querySelector(".help").textContent = p.help ? "help: " + p.help : "";
    if (p.labels[0]) {
      div.onclick = () => {
        const at = Math.min(p.labels[0].from, view.state.doc.length);
        view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
        view.focus();
      };
    }
    box.appendChild(div);
  }
}

function lineOf(offset) {
  return view.state.doc.lineAt(Math.min(offset, view.state.doc.length)).number;
}

const onEdit = EditorView.updateListener.of((u) => {
  if (!u.docChanged) return;
  scheduleRun();
  const o = original(fileName);
  $("reset").hidden = o === null || o === u.state.doc.toString();
});

const view = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    doc: "",
    extensions: [
      basicSetup,
      keymap.of([indentWithTab]),
      herald,
      lintGutter(),
      linter(diagnose, { delay: 250 }),
      onEdit,
      EditorView.theme({ "&": { fontSize: "13px" }, ".cm-content": { fontFamily: "ui-monospace, 'DejaVu Sans Mono', monospace" } }),
    ],
  }),
});

// ---------------------------------------------------------------- the run, on every edit

let runTimer = null;
let runSerial = 0;
let diagramSerial = 0;
let runStarted = null;

function scheduleRun() {
  clearTimeout(runTimer);
  runTimer = setTimeout(runNow, 300);
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveEdits, 500);
}

// ---------------------------------------------------------------- edits kept in the browser

// Each file's edits are kept in this browser (localStorage) until Reset, so a student's
// work survives a reload or a visit to another exercise; the last file open is reopened.
let saveTimer = null;
const KEPT = "herald-playground:";

function original(path) {
  const s = bundled.find((b) => b.path === path);
  return s ? s.text : null;
}

function saveEdits() {
  // A shared link's text is not the student's own work on the file it names.
  if ($("picker").value === "own") return;
  try {
    const text = scenarioText();
    if (original(fileName) === text) localStorage.removeItem(KEPT + fileName);
    else localStorage.setItem(KEPT + fileName, text);
    localStorage.setItem(KEPT + "last", JSON.stringify({ path: fileName, seed: $("seed").value, params: $("params").value }));
  } catch {
    // Storage refused (a private window): edits are not kept.
  }
}

function kept(path) {
  try {
    return localStorage.getItem(KEPT + path);
  } catch {
    return null;
  }
}

async function runNow() {
  const serial = ++runSerial;
  // A run from an older text still going after two seconds (a long scenario): start the
  // quick worker afresh rather than wait for it.
  if (runStarted !== null && performance.now() - runStarted > 2000) quick.restart();
  runStarted = performance.now();
  const base = ["run", fileName, ...seedArgs(), ...paramArgs()];
  let text, mmd;
  try {
    [text, mmd] = await Promise.all([herald_(quick, base), herald_(quick, [...base, "--format", "mermaid"])]);
  } catch (e) {
    if (e instanceof Cancelled) return;
    text = { code: 101, stdout: "", stderr: String(e.message) };
  }
  if (serial !== runSerial) return;
  runStarted = null;
  show("run-out", text);
  if (mmd && mmd.code === 0) await drawDiagram($("diagram"), mmd.stdout, $("diagram-src"));
  else {
    $("diagram").textContent = "(no diagram: the scenario does not run)";
    $("diagram-src").textContent = "";
  }
}

// Shows a command's output: standard output, then standard error (diagnostics, errors).
function show(id, ran) {
  const pre = $(id);
  pre.textContent = ran.stdout + (ran.stderr ? (ran.stdout ? "\n" : "") + ran.stderr : "");
  pre.classList.toggle("failed", ran.code !== 0 && ran.code !== 1);
}

async function drawDiagram(box, source, srcBox) {
  if (srcBox) srcBox.textContent = source;
  try {
    const { svg } = await mermaid.render("herald-diagram-" + ++diagramSerial, source);
    box.innerHTML = svg;
  } catch (e) {
    box.textContent = "Mermaid could not draw this run: " + e.message;
  }
}

// ---------------------------------------------------------------- long work

let longSerial = 0;

async function longRun(label, work) {
  const serial = ++longSerial;
  if (long.busy()) long.restart();
  $("busy").hidden = false;
  $("busy-text").textContent = label + "…";
  $("progress").removeAttribute("value");
  try {
    await work();
  } catch (e) {
    if (!(e instanceof Cancelled)) alert(e.message);
  } finally {
    if (serial === longSerial) $("busy").hidden = true;
  }
}

$("cancel").onclick = () => {
  long.restart();
  $("busy").hidden = true;
};

function bars(box, rows) {
  box.replaceChildren();
  for (const r of rows) {
    const name = document.createElement("span");
    name.textContent = r.outcome;
    const track = document.createElement("div");
    const bar = document.createElement("div");
    bar.className = "bar " + r.outcome;
    bar.style.width = (100 * r.share).toFixed(2) + "%";
    track.appendChild(bar);
    const pct = document.createElement("span");
    pct.textContent = (100 * r.share).toFixed(2) + "%";
    box.append(name, track, pct);
  }
}

$("trials-go").onclick = () =>
  longRun("trials", async () => {
    const n = String(Math.max(1, parseInt($("trials-n").value, 10) || 10000));
    const argv = ["run", fileName, "--trials", n, ...seedArgs(), ...paramArgs()];
    const text = await herald_(long, argv);
    show("trials-out", text);
    const json = await herald_(long, [...argv, "--format", "json"]);
    if (json.code === 0) bars($("trials-bars"), JSON.parse(json.stdout).outcomes);
    else $("trials-bars").replaceChildren();
  });

$("analyze-go").onclick = () =>
  longRun("analyze", async () => {
    const argv = ["analyze", fileName, ...paramArgs()];
    const text = await herald_(long, argv);
    show("analyze-out", text);
    const json = await herald_(long, [...argv, "--format", "json"]);
    if (json.code === 0) {
      const rows = JSON.parse(json.stdout).outcomes.map((o) => ({ outcome: o.outcome, share: o.probability }));
      bars($("analyze-bars"), rows);
    } else $("analyze-bars").replaceChildren();
  });

$("explore-go").onclick = () =>
  longRun("explore", async () => {
    const argv = ["explore", fileName, ...paramArgs(), ...($("explore-fixed").checked ? ["--fixed-delays"] : [])];
    const ran = await herald_(long, [...argv, "--save-replays", "witnesses"], { collect: ["witnesses/"] });
    show("explore-out", ran);
    const box = $("witnesses");
    box.replaceChildren();
    for (const [path, replay] of Object.entries(ran.files)) {
      if (replay === null) continue;
      const card = document.createElement("div");
      card.className = "witness";
      const h = document.createElement("h3");
      h.textContent = path.replace(/^witnesses\//, "");
      const d = document.createElement("div");
      d.className = "diagram";
      card.append(h, d);
      box.appendChild(card);
      const files = { [fileName]: scenarioText(), [path]: replay };
      const mmd = await long.call("command", { argv: ["run", fileName, "--replay", path, "--format", "mermaid"], files });
      if (mmd.code === 0) await drawDiagram(d, mmd.stdout);
      else d.textContent = mmd.stderr;
    }
  });

$("sweep-go").onclick = () =>
  longRun("sweep", async () => {
    const p = $("sweep-param").value.trim();
    const how = $("sweep-exact").checked
      ? ["--exact"]
      : ["--trials", String(Math.max(1, parseInt($("sweep-trials").value, 10) || 2000)), ...seedArgs()];
    const fixed = paramArgs().filter((_, i, a) => !(a[i - 1] === "--param" && a[i].split("=")[0] === p.split("=")[0]));
    const argv = ["sweep", fileName, "--param", p, ...how, ...fixed, "--chart", "chart.svg"];
    const ran = await herald_(long, argv, { collect: ["chart.svg"] });
    show("sweep-out", ran);
    const svg = ran.files["chart.svg"];
    const box = $("sweep-chart");
    box.replaceChildren();
    if (svg) box.appendChild(svgImage(svg));
  });

// An SVG shown as an image (herald's own chart, drawn by plotters): no script runs in it.
function svgImage(svg) {
  const img = document.createElement("img");
  img.alt = "the sweep's chart";
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  return img;
}

$("grade-go").onclick = () =>
  longRun("grading", async () => {
    const ran = await herald_(long, ["test", fileName]);
    show("grade-out", ran);
    const v = $("grade-verdict");
    v.className = ran.code === 0 ? "pass" : "fail";
    v.textContent = ran.code === 0 ? "✓ every expectation holds" : ran.code === 1 ? "✗ not yet: see the hints below" : "✗ the scenario does not load";
  });

// ---------------------------------------------------------------- tabs

for (const b of document.querySelectorAll("#tabs button")) {
  b.onclick = () => selectTab(b.dataset.tab);
}
function selectTab(name) {
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("on", b.dataset.tab === name);
  for (const p of document.querySelectorAll(".panel")) p.classList.toggle("on", p.id === "panel-" + name);
}

// ---------------------------------------------------------------- picker, share, downloads

function fillPicker() {
  const picker = $("picker");
  const groups = {};
  for (const [i, s] of bundled.entries()) {
    if (!groups[s.group]) {
      groups[s.group] = document.createElement("optgroup");
      groups[s.group].label = s.group;
      picker.appendChild(groups[s.group]);
    }
    const o = document.createElement("option");
    o.value = String(i);
    o.textContent = s.title ? `${s.title}` : s.path;
    o.title = s.path;
    groups[s.group].appendChild(o);
  }
  const own = document.createElement("option");
  own.value = "own";
  own.textContent = "(your own / shared)";
  picker.appendChild(own);
  picker.onchange = () => {
    if (picker.value !== "own") openBundled(bundled[Number(picker.value)]);
  };
}

// A bundled file, with this browser's edits of it if any.
function openBundled(s, seed, ps) {
  const edited = kept(s.path);
  load(edited !== null ? { ...s, text: edited } : s, seed, ps);
  $("reset").hidden = edited === null;
}

$("reset").onclick = () => {
  const text = original(fileName);
  if (text === null || !confirm("Put back the file as it was bundled? Your edits of it are lost.")) return;
  try {
    localStorage.removeItem(KEPT + fileName);
  } catch {}
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  $("reset").hidden = true;
};

function load(s, seed, ps) {
  fileName = s.path;
  $("seed").value = seed || "";
  $("params").value = ps || "";
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: s.text } });
  for (const id of ["trials-out", "analyze-out", "explore-out", "sweep-out", "grade-out"]) $(id).textContent = "";
  for (const id of ["trials-bars", "analyze-bars", "witnesses", "sweep-chart"]) $(id).replaceChildren();
  $("grade-verdict").textContent = "";
  const sweepable = /^\s*param\s+([A-Za-z_][\w-]*)\s*=\s*(\d+(\.\d+)?%)/m.exec(s.text);
  $("sweep-param").value = sweepable ? `${sweepable[1]}=0%..100%:10%` : "";
  if (s.group === "Exercises") selectTab("grade");
  scheduleRun();
}

function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(s) {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

$("share").onclick = async () => {
  const q = new URLSearchParams();
  q.set("name", fileName);
  q.set("s", toBase64Url(scenarioText()));
  if ($("seed").value.trim()) q.set("seed", $("seed").value.trim());
  if ($("params").value.trim()) q.set("params", $("params").value.trim());
  history.replaceState(null, "", "#" + q.toString());
  try {
    await navigator.clipboard.writeText(location.href);
    flash("share", "Link copied");
  } catch {
    flash("share", "Link in the address bar");
  }
};

function flash(id, text) {
  const b = $(id);
  const old = b.textContent;
  b.textContent = text;
  setTimeout(() => (b.textContent = old), 1500);
}

function fromFragment() {
  if (!location.hash) return false;
  const q = new URLSearchParams(location.hash.slice(1));
  const picked = q.get("pick");
  if (picked) {
    const i = bundled.findIndex((s) => s.path === picked);
    if (i >= 0) {
      $("picker").value = String(i);
      load(bundled[i], q.get("seed"), q.get("params"));
      return true;
    }
  }
  if (!q.get("s")) return false;
  let text;
  try {
    text = fromBase64Url(q.get("s"));
  } catch {
    return false;
  }
  const name = (q.get("name") || "scenario.herald").replace(/[^\w./-]/g, "_");
  $("picker").value = "own";
  load({ path: name, group: "shared", text }, q.get("seed"), q.get("params"));
  return true;
}

function download(name, text, type) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

const stem = () => fileName.replace(/^.*\//, "").replace(/\.herald$/, "");

async function downloadReport(format, type) {
  const ran = await herald_(quick, ["run", fileName, ...seedArgs(), ...paramArgs(), "--format", format]);
  if (ran.code !== 0) return alert(ran.stderr);
  download(`${stem()}.${format}`, ran.stdout, type);
}

$("dl-yaml").onclick = () => downloadReport("yaml", "application/yaml");
$("dl-json").onclick = () => downloadReport("json", "application/json");
$("dl-herald").onclick = () => download(fileName.replace(/^.*\//, ""), scenarioText(), "text/plain");
$("dl-replay").onclick = async () => {
  const name = `${stem()}.replay.yaml`;
  const ran = await herald_(quick, ["run", fileName, ...seedArgs(), ...paramArgs(), "--save-replay", name], { collect: [name] });
  if (ran.code !== 0 || !ran.files[name]) return alert(ran.stderr);
  download(name, ran.files[name], "application/yaml");
};

for (const id of ["seed", "params"]) {
  $(id).addEventListener("input", () => {
    scheduleRun();
    forceLinting(view);
  });
}

// ---------------------------------------------------------------- start

mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "neutral" });
fillPicker();
quick.call("version", {}).then((v) => {
  $("footer").textContent =
    `herald ${v}, running in this page (WebAssembly): nothing is sent anywhere. ` +
    `The same commands on the command line: herald run, analyze, explore, sweep, test.`;
});
if (!fromFragment()) {
  let last = null;
  try {
    last = JSON.parse(localStorage.getItem(KEPT + "last"));
  } catch {}
  let i = last ? bundled.findIndex((s) => s.path === last.path) : -1;
  if (i < 0) i = Math.max(0, bundled.findIndex((s) => s.path === "scenarios/attempt2-acknowledgment.herald"));
  $("picker").value = String(i);
  openBundled(bundled[i], last && last.path === bundled[i].path ? last.seed : "", last && last.path === bundled[i].path ? last.params : "");
}
window.addEventListener("hashchange", fromFragment);
// For tests and the curious: the page's own state.
window.heraldPlayground = { view, load, openBundled, selectTab, bundled, fileName: () => fileName };
