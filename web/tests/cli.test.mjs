// Every bundled scenario, exercise and solution through the playground's wasm build and
// through the native `herald`, command by command: standard output, standard error and
// the exit code must be the same, byte for byte. (The native binary: HERALD_BIN, which
// web/test.sh builds.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startWorker } from "./wasm.mjs";

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const bin = process.env.HERALD_BIN || join(root, "target/debug/herald");
const worker = startWorker(join(web, "dist/worker-source.js"));

const dirs = ["scenarios", "scenarios/exercises", "scenarios/exercises/solutions"];
const files = dirs.flatMap((d) =>
  readdirSync(join(root, d))
    .filter((f) => f.endsWith(".herald"))
    .sort()
    .map((f) => `${d}/${f}`),
);

// The commands compared for each file. Trials are few (the wasm build is single-threaded
// and slower); the trials' results do not depend on threads (see src/analysis/trials.rs).
const commands = (f) => [
  ["check", f],
  ["run", f],
  ["run", f, "--format", "mermaid"],
  ["run", f, "--format", "yaml"],
  ["run", f, "--format", "json", "--seed", "7"],
  ["run", f, "--trials", "2000"],
  ["analyze", f],
  ["explore", f],
  ["test", f],
];

function native(argv) {
  const r = spawnSync(bin, argv, { cwd: root, encoding: "utf8", maxBuffer: 1 << 28, timeout: 300_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function wasm(argv, f) {
  const { result } = worker.call("command", { argv, files: { [f]: readFileSync(join(root, f), "utf8") } });
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

test("there are bundled scenarios to compare", () => {
  assert.ok(files.length >= 30, `only ${files.length} files`);
});

for (const f of files) {
  test(`wasm = native: ${f}`, () => {
    for (const argv of commands(f)) {
      const n = native(argv);
      const w = wasm(argv, f);
      assert.deepEqual(w, n, `herald ${argv.join(" ")}`);
    }
  });
}

test("wasm = native: usage errors and --help", () => {
  const f = "scenarios/attempt1-single-message.herald";
  for (const argv of [["--help"], ["run"], ["run", f, "--seed", "x"], ["sweep", f, "--param", "loss=0%..100%:25%", "--exact"]]) {
    assert.deepEqual(wasm(argv, f), native(argv), `herald ${argv.join(" ")}`);
  }
});

test("a sweep's chart is the command line's, byte for byte", () => {
  // The native herald writes its chart in a folder of its own, from a copy of the file.
  const dir = mkdtempSync(join(tmpdir(), "herald-chart-"));
  try {
    const sweeps = [
      ["attempt2-acknowledgment.herald", "loss=10%..90%:20%", "--trials", "500"],
      ["flooding.herald", "copies=1..5", "--exact"],
      ["price-flooding.herald", "copies=1..3", "--trials", "300"],
    ];
    for (const [f, range, ...how] of sweeps) {
      const text = readFileSync(join(root, "scenarios", f), "utf8");
      writeFileSync(join(dir, f), text);
      const argv = ["sweep", f, "--param", range, ...how, "--chart", "c.svg"];
      const r = spawnSync(bin, argv, { cwd: dir, encoding: "utf8", timeout: 300_000 });
      const n = { code: r.status, stdout: r.stdout, stderr: r.stderr, svg: readFileSync(join(dir, "c.svg"), "utf8") };
      const { result } = worker.call("command", { argv, files: { [f]: text }, collect: ["c.svg"] });
      const w = { code: result.code, stdout: result.stdout, stderr: result.stderr, svg: result.files["c.svg"] };
      assert.deepEqual(w, n, `herald ${argv.join(" ")}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a sweep's chart and a replay come back as files", () => {
  const f = "scenarios/attempt2-acknowledgment.herald";
  const files = { [f]: readFileSync(join(root, f), "utf8") };
  const { result } = worker.call("command", {
    argv: ["sweep", f, "--param", "loss=0%..100%:50%", "--exact", "--chart", "c.svg"],
    files,
    collect: ["c.svg"],
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.files["c.svg"], /^<svg/);
  const saved = worker.call("command", { argv: ["run", f, "--save-replay", "r.yaml"], files, collect: ["r.yaml"] }).result;
  const again = worker.call("command", {
    argv: ["run", f, "--replay", "r.yaml"],
    files: { ...files, "r.yaml": saved.files["r.yaml"] },
  }).result;
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, saved.stdout);
});

// Progress is shown from about a second of work on (run.rs: BAR_WORK), as on a terminal.
test("trials report their progress", () => {
  const f = "scenarios/majority-3-of-5.herald";
  const { result, progress } = worker.call("command", {
    argv: ["run", f, "--trials", "1000000"],
    files: { [f]: readFileSync(join(root, f), "utf8") },
    progress: true,
  });
  assert.equal(result.code, 0);
  assert.equal(progress[0].kind, "start");
  assert.equal(progress[0].amount, 1000000);
  const done = progress.filter((p) => p.kind === "advance").reduce((a, p) => a + p.amount, 0);
  assert.equal(done, 1000000);
});

test("the checker's diagnostics come with spans in UTF-16 and help", () => {
  const text = '# ünïcode 😀\nscenario "x"\ngeneral A {\n  decide at dawn: attack if received plan from B\n}\n';
  const { result } = worker.call("check", { name: "x.herald", text, params: [] });
  const errors = result.filter((p) => p.severity === "error");
  assert.ok(errors.length > 0, JSON.stringify(result));
  for (const p of errors) {
    const l = p.labels[0];
    assert.ok(l.from >= text.indexOf("scenario") && l.to <= text.length, JSON.stringify(p));
  }
  assert.ok(result.some((p) => p.help), "some diagnostic has help");
});
