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

// herald's sweep chart is drawn by plotters, which on wasm32 measures text with the page's
// DOM (a <span> in document.body) where natively it estimates it (plotters'
// style/font/naive.rs: 0.7 em a byte, 1.24 em high). A worker has no DOM: these few
// objects answer plotters' questions with the native estimate, so the chart's SVG is the
// command line's, byte for byte (web/tests/cli.test.mjs checks it).
(function textMeasure() {
  const utf8 = new TextEncoder();
  const naive = (size, text) => {
    const em = size / 1.24 / 1.24;
    return { width: Math.round(em * 0.7 * utf8.encode(text).length), height: Math.round(em * 0.24) + Math.round(em) };
  };
  class Span {
    constructor() {
      this.textContent = "";
      this.style = "";
    }
    setAttribute(name, value) {
      if (name === "style") this.style = String(value);
    }
    measure() {
      const m = /font-size:\s*([0-9.eE+-]+)px/.exec(this.style);
      return naive(m ? Number(m[1]) : 16, this.textContent || "");
    }
    get offsetWidth() {
      return this.measure().width;
    }
    get offsetHeight() {
      return this.measure().height;
    }
    remove() {}
  }
  const body = { append() {}, appendChild() {} };
  self.document = { body, createElement: () => new Span() };
  self.Window = class {
    static [Symbol.hasInstance](o) {
      return o === self || o === globalThis;
    }
  };
  self.HTMLElement = class {
    static [Symbol.hasInstance](o) {
      return o instanceof Span;
    }
  };
  self.Element = self.HTMLElement;
  self.Node = self.HTMLElement;
})();

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
