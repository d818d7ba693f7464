//! What each keyword means, in one line from the language reference (README, "The
//! language"): the hover of a keyword. Every reserved word ([`crate::syntax::KEYWORDS`],
//! which a test checks against the pest grammar) has a line (a test checks it too).

/// The one-line meaning of a keyword (or of the outcome `no-attack`), if `word` is one.
pub fn doc(word: &str) -> Option<&'static str> {
    Some(match word {
        "about" => "`about \"TEXT\"`: the scenario's description, shown in reports",
        "after" => "`lose after N`: every messenger of the channel but the first N is captured",
        "agreement" => "outcome `agreement`: every general that decided made the same decision",
        "all" => {
            "`all`: every other general (a target), `lose all` (every messenger), `from all` (one from each), \
             `victory when all attack`"
        }
        "and" => "`A and B`: both conditions hold",
        "any" => {
            "`delay any` (uniform over 1 to the horizon) or `crash any N of TARGETS` (up to N crash, chosen at random)"
        }
        "are" => "`generals A, B are ROLE`: the generals play the role",
        "at" => {
            "`at T { ACTIONS }` fires at tick T; `decide at T: ...`, `crash G at T`, `recover G at T`, `victory when at \
             least N attack`"
        }
        "attack" => "`attack`: decide to attack (an action, or `decide at T: attack [if COND]`)",
        "attacks" => "`expect G attacks`: the general attacks in the run (an expectation's event)",
        "by" => "`received PATTERN by T`: a matching messenger was delivered by tick T",
        "channel" => {
            "`channel X -> Y { PROPS }` or `X <-> Y`: the delay, duplication and loss rules of messengers between them"
        }
        "commit" => "`commit EXPR`: decide a value (an action, or `decide at T: commit EXPR [if COND]`)",
        "commits" => "`expect G commits VALUE`: the general commits the value in the run",
        "count" => "`count received PATTERN [from TARGETS] [by T]`: the number of distinct senders heard from",
        "crash" => "`crash G at T` (G stops at the start of tick T), `crash any N of TARGETS`, or the action `crash`",
        "crashes" => "`expect G crashes`: the general crashes in the run",
        "decide" => "`decide at T: attack [if COND]` / `wait` / `commit EXPR [if COND]`: at T, if not decided yet",
        "defeat" => "outcome `defeat`: some general attacked alone (fewer than victory needs) and lost",
        "delay" => "`delay N`, `delay N..M`, `delay any`: ticks a messenger spends on the road (default 1, at least 1)",
        "disagreement" => "outcome `disagreement`: the generals that decided did not all decide the same",
        "duplicate" => {
            "`duplicate P`: a delivered messenger arrives a second time with probability P, with its own delay"
        }
        "every" => {
            "`every N [until COND] { ACTIONS }` fires at N, 2N, ...; `lose every 2nd` captures every Nth messenger"
        }
        "expect" => "`expect ... [hint \"TEXT\"]`: an expectation, checked by `herald test`",
        "first" => "`lose first N`: the first N messengers of the channel are captured",
        "from" => {
            "`on receive P from TARGETS`, `received P from TARGETS`: from whom; `from T to T`: a window of ticks (both \
             ends included)"
        }
        "general" => "`general NAME [\"LABEL\"] [is ROLE] { RULES }`: a general and its behaviour",
        "generals" => "`generals A, B, G1..G5 [are ROLE]`: several generals, optionally playing a role",
        "hint" => "`expect ... hint \"TEXT\"`: what `herald test` says when the expectation fails",
        "horizon" => "`horizon N`: the last tick simulated (default 1000, at most 1,000,000)",
        "if" => "`if COND`: a guard (`on receive P if COND`, `decide at T: attack if COND`)",
        "in" => "`1 in 3`: a probability written as a ratio",
        "is" => "`general NAME is ROLE`: the general plays the role (the role's rules first, then its own)",
        "least" => "`victory when at least N attack`: what counts as victory",
        "lose" => "`lose RULE`: a loss rule of a channel; rules are checked in order, the first that captures decides",
        "max" => "`max(a, b)`: the larger of two numbers",
        "messenger" | "messengers" => {
            "`lose messenger 2`, `lose messengers 1, 3..5`: captured by their number on the channel, from 1"
        }
        "min" => "`min(a, b)`: the smaller of two numbers",
        "never" => "`expect never EVENT`: no loss pattern makes the event happen (checked by the adversary)",
        "no-attack" => "outcome `no-attack`: nobody attacked",
        "not" => "`not COND`: the condition does not hold",
        "now" => "`now`: the current tick",
        "of" => "`lose P of KIND`: only messengers carrying KIND; `crash any N of TARGETS`",
        "on" => "`on start`, `on recover`, `on receive PATTERN [from TARGETS] [if COND] { ACTIONS }`: a rule's trigger",
        "or" => "`A or B`: either condition holds",
        "param" => "`param NAME = VALUE`: a number, a probability or a string; overridable with `--param NAME=VALUE`",
        "partition" => {
            "`partition A, B | C, D [from T to T]`: messengers crossing the cut, sent in the window, are captured"
        }
        "possible" => "`expect possible EVENT`: some loss pattern makes the event happen (checked by the adversary)",
        "probability" => "`expect probability EVENT >= P [± TOL]`: the event's probability, exact or by trials",
        "receive" => {
            "`on receive PATTERN [from TARGETS] [if COND] { ACTIONS }`: on each delivered messenger that matches"
        }
        "received" => "`received PATTERN [from TARGETS] [by T]`: a matching messenger was delivered to this general",
        "recover" => "`recover G at T`: a crashed G runs again from tick T; `on recover { ACTIONS }` fires then",
        "role" => "`role NAME { RULES }`: shared behaviour; the role's name is also the set of its generals",
        "scenario" => "`scenario \"TITLE\"`: the scenario's title, shown in reports",
        "seed" => "`seed N`: the default seed of a run (`--seed` overrides; default 0); `expect seed N: ...`",
        "send" => "`send KIND[(VALUES)] to TARGETS [N times]`: a messenger to each target, over its channel",
        "sent" => "`sent PATTERN [to TARGETS]`: this general sent a matching messenger",
        "set" => "`set NAME = EXPR`: gives a variable a new value",
        "start" => "`on start { ACTIONS }`: fires at tick 0",
        "time" => "`time NAME = N`: a named instant (may use earlier params and times)",
        "times" => "`send M to T N times`: N messengers at once",
        "to" => "`send M to TARGETS`, `sent P to TARGETS`: to whom; `from T to T`: a window's end",
        "undecided" => "outcome `undecided` (some general never decided), or `expect G undecided`",
        "until" => "`every N until COND { ... }`: the rule stops for good once COND holds",
        "var" => "`var NAME = VALUE`: a variable of the general (each member of a role has its own)",
        "victory" => {
            "`victory when all attack` / `when at least N attack`: what counts as victory; also the outcome `victory`"
        }
        "wait" => "`wait`: decide to wait (an action, or `decide at T: wait`)",
        "waits" => "`expect G waits`: the general waits in the run",
        "when" => "`when COND { ACTIONS }` fires once, the first time COND holds; `victory when ...`",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_keyword_has_a_meaning() {
        for k in crate::syntax::KEYWORDS {
            assert!(super::doc(k).is_some(), "keyword '{k}' has no line in lsp/keywords.rs");
        }
    }
}
