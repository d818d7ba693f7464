// herald's syntax for CodeMirror: a stream tokenizer (keywords, strings, numbers and
// probabilities, comments, names of generals), enough to highlight and to indent braces.
import { StreamLanguage } from "@codemirror/language";

const KEYWORDS = new Set(
  ("about after all and any are at by channel count crash crashes decide delay duplicate every " +
    "expect first from general generals hint horizon if in is least lose max messenger messengers min " +
    "never not now of on or param partition possible probability receive received recover role " +
    "scenario seed send sent set start time times to until var when commit commits")
    .split(" "),
);
const OUTCOMES = new Set(
  "attack attacks wait waits victory defeat agreement disagreement undecided no-attack".split(" "),
);

export const herald = StreamLanguage.define({
  name: "herald",
  startState: () => ({ depth: 0 }),
  token(stream, state) {
    if (stream.eatSpace()) return null;
    if (stream.match("#")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match('"')) {
      while (!stream.eol()) {
        const c = stream.next();
        if (c === "\\") stream.next();
        else if (c === '"') break;
      }
      return "string";
    }
    if (stream.match(/^\d+(\.\d+)?%?/) || stream.match(/^\d+(st|nd|rd|th)\b/)) return "number";
    if (stream.match("->") || stream.match(/^(>=|<=|==|!=|\.\.|[<>=+\-*\/])/)) return "operator";
    if (stream.match("{")) {
      state.depth++;
      return "brace";
    }
    if (stream.match("}")) {
      state.depth = Math.max(0, state.depth - 1);
      return "brace";
    }
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_-]*/);
    if (word) {
      const w = word[0];
      if (KEYWORDS.has(w)) return "keyword";
      if (OUTCOMES.has(w)) return "atom";
      if (/^[A-Z]/.test(w)) return "variableName.definition";
      return "variableName";
    }
    stream.next();
    return null;
  },
  indent(state, textAfter, cx) {
    const closing = /^\s*\}/.test(textAfter);
    return (state.depth - (closing ? 1 : 0)) * cx.unit;
  },
  languageData: { commentTokens: { line: "#" }, indentOnInput: /^\s*\}$/ },
});
