// herald's wasm build as the page ships it (dist/worker-source.js), started in node: the
// worker's own script runs in a context of its own, and requests go to its onmessage as
// the page sends them. So the tests run exactly what the browser runs.
import { readFileSync } from "node:fs";
import vm from "node:vm";

export function startWorker(workerSourceFile) {
  const holder = vm.createContext({});
  vm.runInContext(readFileSync(workerSourceFile, "utf8"), holder);
  const source = holder.HERALD_WORKER_SOURCE;
  const posted = [];
  // The worker's global object is `self`, as in a browser's worker.
  const context = vm.createContext({ atob, TextDecoder, TextEncoder, WebAssembly, console });
  context.self = context;
  context.postMessage = (m) => posted.push(m);
  vm.runInContext(source, context);
  const self = context;
  if (!posted.some((m) => m.type === "ready")) throw new Error("the worker did not start");
  let next = 1;
  return {
    // Sends one request and returns its answer (herald answers synchronously).
    call(fn, args) {
      const id = next++;
      posted.length = 0;
      self.onmessage({ data: { id, fn, args } });
      const answer = posted.find((m) => m.id === id);
      if (!answer) throw new Error("no answer");
      if (answer.type === "error") throw new Error(answer.message);
      return { result: answer.result, progress: posted.filter((m) => m.type === "progress") };
    },
  };
}
