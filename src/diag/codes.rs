//! Every diagnostic code herald gives, in one list: [`Code`]. A [`Diag`](super::Diag) is
//! made from a `Code`, so a code that is not listed here does not compile. The codes are
//! printed (`herald::check::unknown_general`), so their text never changes; the README's
//! table "Diagnostic codes" is this list, and `tests/codes.rs` checks that they agree.

use super::Severity;

/// Declares [`Code`] from one entry per code: its meaning (the doc comment, one line,
/// which is also the README's), its variant, its severity and its text.
macro_rules! codes {
    ($(#[doc = $meaning:literal] $variant:ident: $severity:ident = $text:literal,)+) => {
        /// A diagnostic's stable code. Each variant's doc says when it is given.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(#[doc = $meaning] $variant,)+
        }

        impl Code {
            /// Every code, in the order of the README's table.
            pub const ALL: &[Code] = &[$(Code::$variant),+];

            /// The code as printed, e.g. `herald::check::unknown_general`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)+
                }
            }

            /// Whether diagnostics with this code are errors or warnings.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)+
                }
            }

            /// When it is given, in one line (its doc comment).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning.trim(),)+
                }
            }
        }
    };
}

codes! {
    /// The file is larger than 1 MiB, the most herald reads for a scenario.
    SyntaxFileTooLarge: Error = "herald::syntax::file_too_large",
    /// A whole number is larger than the largest 64-bit signed integer.
    SyntaxIntegerTooLarge: Error = "herald::syntax::integer_too_large",
    /// A closing bracket closes a bracket of the other kind: `(` closed by `}`.
    SyntaxMismatchedBracket: Error = "herald::syntax::mismatched_bracket",
    /// The file is not UTF-8 text.
    SyntaxNotUtf8: Error = "herald::syntax::not_utf8",
    /// The file contains a NUL byte.
    SyntaxNulByte: Error = "herald::syntax::nul_byte",
    /// A decimal number has more than 18 digits.
    SyntaxNumberTooPrecise: Error = "herald::syntax::number_too_precise",
    /// The text does not follow the grammar; the message says what was expected there.
    SyntaxParse: Error = "herald::syntax::parse",
    /// Brackets nested more than 64 deep, or an expression nested more than 200 operations deep.
    SyntaxTooDeep: Error = "herald::syntax::too_deep",
    /// A bracket is never closed.
    SyntaxUnclosedBracket: Error = "herald::syntax::unclosed_bracket",
    /// A closing bracket closes nothing.
    SyntaxUnopenedBracket: Error = "herald::syntax::unopened_bracket",
    /// A string has no closing quote on its line.
    SyntaxUnterminatedString: Error = "herald::syntax::unterminated_string",
    /// A name in a loss rule is both a param and a message kind.
    CheckAmbiguousName: Error = "herald::check::ambiguous_name",
    /// A delay is under 1 tick, runs backwards (`5..2`) or is longer than 1,000,000 ticks.
    CheckBadDelay: Error = "herald::check::bad_delay",
    /// The horizon is not between 1 and 1,000,000 ticks.
    CheckBadHorizon: Error = "herald::check::bad_horizon",
    /// A count is out of range: copies, a messenger number (`every 0th`), `crash any N`.
    CheckBadNumber: Error = "herald::check::bad_number",
    /// A `--param` value does not fit the param it sets.
    CheckBadParamValue: Error = "herald::check::bad_param_value",
    /// A general is on both sides of a partition.
    CheckBadPartition: Error = "herald::check::bad_partition",
    /// An `every` rule's period is under 1 tick, so it never repeats.
    CheckBadPeriod: Error = "herald::check::bad_period",
    /// A probability is outside 0% to 100%, divides by zero (`1 in 0`) or has too many digits.
    CheckBadProbability: Error = "herald::check::bad_probability",
    /// A range runs backwards, or a range of generals is not one prefix and two numbers (`G1..G5`).
    CheckBadRange: Error = "herald::check::bad_range",
    /// A tick is not between 0 and 1,000,000.
    CheckBadTick: Error = "herald::check::bad_tick",
    /// `victory when` does not name between 1 general and all of them.
    CheckBadVictory: Error = "herald::check::bad_victory",
    /// A window (of a partition, a crash or a loss rule) ends before it starts.
    CheckBadWindow: Error = "herald::check::bad_window",
    /// One pattern binds a name twice.
    CheckBinderTwice: Error = "herald::check::binder_twice",
    /// `count received ... from all`, which counts nothing more than without `from all`.
    CheckCountFromAll: Error = "herald::check::count_from_all",
    /// An expression known before the run divides by zero.
    CheckDivisionByZero: Error = "herald::check::division_by_zero",
    /// A name is declared twice, or a setting (`seed`, `victory when`, a channel's `delay`...) is given twice.
    CheckDuplicate: Error = "herald::check::duplicate",
    /// Two channel declarations both give the same direction between two generals.
    CheckDuplicateChannel: Error = "herald::check::duplicate_channel",
    /// An `expect` names an outcome or a decision this kind of scenario never has: victory, defeat, no-attack, attacks or waits where generals commit values; agreement, disagreement, undecided or commits where they attack or wait.
    CheckImpossibleOutcome: Error = "herald::check::impossible_outcome",
    /// A scenario decides both attack/wait and values.
    CheckMixedDecisions: Error = "herald::check::mixed_decisions",
    /// A time is negative.
    CheckNegativeTime: Error = "herald::check::negative_time",
    /// A general can never decide: no `decide at` rule, and no rule that attacks or waits.
    CheckNeverDecides: Warning = "herald::check::never_decides",
    /// A message kind is sent, but no rule or condition looks at it.
    CheckNeverReceived: Warning = "herald::check::never_received",
    /// A message kind is checked, but no general sends it (and no sent kind or param has a close name).
    CheckNeverSent: Warning = "herald::check::never_sent",
    /// A send has no channel from its sender to a receiver.
    CheckNoChannel: Error = "herald::check::no_channel",
    /// The scenario declares no generals.
    CheckNoGenerals: Error = "herald::check::no_generals",
    /// A value that must be known before the run (a variable's start, a tick, a count) depends on the run.
    CheckNotConstant: Error = "herald::check::not_constant",
    /// An expression known before the run overflows.
    CheckOverflow: Error = "herald::check::overflow",
    /// A time or tick is past the horizon, so it is never reached.
    CheckPastHorizon: Warning = "herald::check::past_horizon",
    /// A message kind is sent with two different payloads, or a pattern has the wrong number of values.
    CheckPayloadMismatch: Error = "herald::check::payload_mismatch",
    /// A channel from a general to itself.
    CheckSelfChannel: Error = "herald::check::self_channel",
    /// A general sends to itself.
    CheckSendToSelf: Error = "herald::check::send_to_self",
    /// A decision or loss rule can never apply: an earlier one always pre-empts it.
    CheckShadowed: Warning = "herald::check::shadowed",
    /// More than 256 generals.
    CheckTooManyGenerals: Error = "herald::check::too_many_generals",
    /// A message carries more than 4 values.
    CheckTooManyValues: Error = "herald::check::too_many_values",
    /// A channel loses every messenger (100% loss).
    CheckTotalLoss: Warning = "herald::check::total_loss",
    /// An expression has the wrong type: a number for a condition, a probability in arithmetic, two types compared.
    CheckTypeMismatch: Error = "herald::check::type_mismatch",
    /// A name where a general is expected is no general or role.
    CheckUnknownGeneral: Error = "herald::check::unknown_general",
    /// A message kind is checked but never sent, and a sent kind or a param has a close name.
    CheckUnknownKind: Error = "herald::check::unknown_kind",
    /// A name in an expression is no param, time, variable or binding declared before it.
    CheckUnknownName: Error = "herald::check::unknown_name",
    /// A param is not declared (where a probability is expected, or in `--param`).
    CheckUnknownParam: Error = "herald::check::unknown_param",
    /// A role is not declared.
    CheckUnknownRole: Error = "herald::check::unknown_role",
    /// `set` names a variable its general does not have.
    CheckUnknownVariable: Error = "herald::check::unknown_variable",
    /// A `--param` is not `NAME=VALUE`, or its value is not a value.
    CliBadParam: Error = "herald::cli::bad_param",
    /// A run's arithmetic divided by zero or overflowed; the run stops (exit code 4).
    RunArithmetic: Error = "herald::run::arithmetic",
    /// A run passed `--max-events` events (messengers sent plus rules fired) and was stopped (exit code 4).
    RunEventLimit: Error = "herald::run::event_limit",
    /// `herald analyze` met more distinct states than it keeps, and stopped.
    AnalyzeTooManyStates: Error = "herald::analyze::too_many_states",
    /// `herald explore` met more distinct states than it keeps, and stopped.
    ExploreTooManyStates: Error = "herald::explore::too_many_states",
    /// `herald sweep --param` is not a range `NAME=A..B[:STEP]` it can visit.
    SweepBadRange: Error = "herald::sweep::bad_range",
    /// A replay's choices do not fit the scenario's run.
    ReplayDoesNotFit: Error = "herald::replay::does_not_fit",
    /// A replay was saved from another text of the scenario (its fingerprint differs).
    ReplayStale: Error = "herald::replay::stale",
    /// A replay file is not a herald replay file.
    ReplayUnreadable: Error = "herald::replay::unreadable",
    /// A replay file has another schema version than this herald reads.
    ReplayVersion: Error = "herald::replay::version",
    /// A file given to `herald merge` is not a part written by `--shard`, or not one this herald reads.
    MergeUnreadable: Error = "herald::merge::unreadable",
    /// A part's content was changed after `--shard` wrote it (its checksum or fingerprint does not match).
    MergeEdited: Error = "herald::merge::edited",
    /// Parts given to `herald merge` are of different work: scenario, seed, params, trials, version or slicing.
    MergeMismatch: Error = "herald::merge::mismatch",
    /// A slice is missing from the parts given to `herald merge`, or given twice.
    MergeSlices: Error = "herald::merge::slices",
    /// An `expect` does not hold (`herald test`).
    TestFailed: Error = "herald::test::failed",
    /// The formatted file would mean something else, so it is left as it is (a bug to report).
    FmtWouldChangeMeaning: Error = "herald::fmt::would_change_meaning",
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each variant is its code in CamelCase (`CheckUnknownGeneral` for
    /// `herald::check::unknown_general`), and no two codes are the same.
    #[test]
    fn variants_name_their_codes() {
        let mut seen = std::collections::HashSet::new();
        for &code in Code::ALL {
            let camel: String = code
                .as_str()
                .strip_prefix("herald::")
                .expect("every code starts with herald::")
                .split([':', '_'])
                .filter(|w| !w.is_empty())
                .map(|w| w[..1].to_uppercase() + &w[1..])
                .collect();
            assert_eq!(format!("{code:?}"), camel);
            assert!(seen.insert(code.as_str()), "{} is listed twice", code.as_str());
        }
    }
}
