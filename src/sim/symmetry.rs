//! Symmetry detection: which generals are interchangeable, so that the state-space
//! searches (exact analysis, the adversary) can merge states that differ only by a
//! relabeling of generals within a class.
//!
//! Two generals share a class only when every transposition of two members of their
//! class maps the model onto itself (transpositions generate every permutation of a
//! class, so every permutation does then too), *and* runs do not depend on the order in
//! which the interpreter happens to visit them. Classes start as the members of a role
//! with equal variables and equally many rules of each kind, and are refined until
//! stable: a failed check splits the class into singletons, which changes other checks
//! (a rule that names all of a class names a particular general once the class is
//! split), so the checks run again until none fails.
//!
//! What is checked:
//!
//! - **rules**: every rule of every general (class member or not), with each list of
//!   generals it names rewritten into a form that no permutation within classes fixing
//!   its owner changes (see `ListCode`); a list that names some but not all of a class
//!   (its owner aside) breaks that class; the members of a class must have the same
//!   rewritten rules, position by position;
//! - **channels**: swapping two members maps every channel onto one of the same shape
//!   (delays, duplication, loss rules);
//! - **partitions** and **`crash any` targets**: a class is entirely on a side (among the
//!   targets) or entirely off it; and since `crash any N` rolls its targets in the order
//!   written until N have crashed, a target's chance depends on its place when N is
//!   less than the number of targets: a class then has at most one member among them;
//! - **scheduled crashes and recoveries**: the general they name is alone in its class;
//! - **order within a tick**: messengers arriving at one tick are delivered in send
//!   order, and generals send in the order they are declared, so a receiver whose
//!   `on receive` rules do not commute (`set seen = p`, `commit p`, a condition on what
//!   it has received so far, a send over a channel whose loss rules count messengers)
//!   sees the members of a class in a fixed order that a relabeling does not preserve.
//!   A general from which such a receiver can be reached over channels is alone in its
//!   class (see `order_sensitive`).
//!
//! The outcome counts attackers or compares committed values and names no general;
//! expectations are not part of runs: neither needs checking.

use std::collections::HashMap;

use crate::check::visit;
use crate::check::*;
use crate::diag::Span;
use crate::syntax::ast::BinOp;

/// Classes of interchangeable generals.
///
/// For two generals `a` and `b` of one class, their rule lists correspond position by
/// position: `generals[a].on_receive[i]` plays the part of `generals[b].on_receive[i]`,
/// and likewise for every list ([`Symmetry::rule_index`] numbers them across lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symmetry {
    /// `class[g]`: the class of general `g`. Ids are `0..members.len()`, numbered in the
    /// order of each class's first member; generals alone in their class have ids of
    /// their own.
    pub class: Vec<u16>,
    /// The members of each class, by class id, in increasing order.
    pub members: Vec<Vec<GenId>>,
    /// Each general's rules: `on_start`, `on_recover`, `on_receive`, `timed`, `when`,
    /// `decide`, one after the other.
    rules_of: Vec<Vec<RuleId>>,
    /// `index_of[r]`: the position of rule `r` in its owner's `rules_of`.
    index_of: Vec<u32>,
}

impl Symmetry {
    /// The classes of interchangeable generals of a model.
    pub fn of(model: &Model) -> Symmetry {
        let rules_of: Vec<Vec<RuleId>> = model.generals.iter().map(|g| rule_lists(g).concat()).collect();
        let mut index_of = vec![u32::MAX; model.rules.len()];
        for rules in &rules_of {
            for (i, &r) in rules.iter().enumerate() {
                index_of[r as usize] = i as u32;
            }
        }
        let mut classes = Classes::initial(model);
        if classes.shared().next().is_none() {
            // Every general alone already: the checks below only split classes. (Most
            // scenarios of two or three generals; the checks cost far more than a small
            // search.)
            return Symmetry {
                class: classes.of.iter().map(|&c| c as u16).collect(),
                members: classes.members,
                rules_of,
                index_of,
            };
        }
        // What does not depend on the other classes: generals that must be alone.
        for c in &model.crashes {
            classes.isolate(c.general);
        }
        for g in order_tangled(model) {
            classes.isolate(g);
        }
        classes.rebuild();
        let shapes = channel_shapes(model);
        loop {
            let mut broken = vec![false; classes.members.len()];
            check_channels(model, &shapes, &classes, &mut broken);
            check_partitions(model, &classes, &mut broken);
            check_crash_any(model, &classes, &mut broken);
            check_rules(model, &classes, &rules_of, &mut broken);
            if !broken.contains(&true) {
                break;
            }
            let alone: Vec<GenId> =
                classes.shared().filter(|(c, _)| broken[*c]).flat_map(|(_, m)| m.to_vec()).collect();
            for g in alone {
                classes.isolate(g);
            }
            classes.rebuild();
        }
        Symmetry { class: classes.of.iter().map(|&c| c as u16).collect(), members: classes.members, rules_of, index_of }
    }

    /// True when some class has at least two members.
    /// Every general alone (no symmetry used).
    pub fn none(model: &Model) -> Symmetry {
        let n = model.generals.len();
        let rules_of: Vec<Vec<RuleId>> = model.generals.iter().map(|g| rule_lists(g).concat()).collect();
        let mut index_of = vec![u32::MAX; model.rules.len()];
        for rules in &rules_of {
            for (i, r) in rules.iter().enumerate() {
                index_of[*r as usize] = i as u32;
            }
        }
        Symmetry {
            class: (0..n as u16).collect(),
            members: (0..n as GenId).map(|g| vec![g]).collect(),
            rules_of,
            index_of,
        }
    }

    pub fn any(&self) -> bool {
        self.members.iter().any(|m| m.len() >= 2)
    }

    /// The position of rule `r` among general `g`'s rules (its lists `on_start`,
    /// `on_recover`, `on_receive`, `timed`, `when`, `decide`, one after the other): the
    /// rules of two members of a class at one position correspond.
    pub fn rule_index(&self, model: &Model, g: GenId, r: RuleId) -> u32 {
        debug_assert_eq!(model.rules[r as usize].owner, g, "rule {r} is not general {g}'s");
        self.index_of[r as usize]
    }

    /// The rule of general `g` at position `index` (the inverse of [`Symmetry::rule_index`]).
    pub fn rule_at(&self, model: &Model, g: GenId, index: u32) -> RuleId {
        let r = self.rules_of[g as usize][index as usize];
        debug_assert_eq!(model.rules[r as usize].owner, g);
        r
    }
}

/// A general's rule lists, in the order [`Symmetry::rule_index`] numbers them.
fn rule_lists(g: &General) -> [&[RuleId]; 6] {
    [&g.on_start, &g.on_recover, &g.on_receive, &g.timed, &g.when, &g.decide]
}

/// A partition of the generals into classes, while it is refined.
struct Classes {
    /// The class of each general (after [`Classes::rebuild`]: an index into `members`).
    of: Vec<usize>,
    members: Vec<Vec<GenId>>,
}

impl Classes {
    /// The candidates: members of one role with equal variables (types and initial
    /// values) and as many rules of each kind. Generals with no role are alone.
    fn initial(model: &Model) -> Classes {
        let n = model.generals.len();
        let key = |g: &General| {
            let vars: Vec<(Ty, i64)> = g.vars.iter().map(|v| (v.ty, v.init)).collect();
            (g.role, vars, rule_lists(g).map(<[RuleId]>::len))
        };
        let keys: Vec<_> = model.generals.iter().map(key).collect();
        let of = (0..n)
            .map(|g| match keys[g].0 {
                None => n + g,
                Some(_) => keys.iter().position(|k| *k == keys[g]).expect("g's own key is there"),
            })
            .collect();
        let mut classes = Classes { of, members: Vec::new() };
        classes.rebuild();
        classes
    }

    /// Puts `g` in a class of its own (call [`Classes::rebuild`] afterwards).
    fn isolate(&mut self, g: GenId) {
        self.of[g as usize] = self.of.len() + g as usize;
    }

    /// Renumbers the classes `0..`, in the order of their first members, and lists them.
    fn rebuild(&mut self) {
        let mut ids = HashMap::new();
        self.members.clear();
        for (g, c) in self.of.iter_mut().enumerate() {
            let id = *ids.entry(*c).or_insert_with(|| {
                self.members.push(Vec::new());
                self.members.len() - 1
            });
            self.members[id].push(g as GenId);
            *c = id;
        }
    }

    /// The classes of at least two members, with their ids.
    fn shared(&self) -> impl Iterator<Item = (usize, &[GenId])> {
        self.members.iter().enumerate().filter(|(_, m)| m.len() >= 2).map(|(c, m)| (c, m.as_slice()))
    }
}

// ---------------------------------------------------------------- channels, partitions, crashes

/// For each channel, an id shared by the channels of the same shape: delays, duplication
/// and loss rules (without their spans).
fn channel_shapes(model: &Model) -> Vec<usize> {
    let mut ids = HashMap::new();
    model
        .channels
        .iter()
        .map(|c| {
            let losses: Vec<&LossKind> = c.losses.iter().map(|l| &l.kind).collect();
            let shape = format!("{:?}", (c.delay_lo, c.delay_hi, c.duplicate, losses));
            let next = ids.len();
            *ids.entry(shape).or_insert(next)
        })
        .collect()
}

/// Breaks the classes in which swapping the first member with another does not map every
/// channel onto a channel of the same shape. (The transpositions of the first member
/// with each other one generate every permutation of the class.)
fn check_channels(model: &Model, shapes: &[usize], classes: &Classes, broken: &mut [bool]) {
    let n = model.generals.len() as GenId;
    let shape = |a: GenId, b: GenId| model.chan(a, b).map(|c| shapes[c as usize]);
    for (c, members) in classes.shared() {
        let x = members[0];
        for &y in &members[1..] {
            let swap = |g: GenId| {
                if g == x {
                    y
                } else if g == y {
                    x
                } else {
                    g
                }
            };
            // Only the channels at x or y move.
            let mut moved = (0..n).flat_map(|a| [(a, x), (a, y), (x, a), (y, a)]);
            if moved.any(|(a, b)| shape(a, b) != shape(swap(a), swap(b))) {
                broken[c] = true;
                break;
            }
        }
    }
}

/// Breaks the classes that straddle a side of a partition.
fn check_partitions(model: &Model, classes: &Classes, broken: &mut [bool]) {
    for p in &model.partitions {
        for (c, members) in classes.shared() {
            let uniform = |side: &[bool]| members.iter().all(|&g| side[g as usize] == side[members[0] as usize]);
            if !uniform(&p.side_a) || !uniform(&p.side_b) {
                broken[c] = true;
            }
        }
    }
}

/// Breaks the classes that straddle the targets of a `crash any` rule, and, when the
/// rule may stop rolling before its last target (fewer crashes than targets), the classes
/// with two members among its targets: their chances differ by their place in the list.
fn check_crash_any(model: &Model, classes: &Classes, broken: &mut [bool]) {
    for rule in &model.crash_any {
        let mut targets = rule.targets.clone();
        targets.sort_unstable();
        targets.dedup();
        let in_order = (rule.n as usize) < targets.len();
        for (c, members) in classes.shared() {
            let inside = members.iter().filter(|g| targets.binary_search(g).is_ok()).count();
            if (inside > 0 && inside < members.len()) || (in_order && inside >= 2) {
                broken[c] = true;
            }
        }
    }
}

// ---------------------------------------------------------------- order within a tick

/// The generals that may send messengers whose order of arrival matters: those from
/// which an [`order_sensitive`] general can be reached over channels (one hop or more).
fn order_tangled(model: &Model) -> Vec<GenId> {
    let n = model.generals.len() as GenId;
    let mut tangled = vec![false; n as usize];
    let mut todo: Vec<GenId> = (0..n).filter(|&g| order_sensitive(model, g)).collect();
    while let Some(to) = todo.pop() {
        for from in 0..n {
            if from != to && !tangled[from as usize] && model.chan(from, to).is_some() {
                tangled[from as usize] = true;
                todo.push(from);
            }
        }
    }
    (0..n).filter(|&g| tangled[g as usize]).collect()
}

/// Whether the order in which general `g` is delivered the messengers of one tick can
/// change what happens, as far as can be told from its `on receive` rules (when in
/// doubt, yes). Deliveries commute when, in each of those rules:
///
/// - no condition, pattern, payload or value reads what was received or sent (it grows
///   with each delivery);
/// - every `set` is a commuting update of a variable that nothing else there reads:
///   `v = v + c` with constants `c` all of one sign (so an overflow happens in every
///   order or in none), or all `v = min(v, e)`, or all `v = max(v, e)`, `e` reading no
///   variable;
/// - every decision is the same (first decision wins): all `attack`, all `wait`, or all
///   `commit` of one expression reading no payload;
/// - no `crash` (what arrives after it is lost), and no `send` over a channel whose loss
///   rules count messengers (which one is captured would depend on the order).
///
/// Sends in a different order are fine: the order only matters to receivers, and every
/// general upstream of an order-sensitive one is made to stand alone.
fn order_sensitive(model: &Model, g: GenId) -> bool {
    let mut updates: HashMap<u16, Update> = HashMap::new();
    let mut reads = Vec::new();
    let mut decision: Option<String> = None;
    for &r in &model.generals[g as usize].on_receive {
        let rule = &model.rules[r as usize];
        // What it received or sent grows with each delivery.
        let summary = &model.reads[r as usize];
        if summary.received || summary.sent {
            return true;
        }
        // Every variable read, except the updated operand of a commuting update.
        let Trigger::Receive { pattern, guard, .. } = &rule.trigger else {
            return true;
        };
        visit::pattern_values(pattern, &mut |e| vars_read(e, &mut reads));
        if let Some(e) = guard {
            vars_read(e, &mut reads);
        }
        for a in &rule.actions {
            let decided = match a {
                Action::Send { args, to, copies, .. } => {
                    args.iter().chain(copies).for_each(|e| vars_read(e, &mut reads));
                    if to.iter().any(|&t| model.chan(g, t).is_some_and(|c| counts(&model.channels[c as usize]))) {
                        return true;
                    }
                    continue;
                }
                Action::Set { var, value, .. } => {
                    let Some((update, operand)) = commuting_update(*var, value) else {
                        return true;
                    };
                    if *updates.entry(*var).or_insert(update) != update {
                        return true;
                    }
                    vars_read(operand, &mut reads);
                    continue;
                }
                Action::Crash(_) => return true,
                Action::Attack(_) => "attack".to_string(),
                Action::Wait(_) => "wait".to_string(),
                Action::Commit { value, .. } => {
                    if visit::any_part(value, &|e| matches!(e.kind, ExprKind::Local(_))) {
                        return true;
                    }
                    vars_read(value, &mut reads);
                    format!("commit {:?}", blanked(value))
                }
            };
            match &decision {
                Some(d) if *d != decided => return true,
                _ => decision = Some(decided),
            }
        }
    }
    reads.iter().any(|v| updates.contains_key(v))
}

/// A commuting update of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Update {
    /// Adds constants, all `>= 0` (true) or all `<= 0` (false).
    Add(bool),
    Min,
    Max,
}

/// `set v = value` as a commuting update of `v`, with its other operand.
fn commuting_update(v: u16, value: &Expr) -> Option<(Update, &Expr)> {
    let is_v = |e: &Expr| matches!(e.kind, ExprKind::Var(w) if w == v);
    let constant = |e: &Expr| match e.kind {
        ExprKind::Const(c) => Some(c),
        _ => None,
    };
    match &value.kind {
        ExprKind::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
            let add = matches!(op, BinOp::Add);
            let (c, operand) = if is_v(a) {
                (constant(b)?, b)
            } else if add && is_v(b) {
                (constant(a)?, a)
            } else {
                return None;
            };
            let c = if add { c } else { c.checked_neg()? };
            Some((Update::Add(c >= 0), operand))
        }
        ExprKind::MinMax { max, a, b } => {
            let operand = if is_v(a) {
                b
            } else if is_v(b) {
                a
            } else {
                return None;
            };
            if visit::any_part(operand, &|e| matches!(e.kind, ExprKind::Var(_))) {
                return None;
            }
            Some((if *max { Update::Max } else { Update::Min }, operand))
        }
        _ => None,
    }
}

/// Whether a channel's loss rules count its messengers.
fn counts(c: &Channel) -> bool {
    c.losses.iter().any(|l| l.kind.counts())
}

/// Adds the variables an expression reads to `out`.
fn vars_read(e: &Expr, out: &mut Vec<u16>) {
    visit::walk(e, &mut |p| {
        if let ExprKind::Var(v) = p.kind {
            out.push(v);
        }
    });
}

// ---------------------------------------------------------------- rules

/// Breaks the classes whose members' rules differ once rewritten by [`ListCode`], and the
/// classes that some general's rules name in part.
fn check_rules(model: &Model, classes: &Classes, rules_of: &[Vec<RuleId>], broken: &mut [bool]) {
    let mut code = ListCode::new(classes);
    let forms: Vec<Vec<String>> = (0..model.generals.len() as GenId)
        .map(|g| {
            rules_of[g as usize]
                .iter()
                .map(|&r| {
                    let mut rule = model.rules[r as usize].clone();
                    rewrite(&mut rule, &mut |list| code.rewrite(g, list));
                    format!("{rule:?}")
                })
                .collect()
        })
        .collect();
    for (c, partial) in code.partial.iter().enumerate() {
        broken[c] |= *partial;
    }
    for (c, members) in classes.shared() {
        if members.iter().any(|&g| forms[g as usize] != forms[members[0] as usize]) {
            broken[c] = true;
        }
    }
}

/// Rewrites a list of generals named by a rule of general `g` into a code that every
/// permutation within classes that fixes `g` leaves alone: whether it names `g`; for
/// each class of two or more, whether it names all of the class but `g` (naming none is
/// left out; naming some but not all marks the class in `partial`: the rule names a
/// particular member, so the class must be broken); then the generals it names that are
/// alone in their class, sorted. A transposition `(x y)` within a class then maps the
/// rules of `x` onto those of `y` exactly when the codes of their lists are equal, and
/// leaves the lists of every other general unchanged.
struct ListCode<'c> {
    classes: &'c Classes,
    /// Classes named in part by some list.
    partial: Vec<bool>,
    /// Scratch: which generals the current list names.
    named: Vec<bool>,
}

impl<'c> ListCode<'c> {
    fn new(classes: &'c Classes) -> ListCode<'c> {
        ListCode { classes, partial: vec![false; classes.members.len()], named: vec![false; classes.of.len()] }
    }

    fn rewrite(&mut self, g: GenId, list: &mut Vec<GenId>) {
        for &m in list.iter() {
            self.named[m as usize] = true;
        }
        let mut code = vec![self.named[g as usize] as GenId];
        for (c, members) in self.classes.shared() {
            let others = members.iter().filter(|&&m| m != g);
            let hit = others.clone().filter(|&&m| self.named[m as usize]).count();
            if hit == others.count() {
                code.push(c as GenId);
            } else if hit > 0 {
                self.partial[c] = true;
            }
        }
        code.push(GenId::MAX);
        let mut alone: Vec<GenId> = list
            .iter()
            .copied()
            .filter(|&m| m != g && self.classes.members[self.classes.of[m as usize]].len() == 1)
            .collect();
        alone.sort_unstable();
        alone.dedup();
        code.extend(alone);
        for &m in list.iter() {
            self.named[m as usize] = false;
        }
        *list = code;
    }
}

/// Rewrites a rule (a copy) into the form that [`check_rules`] compares: its owner, spans,
/// line and text blanked, and `list` applied to every list of generals it names.
fn rewrite(r: &mut Rule, list: &mut dyn FnMut(&mut Vec<GenId>)) {
    r.owner = 0;
    r.span = Span::default();
    r.line = 0;
    r.text.clear();
    for a in &mut r.actions {
        match a {
            Action::Send { span, .. }
            | Action::Attack(span)
            | Action::Wait(span)
            | Action::Crash(span)
            | Action::Set { span, .. }
            | Action::Commit { span, .. } => *span = Span::default(),
        }
    }
    // (Expressions and lists in written order; each expression outermost first.)
    let list = std::cell::RefCell::new(list);
    visit::rule_mut(r, &mut |e| rewrite_expr(e, &mut *list.borrow_mut()), &mut |l| (list.borrow_mut())(l));
}

/// Blanks the spans of an expression and its parts, and applies `list` to every list of
/// generals they name.
fn rewrite_expr(e: &mut Expr, list: &mut dyn FnMut(&mut Vec<GenId>)) {
    e.span = Span::default();
    visit::named_mut(&mut e.kind, list);
    visit::parts_mut(e, &mut |p| rewrite_expr(p, list));
}

/// An expression with its spans blanked, to compare by its `Debug` form.
fn blanked(e: &Expr) -> Expr {
    let mut e = e.clone();
    rewrite_expr(&mut e, &mut |_| {});
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Model {
        match crate::load("test.herald", text.as_bytes(), &[]) {
            Ok(l) => l.model,
            Err(f) => panic!("does not load: {:#?}", f.diags),
        }
    }

    fn bundled(path: &str) -> Model {
        let file = format!("{}/scenarios/{path}", env!("CARGO_MANIFEST_DIR"));
        model(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}")))
    }

    /// The classes of two or more, by the names of their members.
    fn shared(text: &str) -> Vec<Vec<String>> {
        names(&model(text))
    }

    fn names(m: &Model) -> Vec<Vec<String>> {
        let sym = Symmetry::of(m);
        sym.members
            .iter()
            .filter(|c| c.len() >= 2)
            .map(|c| c.iter().map(|&g| m.name(g).to_string()).collect())
            .collect()
    }

    fn class(members: &[&str]) -> Vec<String> {
        members.iter().map(|s| s.to_string()).collect()
    }

    /// Five voters over a lossy network, with `extra` added.
    fn voters(extra: &str) -> String {
        format!(
            "victory when at least 3 attack
             channel * <-> * {{ delay 1..2 lose 20% }}
             role voters {{
               on start {{ send vote to all }}
               decide at 6: attack if count received vote + 1 >= 3
             }}
             generals G1..G5 are voters
             {extra}"
        )
    }

    #[test]
    fn the_five_voters_of_the_majority_scenario_are_one_class() {
        let m = bundled("majority-3-of-5.herald");
        let sym = Symmetry::of(&m);
        assert!(sym.any());
        assert_eq!(sym.class, [0; 5]);
        assert_eq!(sym.members, [vec![0, 1, 2, 3, 4]]);
        assert_eq!(names(&model(&voters(""))), [class(&["G1", "G2", "G3", "G4", "G5"])]);
    }

    #[test]
    fn generals_without_a_role_are_alone() {
        let m = bundled("attempt2-acknowledgment.herald");
        let sym = Symmetry::of(&m);
        assert!(!sym.any());
        assert_eq!(sym.class, [0, 1]);
    }

    #[test]
    fn a_different_initial_value_splits_its_general_out() {
        let text = "channel * <-> * { delay 1 }
             role voters { on start { send vote(w) to all } decide at 6: attack if count received vote >= 2 }
             general G1 is voters { var w = 0 }
             general G2 is voters { var w = 0 }
             general G3 is voters { var w = 1 }
             general G4 is voters { var w = 0 }";
        assert_eq!(shared(text), [class(&["G1", "G2", "G4"])]);
        let sym = Symmetry::of(&model(text));
        assert_eq!(sym.class, [0, 0, 1, 0], "ids in the order of first members");
    }

    #[test]
    fn a_scheduled_crash_splits_its_general_out() {
        assert_eq!(shared(&voters("crash G3 at 2")), [class(&["G1", "G2", "G4", "G5"])]);
        assert_eq!(shared(&voters("crash G3 at 2\nrecover G3 at 4")), [class(&["G1", "G2", "G4", "G5"])]);
    }

    #[test]
    fn a_rule_that_names_one_member_breaks_the_class() {
        // G2's own rule names G1: G1 is no longer like G3, G4 and G5; and G2, with one
        // rule more, never was like the others. Swapping G3 and G5 still changes nothing,
        // but the class is broken whole.
        let text = voters("").replace("generals G1..G5 are voters", "generals G1, G3, G4, G5 are voters")
            + "general G2 is voters { on start { send x to G1 } }";
        assert_eq!(shared(&text), Vec::<Vec<String>>::new());
        // A role that names one member of another role breaks that role, and only that
        // one: once B1 is alone, the rules of A1 and A2 name the same lone general.
        let text = "channel * <-> * { delay 1 }
             role a { on start { send x to B1 } decide at 3: attack }
             role b { decide at 3: attack if received x }
             generals A1, A2 are a
             generals B1, B2 are b";
        assert_eq!(shared(text), [class(&["A1", "A2"])]);
        // Naming the whole role is fine.
        assert_eq!(shared(&text.replace("to B1", "to b")), [class(&["A1", "A2"]), class(&["B1", "B2"])]);
        // So is a condition about all of them, but not about one.
        let knows = "channel * <-> * { delay 1 }
             role a { on start { send x to all } decide at 3: attack if received x from all b }
             role b { on start { send x to all } decide at 3: attack if count received x from a >= 1 }
             generals A1, A2 are a
             generals B1, B2 are b";
        assert_eq!(shared(knows), [class(&["A1", "A2"]), class(&["B1", "B2"])]);
        assert_eq!(shared(&knows.replace("from all b", "from B2")), [class(&["A1", "A2"])]);
        assert_eq!(shared(&knows.replace("from a >= 1", "from A1 >= 1")), [class(&["B1", "B2"])]);
    }

    #[test]
    fn a_partition_across_a_role_breaks_it() {
        assert_eq!(shared(&voters("partition G1, G2 | G3, G4, G5 from 0 to 3")), Vec::<Vec<String>>::new());
        // A cut between the role and an outsider keeps it whole.
        let text = voters("general H { decide at 6: wait }\npartition G1, G2, G3, G4, G5 | H");
        assert_eq!(shared(&text), [class(&["G1", "G2", "G3", "G4", "G5"])]);
    }

    #[test]
    fn channels_must_look_alike_from_every_member() {
        let lossier = voters("channel G1 -> G2 { delay 1..2 lose 50% }");
        assert_eq!(shared(&lossier), Vec::<Vec<String>>::new());
        let same = voters("channel G1 -> G2 { delay 1..2 lose 20% }");
        assert_eq!(shared(&same), [class(&["G1", "G2", "G3", "G4", "G5"])]);
    }

    #[test]
    fn crash_any_keeps_a_class_only_when_its_targets_are_not_rolled_in_order() {
        // Every target may crash: each rolls alike whatever its place.
        assert_eq!(
            shared(&voters("crash any 5 of G1, G2, G3, G4, G5 from 0 to 3")),
            [class(&["G1", "G2", "G3", "G4", "G5"])]
        );
        // Only one may: G1 rolls first, so it is likelier to crash than G5.
        assert_eq!(shared(&voters("crash any 1 of G1, G2, G3, G4, G5 from 0 to 3")), Vec::<Vec<String>>::new());
        // Targets that straddle the class.
        assert_eq!(shared(&voters("crash any 2 of G1, G2")), Vec::<Vec<String>>::new());
    }

    #[test]
    fn a_receiver_whose_deliveries_do_not_commute_breaks_its_senders() {
        let sink = |rules: &str| {
            format!(
                "channel * -> C {{ delay 1..2 }}
                 role s {{ on start {{ send x(v) to C }} decide at 4: attack }}
                 general S1 is s {{ var v = 0 }}
                 general S2 is s {{ var v = 0 }}
                 general S3 is s {{ var v = 1 }}
                 general S4 is s {{ var v = 1 }}
                 general C {{ var n = 0  var low = 9  var last = 0  {rules} decide at 4: attack }}"
            )
        };
        let both = [class(&["S1", "S2"]), class(&["S3", "S4"])];
        // C hears S1 and S3 at one tick in the order declared: the last value stays.
        assert_eq!(shared(&sink("on receive x(p) { set last = p }")), Vec::<Vec<String>>::new());
        // Counting, keeping the least value, deciding alike: the order does not matter.
        assert_eq!(shared(&sink("on receive x(p) { set n = n + 1  set low = min(low, p) }")), both);
        assert_eq!(shared(&sink("on receive x { attack }")), both);
        let commit = |rules: &str| sink(rules).replace("decide at 4: attack", "decide at 4: commit 0");
        assert_eq!(shared(&commit("on receive x(p) { commit p }")), Vec::<Vec<String>>::new());
        assert_eq!(shared(&commit("on receive x { commit low }")), both);
        assert_eq!(shared(&sink("on receive x if count received x = 1 { attack }")), Vec::<Vec<String>>::new());
        // Reading a counter that deliveries update: which delivery sees 1 depends on the order.
        assert_eq!(
            shared(&sink("on receive x { set n = n + 1 } on receive x if n = 1 { attack }")),
            Vec::<Vec<String>>::new()
        );
    }

    #[test]
    fn the_consensus_with_one_crash_has_no_symmetry() {
        // The replicas start with different prices, so none is like another. (Were the
        // prices equal, the replicas would still be split twice over: `crash any 1 of R1,
        // R2, R3` gives R1 the first roll, and `set price = p` under a condition on the
        // price makes the order of deliveries matter.)
        let m = bundled("consensus-one-crash.herald");
        assert!(!Symmetry::of(&m).any());
        let equal =
            std::fs::read_to_string(format!("{}/scenarios/consensus-one-crash.herald", env!("CARGO_MANIFEST_DIR")))
                .expect("the scenario is there")
                .replace("price = 2000", "price = 1000")
                .replace("price = 1500", "price = 1000");
        let m = model(&equal);
        assert!(m.generals.iter().all(|g| g.vars[0].init == 1000));
        assert!(order_sensitive(&m, 0));
        assert!(!Symmetry::of(&m).any());
    }

    #[test]
    fn the_replicas_of_price_flooding_are_not_interchangeable() {
        // A starts at 1000 and B at 2000: the two replicas differ, and the outcome
        // depends on which is which (A never changes its mind).
        let m = bundled("price-flooding.herald");
        let sym = Symmetry::of(&m);
        assert!(!sym.any());
        assert_eq!(sym.class, [0, 1]);
    }

    #[test]
    fn the_participants_of_two_phase_commit_are_one_class() {
        // Their `on receive` rules only send and attack, so the order in which they are
        // heard does not matter; the coordinator names them as a role.
        assert_eq!(names(&bundled("two-phase-commit.herald")), [class(&["P1", "P2", "P3"])]);
    }

    #[test]
    fn rule_index_and_rule_at_are_inverse_and_correspond_across_a_class() {
        let m = bundled("majority-partition-heals.herald");
        let sym = Symmetry::of(&m);
        for g in 0..m.generals.len() as GenId {
            let rules: Vec<RuleId> = rule_lists(&m.generals[g as usize]).concat();
            for (i, &r) in rules.iter().enumerate() {
                assert_eq!(sym.rule_index(&m, g, r), i as u32);
                assert_eq!(sym.rule_at(&m, g, i as u32), r);
            }
        }
        // The partition `G1, G2 | G3, G4` puts the voters on two sides: the role is broken.
        assert!(!sym.any());
        let m = bundled("majority-3-of-5.herald");
        let sym = Symmetry::of(&m);
        let (a, b) = (0, 3);
        for (i, &r) in m.generals[a as usize].decide.iter().enumerate() {
            let index = sym.rule_index(&m, a, r);
            let s = sym.rule_at(&m, b, index);
            assert_eq!(s, m.generals[b as usize].decide[i]);
            assert_eq!(m.rules[s as usize].text, m.rules[r as usize].text);
        }
    }

    /// Whether swapping `x` and `y` maps the model onto itself, checked directly (not
    /// through class codes): rules with their lists of generals permuted, variables,
    /// channels, partitions, scheduled crashes, `crash any` targets.
    fn swap_is_automorphism(m: &Model, x: GenId, y: GenId) -> bool {
        let swap = |g: GenId| {
            if g == x {
                y
            } else if g == y {
                x
            } else {
                g
            }
        };
        let n = m.generals.len() as GenId;
        let form = |g: GenId, permute: bool| -> Vec<String> {
            rule_lists(&m.generals[g as usize])
                .iter()
                .flat_map(|l| l.iter())
                .map(|&r| {
                    let mut rule = m.rules[r as usize].clone();
                    rewrite(&mut rule, &mut |l| {
                        if permute {
                            l.iter_mut().for_each(|g| *g = swap(*g));
                        }
                        l.sort_unstable();
                        l.dedup();
                    });
                    format!("{rule:?}")
                })
                .collect()
        };
        let vars =
            |g: GenId| format!("{:?}", m.generals[g as usize].vars.iter().map(|v| (v.ty, v.init)).collect::<Vec<_>>());
        let chan = |a: GenId, b: GenId| {
            m.chan(a, b).map(|c| {
                let c = &m.channels[c as usize];
                format!(
                    "{:?}",
                    (c.delay_lo, c.delay_hi, c.duplicate, c.losses.iter().map(|l| &l.kind).collect::<Vec<_>>())
                )
            })
        };
        (0..n).all(|g| form(swap(g), false) == form(g, true) && vars(g) == vars(swap(g)))
            && (0..n).all(|a| (0..n).all(|b| chan(a, b) == chan(swap(a), swap(b))))
            && m.partitions.iter().all(|p| {
                (0..n).all(|g| {
                    p.side_a[g as usize] == p.side_a[swap(g) as usize]
                        && p.side_b[g as usize] == p.side_b[swap(g) as usize]
                })
            })
            && m.crashes.iter().all(|c| swap(c.general) == c.general)
            && m.crash_any.iter().all(|c| {
                let mut t: Vec<GenId> = c.targets.iter().map(|&g| swap(g)).collect();
                t.sort_unstable();
                let mut u = c.targets.clone();
                u.sort_unstable();
                let in_order = (c.n as usize) < c.targets.len();
                t == u && !(in_order && u.contains(&x) && u.contains(&y))
            })
    }

    #[test]
    fn every_swap_within_a_class_of_a_bundled_scenario_is_an_automorphism() {
        let files = crate::bundled_files(&["scenarios", "scenarios/exercises", "scenarios/exercises/solutions"]);
        assert!(files.len() > 20, "the bundled scenarios are found");
        let mut with_classes = 0;
        for path in files {
            let Ok(loaded) = crate::load("s.herald", &std::fs::read(&path).expect("read"), &[]) else {
                continue;
            };
            let m = loaded.model;
            let sym = Symmetry::of(&m);
            with_classes += sym.any() as usize;
            for members in &sym.members {
                for &x in members {
                    for &y in members.iter().filter(|&&y| y != x) {
                        assert!(swap_is_automorphism(&m, x, y), "{}: {} and {}", path.display(), m.name(x), m.name(y));
                    }
                    assert_eq!(sym.class[x as usize], sym.class[members[0] as usize]);
                }
            }
        }
        assert!(with_classes >= 2, "some bundled scenario has a class");
    }
}
