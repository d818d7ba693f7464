//! Message kinds: their ids, and the payload types their sends carry.

use super::rules::rule_actions;
use super::*;
use crate::syntax::ast::{Action as AA, RuleDecl, RuleKind};

impl Checker<'_> {
    /// The id of a kind, creating it if new.
    pub(crate) fn kind_id(&mut self, k: &ast::Kind) -> KindId {
        if let Some(&i) = self.kind_index.get(&k.name) {
            return i;
        }
        let i = self.kinds.len() as KindId;
        self.kinds.push(KindInfo { name: k.name.clone(), quoted: k.quoted, arg_types: Vec::new() });
        self.kind_index.insert(k.name.clone(), i);
        self.kind_sent.push(None);
        self.kind_checked.push(None);
        i
    }

    /// Gives each kind the payload types its sends carry; reports sends that disagree.
    pub(super) fn infer_kinds(&mut self, file: &ast::File) {
        let mut first: HashMap<KindId, (Vec<Ty>, Span)> = HashMap::new();
        let mut visit = |c: &mut Checker, rules: &[RuleDecl], vars: &[(String, Ty)]| {
            for r in rules {
                for a in rule_actions(r) {
                    if let AA::Send { msg, .. } = a {
                        let id = c.kind_id(&msg.kind);
                        if c.kind_sent[id as usize].is_none() {
                            c.kind_sent[id as usize] = Some(msg.kind.span);
                        }
                        let tys: Vec<Ty> = msg.args.iter().map(|e| c.shallow_type(e, vars)).collect();
                        if msg.args.len() > MAX_ARGS {
                            c.err(Diag::error(
                                Code::CheckTooManyValues,
                                format!("a message carries at most {MAX_ARGS} values"),
                                msg.span,
                                format!("this one has {}", msg.args.len()),
                            ));
                            continue;
                        }
                        match first.get(&id) {
                            None => {
                                first.insert(id, (tys.clone(), msg.span));
                                c.kinds[id as usize].arg_types = tys;
                            }
                            Some((t0, s0)) if *t0 != tys => {
                                let describe = |t: &[Ty]| {
                                    if t.is_empty() {
                                        "no payload".to_string()
                                    } else {
                                        format!("({})", t.iter().map(|t| t.name()).collect::<Vec<_>>().join(", "))
                                    }
                                };
                                c.err(
                                    Diag::error(
                                        Code::CheckPayloadMismatch,
                                        format!("'{}' is sent with two different payloads", msg.kind.name),
                                        msg.span,
                                        format!("here with {}", describe(&tys)),
                                    )
                                    .with_label(*s0, format!("here with {}", describe(t0)))
                                    .with_help(
                                        "every messenger of one kind carries the same number and types of values",
                                    ),
                                );
                            }
                            _ => {}
                        }
                    }
                }
            }
        };
        let role_vars: Vec<Vec<(String, Ty)>> =
            self.role_rules.clone().iter().map(|rs| self.shallow_vars(rs)).collect();
        for (i, rules) in self.role_rules.clone().iter().enumerate() {
            visit(self, rules, &role_vars[i]);
        }
        for stmt in &file.stmts {
            if let Stmt::General(g) = stmt {
                let mut vars = self.shallow_vars(&g.rules);
                if let Some(r) = g.role.as_ref().and_then(|r| self.role_index.get(&r.name)) {
                    vars.extend(role_vars[*r].iter().cloned());
                }
                visit(self, &g.rules, &vars);
            }
        }
    }

    fn shallow_vars(&mut self, rules: &[RuleDecl]) -> Vec<(String, Ty)> {
        let mut out = Vec::new();
        for r in rules {
            if let RuleKind::Var { name, init } = &r.kind {
                let t = self.shallow_type(init, &out);
                out.push((name.name.clone(), t));
            }
        }
        out
    }

    /// The type of an expression at a glance (binders count as numbers).
    fn shallow_type(&self, e: &ast::Expr, vars: &[(String, Ty)]) -> Ty {
        match &e.kind {
            AE::Str(_) => Ty::Str,
            AE::Name(n) => {
                if let Some((_, t)) = vars.iter().find(|(v, _)| v == n) {
                    return *t;
                }
                match self.globals.get(n) {
                    Some((Global::Param(i), _)) if matches!(self.params[*i].value, ParamVal::Str(_)) => Ty::Str,
                    _ => Ty::Int,
                }
            }
            AE::Not(_) | AE::Received { .. } | AE::Sent { .. } => Ty::Bool,
            AE::Binary(op, ..) if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) => Ty::Bool,
            _ => Ty::Int,
        }
    }
}
