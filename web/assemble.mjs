// Assembles web/dist from the page's sources (page/), herald's wasm-bindgen output (the
// folder given), the bundled scenarios and the npm packages. Every script is a classic
// script, and the wasm travels inside one as base64: a page opened from file:// may load
// neither ES modules nor fetch files.
import { build } from "esbuild";
import { readFileSync, writeFileSync, copyFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const web = dirname(fileURLToPath(import.meta.url));
const root = dirname(web);
const dist = join(web, "dist");
const bindgen = process.argv[2];
if (!bindgen) throw new Error("usage: node assemble.mjs BINDGEN_OUT_DIR");

// The worker: wasm-bindgen's glue, the wasm as base64, and page/worker.js, handed to the
// page as one string (the page starts it from a Blob: file:// pages may not load workers).
const glue = readFileSync(join(bindgen, "herald_web.js"), "utf8");
const wasm = readFileSync(join(bindgen, "herald_web_bg.wasm"));
const worker = [glue, `var HERALD_WASM = "${wasm.toString("base64")}";`, readFileSync(join(web, "page/worker.js"), "utf8")].join("\n");
writeFileSync(join(dist, "worker-source.js"), `var HERALD_WORKER_SOURCE = ${JSON.stringify(worker)};\n`);

// The bundled scenarios and exercises (not the solutions), in the picker's order.
function scenarios(dir, group) {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".herald"))
    .sort()
    .map((f) => {
      const text = readFileSync(join(root, dir, f), "utf8");
      const m = /^scenario\s+"((?:[^"\\]|\\.)*)"/m.exec(text);
      return { path: `${dir}/${f}`, group, title: m ? m[1] : f, text };
    });
}
const all = [...scenarios("scenarios", "Scenarios"), ...scenarios("scenarios/exercises", "Exercises")];
writeFileSync(join(dist, "scenarios.js"), `var HERALD_SCENARIOS = ${JSON.stringify(all)};\n`);

await build({
  entryPoints: [join(web, "page/app.js")],
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2020",
  outfile: join(dist, "app.js"),
  logLevel: "warning",
  legalComments: "linked",
});
for (const f of ["index.html", "style.css"]) copyFileSync(join(web, "page", f), join(dist, f));
copyFileSync(join(web, "node_modules/mermaid/dist/mermaid.min.js"), join(dist, "mermaid.min.js"));
console.log(`web/dist: ${all.length} scenarios, herald ${(wasm.length / 1e6).toFixed(1)} MB of wasm`);
