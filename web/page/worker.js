// The page's worker: herald's WebAssembly build, started synchronously from the base64
// text that web/build.sh puts before this file (a page opened from file:// may fetch
// nothing), answering the page's requests one at a time. Long work posts its progress;
// the page cancels it by terminating this worker and starting another.
/* global wasm_bindgen, HERALD_WASM */
"use strict";

function heraldBytes(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// Called by herald (see web/src/lib.rs): kind is start, advance, status or finish.
self.herald_progress = (kind, amount, text) => {
  self.postMessage({ type: "progress", kind, amount, text });
};

wasm_bindgen.initSync({ module: heraldBytes(HERALD_WASM) });

self.onmessage = (event) => {
  const { id, fn, args } = event.data;
  let result;
  try {
    if (fn === "command") {
      const { argv, files, stdin, collect, progress } = args;
      result = JSON.parse(
        wasm_bindgen.command(argv, JSON.stringify(files || {}), stdin || "", collect || [], !!progress),
      );
    } else if (fn === "check") {
      result = JSON.parse(wasm_bindgen.check(args.name, args.text, args.params || []));
    } else if (fn === "version") {
      result = wasm_bindgen.version();
    } else {
      throw new Error("unknown request " + fn);
    }
    self.postMessage({ type: "result", id, result });
  } catch (e) {
    // A panic in herald is a bug: say so rather than hang the page.
    self.postMessage({ type: "error", id, message: String((e && e.stack) || e) });
  }
};
self.postMessage({ type: "ready" });
