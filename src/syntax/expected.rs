//! Speaks parse errors in the language's words: every grammar rule has a readable name
//! (a match with no catch-all arm, so a new rule must be named here).

use pest::error::{ErrorVariant, InputLocation};

use super::parser::Rule;
use crate::diag::{Code, Diag, Span};

/// What a grammar rule is called in an error message.
pub fn name(rule: Rule) -> &'static str {
    match rule {
        Rule::WHITESPACE => "a space",
        Rule::COMMENT => "a comment",
        Rule::ident_char => "a letter or digit",
        Rule::keyword => "a keyword",
        Rule::ident => "a name",
        Rule::word => "a name",
        Rule::wildcard => "'_'",
        Rule::int => "a whole number",
        Rule::decimal => "a decimal number",
        Rule::percent => "a percentage",
        Rule::ordinal => "an ordinal such as '2nd'",
        Rule::string => "a string in double quotes",
        Rule::escape => "an escape",
        Rule::kw_about => "'about'",
        Rule::kw_after => "'after'",
        Rule::kw_all => "'all'",
        Rule::kw_and => "'and'",
        Rule::kw_any => "'any'",
        Rule::kw_are => "'are'",
        Rule::kw_at => "'at'",
        Rule::kw_attack => "'attack'",
        Rule::kw_attacks => "'attacks'",
        Rule::kw_by => "'by'",
        Rule::kw_channel => "'channel'",
        Rule::kw_commit => "'commit'",
        Rule::kw_commits => "'commits'",
        Rule::kw_count => "'count'",
        Rule::kw_crash => "'crash'",
        Rule::kw_crashes => "'crashes'",
        Rule::kw_decide => "'decide'",
        Rule::kw_delay => "'delay'",
        Rule::kw_duplicate => "'duplicate'",
        Rule::kw_every => "'every'",
        Rule::kw_expect => "'expect'",
        Rule::kw_first => "'first'",
        Rule::kw_from => "'from'",
        Rule::kw_general => "'general'",
        Rule::kw_generals => "'generals'",
        Rule::kw_hint => "'hint'",
        Rule::kw_horizon => "'horizon'",
        Rule::kw_if => "'if'",
        Rule::kw_in => "'in'",
        Rule::kw_is => "'is'",
        Rule::kw_least => "'least'",
        Rule::kw_lose => "'lose'",
        Rule::kw_max => "'max'",
        Rule::kw_messenger => "'messenger'",
        Rule::kw_messengers => "'messengers'",
        Rule::kw_min => "'min'",
        Rule::kw_never => "'never'",
        Rule::kw_not => "'not'",
        Rule::kw_now => "'now'",
        Rule::kw_of => "'of'",
        Rule::kw_on => "'on'",
        Rule::kw_or => "'or'",
        Rule::kw_param => "'param'",
        Rule::kw_partition => "'partition'",
        Rule::kw_possible => "'possible'",
        Rule::kw_probability => "'probability'",
        Rule::kw_receive => "'receive'",
        Rule::kw_received => "'received'",
        Rule::kw_recover => "'recover'",
        Rule::kw_role => "'role'",
        Rule::kw_scenario => "'scenario'",
        Rule::kw_seed => "'seed'",
        Rule::kw_send => "'send'",
        Rule::kw_sent => "'sent'",
        Rule::kw_set => "'set'",
        Rule::kw_start => "'start'",
        Rule::kw_time => "'time'",
        Rule::kw_times => "'times'",
        Rule::kw_to => "'to'",
        Rule::kw_undecided => "'undecided'",
        Rule::kw_until => "'until'",
        Rule::kw_var => "'var'",
        Rule::kw_victory => "'victory'",
        Rule::kw_wait => "'wait'",
        Rule::kw_waits => "'waits'",
        Rule::kw_when => "'when'",
        Rule::colon => "':'",
        Rule::equals => "'='",
        Rule::lbrace => "'{'",
        Rule::rbrace => "'}'",
        Rule::file => "a statement",
        Rule::statement => "a statement",
        Rule::scenario_stmt => "'scenario'",
        Rule::about_stmt => "'about'",
        Rule::seed_stmt => "'seed'",
        Rule::horizon_stmt => "'horizon'",
        Rule::time_stmt => "'time'",
        Rule::param_stmt => "'param'",
        Rule::param_value => "a value (a number, a probability such as 50%, 0.5 or 1 in 2, or a string)",
        Rule::param_value_only => "a value (a number, a probability such as 50%, 0.5 or 1 in 2, or a string)",
        Rule::general_stmt => "'general'",
        Rule::generals_stmt => "'generals'",
        Rule::name_list => "names of generals",
        Rule::name_item => "a general's name or a range such as G1..G5",
        Rule::role_stmt => "'role'",
        Rule::channel_stmt => "'channel'",
        Rule::endpoint => "a general, a role or '*'",
        Rule::star => "'*'",
        Rule::arrow => "'->' or '<->'",
        Rule::both_ways => "'<->'",
        Rule::one_way => "'->'",
        Rule::channel_block => "'{' and the channel's properties",
        Rule::channel_prop => "a channel property (delay, duplicate, lose)",
        Rule::delay_prop => "'delay'",
        Rule::delay_any => "'any'",
        Rule::delay_range => "a delay in ticks (3 or 1..3)",
        Rule::duplicate_prop => "'duplicate'",
        Rule::lose_prop => "'lose'",
        Rule::loss_rule => "a loss rule",
        Rule::lose_all => "'all'",
        Rule::lose_numbers => "'messenger N'",
        Rule::number_list => "messenger numbers (2, or 1, 3..5)",
        Rule::number_item => "a messenger number or range",
        Rule::lose_every => "'every Nth'",
        Rule::lose_first => "'first N'",
        Rule::lose_after => "'after N'",
        Rule::lose_window => "'from T to T'",
        Rule::lose_chance => "a probability (50%, 0.5, 1 in 2)",
        Rule::lose_name => "a param or a message kind",
        Rule::lose_kind => "a message kind",
        Rule::partition_stmt => "'partition'",
        Rule::window => "'from T to T'",
        Rule::crash_stmt => "'crash'",
        Rule::crash_one => "a general's name",
        Rule::crash_any => "'any'",
        Rule::recover_stmt => "'recover'",
        Rule::victory_stmt => "'victory'",
        Rule::victory_all => "'all attack'",
        Rule::victory_least => "'at least N attack'",
        Rule::expect_stmt => "'expect'",
        Rule::seed_prefix => "'seed N:'",
        Rule::hint => "'hint'",
        Rule::expectation => "an expectation",
        Rule::expect_probability => "'probability'",
        Rule::tolerance => "'±' and a tolerance",
        Rule::expect_possible => "'possible'",
        Rule::expect_never => "'never'",
        Rule::expect_general => "a general's name",
        Rule::expect_outcome => "an outcome (victory, defeat, no-attack, agreement, disagreement, undecided)",
        Rule::event => "an outcome or a general's fate",
        Rule::general_event => "a general's fate ('A attacks')",
        Rule::ev_attacks => "'attacks'",
        Rule::ev_waits => "'waits'",
        Rule::ev_undecided => "'undecided'",
        Rule::ev_crashes => "'crashes'",
        Rule::ev_commits => "'commits'",
        Rule::outcome => "an outcome (victory, defeat, no-attack, agreement, disagreement, undecided)",
        Rule::oc_victory => "'victory'",
        Rule::oc_defeat => "'defeat'",
        Rule::oc_no_attack => "'no-attack'",
        Rule::oc_agreement => "'agreement'",
        Rule::kw_agreement => "'agreement'",
        Rule::oc_disagreement => "'disagreement'",
        Rule::oc_undecided => "'undecided'",
        Rule::rules_block => "'{' and the general's rules",
        Rule::behaviour => "a rule (on start, on receive, at, every, when, decide at, var)",
        Rule::on_start => "'on start'",
        Rule::on_recover => "'on recover'",
        Rule::on_receive => "'on receive'",
        Rule::from_targets => "'from'",
        Rule::guard => "'if'",
        Rule::at_rule => "'at'",
        Rule::every_rule => "'every'",
        Rule::until => "'until'",
        Rule::when_rule => "'when'",
        Rule::decide_rule => "'decide at'",
        Rule::decide_attack => "'attack'",
        Rule::decide_wait => "'wait'",
        Rule::decide_commit => "'commit'",
        Rule::var_decl => "'var'",
        Rule::actions => "'{' and actions",
        Rule::action => "an action (send, attack, wait, crash, set, commit)",
        Rule::send_action => "'send'",
        Rule::copies => "'N times'",
        Rule::attack_action => "'attack'",
        Rule::wait_action => "'wait'",
        Rule::crash_action => "'crash'",
        Rule::set_action => "'set'",
        Rule::commit_action => "'commit'",
        Rule::targets => "a general, a role or 'all'",
        Rule::target => "a general, a role or 'all'",
        Rule::all_target => "'all'",
        Rule::message => "a message kind",
        Rule::args => "'(' and a payload",
        Rule::kind => "a message kind (a name or a string)",
        Rule::pattern => "a message kind (a name or a string)",
        Rule::pattern_args => "'(' and payload patterns",
        Rule::pattern_arg => "a payload pattern or '_'",
        Rule::probability => "a probability (50%, 0.5, 1 in 2, 1/2, or a param)",
        Rule::prob => "a probability (50%, 0.5, 1 in 2, 1/2)",
        Rule::ratio => "'N in M'",
        Rule::fraction => "'N/M'",
        Rule::frac_bar => "'/'",
        Rule::expr => "an expression",
        Rule::or_expr => "an expression",
        Rule::and_expr => "an expression",
        Rule::not_expr => "an expression",
        Rule::negation => "'not'",
        Rule::comparison => "an expression",
        Rule::cmp_op => "a comparison (<, <=, >, >=, ==, !=)",
        Rule::sum => "a number or an expression",
        Rule::add_op => "'+' or '-'",
        Rule::product => "a number or an expression",
        Rule::mul_op => "'*' or '/'",
        Rule::unary => "a number or an expression",
        Rule::neg_op => "'-'",
        Rule::primary => "a number or an expression",
        Rule::paren => "'('",
        Rule::now => "'now'",
        Rule::received_expr => "'received'",
        Rule::count_expr => "'count received'",
        Rule::sender_filter => "'from'",
        Rule::from_all => "'all'",
        Rule::by_clause => "'by'",
        Rule::sent_expr => "'sent'",
        Rule::minmax => "'min' or 'max'",
        Rule::EOI => "the end of the file",
    }
}

/// Statement keywords: when all are expected, they are summarised as "a statement".
const STATEMENTS: &[Rule] = &[
    Rule::kw_scenario,
    Rule::kw_about,
    Rule::kw_seed,
    Rule::kw_horizon,
    Rule::kw_time,
    Rule::kw_param,
    Rule::kw_general,
    Rule::kw_generals,
    Rule::kw_role,
    Rule::kw_channel,
    Rule::kw_partition,
    Rule::kw_crash,
    Rule::kw_recover,
    Rule::kw_victory,
    Rule::kw_expect,
];
/// Rule keywords.
const RULES: &[Rule] = &[Rule::kw_on, Rule::kw_at, Rule::kw_every, Rule::kw_when, Rule::kw_decide, Rule::kw_var];
/// Action keywords.
const ACTIONS: &[Rule] =
    &[Rule::kw_send, Rule::kw_attack, Rule::kw_wait, Rule::kw_crash, Rule::kw_set, Rule::kw_commit];

/// Turns a pest error into a located diagnostic.
pub fn to_diag(e: pest::error::Error<Rule>, src: &str) -> Diag {
    let start = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((a, _)) => a,
    };
    let found = describe_found(src, start);
    let positives = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        // pest's own guards against deep recursion (`not not not ...`).
        ErrorVariant::CustomError { message } if message.contains("limit reached") => {
            return Diag::error(
                Code::SyntaxTooDeep,
                "this nests too deeply for herald to read",
                Span::new(start, start + found_len(src, start)),
                "the limit is passed here",
            )
            .with_help("write it in smaller parts, with fewer 'not' or brackets");
        }
        ErrorVariant::CustomError { message } => {
            return Diag::error(Code::SyntaxParse, message.clone(), Span::new(start, start), "here");
        }
    };
    let expected = summarise(&positives);
    let expected = if expected.is_empty() { "something else".to_string() } else { expected };
    let len = found_len(src, start);
    let mut d = Diag::error(
        Code::SyntaxParse,
        format!("expected {expected}, found {found}"),
        Span::new(start, start + len),
        format!("expected {expected}"),
    );
    if let Some(h) = help_for(src, start, &positives) {
        d = d.with_help(h);
    }
    d
}

/// What may start an operand: when most of them are expected, "a number or an expression".
const OPERANDS: &[Rule] = &[
    Rule::ident,
    Rule::int,
    Rule::decimal,
    Rule::percent,
    Rule::string,
    Rule::kw_count,
    Rule::kw_now,
    Rule::kw_received,
    Rule::kw_sent,
    Rule::kw_min,
    Rule::kw_max,
    Rule::minmax,
    Rule::neg_op,
    Rule::paren,
];

fn summarise(positives: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut skip: Vec<Rule> = Vec::new();
    let groups: [(&[Rule], &str); 4] = [
        (
            STATEMENTS,
            "a statement (scenario, general, generals, role, channel, time, param, crash, partition, victory, expect, ...)",
        ),
        (RULES, "a rule (on start, on receive, at, every, when, decide at, var)"),
        (ACTIONS, "an action (send, attack, wait, crash, set, commit)"),
        (OPERANDS, "a number or an expression"),
    ];
    for (group, word) in groups {
        // Half of a group's keywords expected means the whole group is.
        let hits = group.iter().filter(|r| positives.contains(r)).count();
        if hits * 2 >= group.len() {
            words.push(word);
            skip.extend_from_slice(group);
        }
    }
    // Arithmetic operators (where an expression could go on) are named once, last.
    let arithmetic = positives.iter().any(|r| matches!(r, Rule::add_op | Rule::mul_op));
    if arithmetic {
        skip.extend_from_slice(&[Rule::add_op, Rule::mul_op, Rule::cmp_op]);
    }
    for r in positives {
        if skip.contains(r) {
            continue;
        }
        let w = name(*r);
        if !words.contains(&w) {
            words.push(w);
        }
    }
    if arithmetic {
        words.push(if positives.contains(&Rule::cmp_op) {
            "an operator (+ - * / < <= > >= == !=)"
        } else {
            "an operator (+ - * /)"
        });
    }
    // "'all' or a general, a role or 'all'": a word said inside another goes.
    let all = words.clone();
    words.retain(|w| !all.iter().any(|o| o != w && o.contains(w)));
    match words.len() {
        0 => String::new(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

fn word_at(src: &str, at: usize) -> &str {
    let rest = &src[at.min(src.len())..];
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    &rest[..end]
}

/// A few words for what stands at `at`.
fn describe_found(src: &str, at: usize) -> String {
    let rest = &src[at.min(src.len())..];
    let Some(c) = rest.chars().next() else {
        return "the end of the file".to_string();
    };
    let word = word_at(src, at);
    if !word.is_empty() {
        return format!("'{word}'");
    }
    if c == '\n' || c == '\r' {
        return "the end of the line".to_string();
    }
    format!("'{c}'")
}

fn found_len(src: &str, at: usize) -> usize {
    let word = word_at(src, at).len();
    if word > 0 { word } else { src[at.min(src.len())..].chars().next().map(char::len_utf8).unwrap_or(0) }
}

/// Help for common slips.
fn help_for(src: &str, at: usize, positives: &[Rule]) -> Option<String> {
    let word = word_at(src, at);
    if positives.contains(&Rule::ident) && super::is_keyword(word) {
        return Some(format!("'{word}' is a keyword of the language and cannot be used as a name"));
    }
    if positives.contains(&Rule::ordinal) {
        return Some("write the position as an ordinal: 'lose every 2nd'".to_string());
    }
    if src[at.min(src.len())..].starts_with(';') {
        return Some("statements need no ';' in herald: remove it".to_string());
    }
    None
}
