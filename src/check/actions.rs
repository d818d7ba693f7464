//! Actions: sends (payload types, targets, channels, copies), decisions, `set`, `crash`.

use super::exprs::Scope;
use super::*;
use crate::syntax::ast::Action as AA;

impl Checker<'_> {
    pub(super) fn action(&mut self, a: &AA, scope: &Scope, from_role: bool) -> Option<Action> {
        Some(match a {
            AA::Send { msg, to, copies, span } => {
                let kind = self.kind_id(&msg.kind);
                let mut args = Vec::new();
                let want = self.kinds[kind as usize].arg_types.clone();
                for (i, e) in msg.args.iter().enumerate() {
                    let v = self.expr(e, scope)?;
                    if let Some(t) = want.get(i)
                        && *t != v.ty
                    {
                        self.type_error(e.span, *t, v.ty);
                        return None;
                    }
                    args.push(v);
                }
                if !from_role {
                    for t in to {
                        if let ast::Target::Name(id) = t
                            && self.gen_index.get(&id.name) == Some(&scope.owner)
                        {
                            self.err(
                                Diag::error(
                                    Code::CheckSendToSelf,
                                    format!("'{}' sends to itself", id.name),
                                    id.span,
                                    "the sender itself",
                                )
                                .with_help("a general knows what it knows: send to the others"),
                            );
                            return None;
                        }
                    }
                }
                let targets = self.targets(to, Some(scope.owner))?;
                let copies = match copies {
                    Some(c) => {
                        let e = self.expr(c, scope)?;
                        if e.ty != Ty::Int {
                            self.type_error(c.span, Ty::Int, e.ty);
                            return None;
                        }
                        if let ExprKind::Const(v) = e.kind
                            && v < 1
                        {
                            self.err(Diag::error(
                                Code::CheckBadNumber,
                                "a send needs at least 1 copy",
                                c.span,
                                format!("this is {v}"),
                            ));
                            return None;
                        }
                        Some(e)
                    }
                    None => None,
                };
                let mut missing = Vec::new();
                for &t in &targets {
                    if self.chan_of[scope.owner as usize * self.generals.len() + t as usize].is_none() {
                        missing.push(t);
                    }
                }
                if !missing.is_empty() {
                    let from = self.generals[scope.owner as usize].name.clone();
                    let names: Vec<String> = missing.iter().map(|t| self.generals[*t as usize].name.clone()).collect();
                    self.err(
                        Diag::error(
                            Code::CheckNoChannel,
                            format!("no channel from {from} to {}", names.join(", ")),
                            *span,
                            format!("{from} cannot send this to {}", names.join(", ")),
                        )
                        .with_help(format!("declare one: 'channel {from} -> {} {{ delay 1 }}'", names[0])),
                    );
                    return None;
                }
                Action::Send { kind, args, to: targets, copies, span: *span }
            }
            AA::Attack(s) => {
                self.mark_attack(*s);
                Action::Attack(*s)
            }
            AA::Wait(s) => {
                self.mark_attack(*s);
                Action::Wait(*s)
            }
            AA::Crash(s) => Action::Crash(*s),
            AA::Set { name, value, span } => {
                let Some(idx) = self.generals[scope.owner as usize].vars.iter().position(|v| v.name == name.name)
                else {
                    self.unknown_var(scope.owner, name);
                    return None;
                };
                let e = self.expr(value, scope)?;
                let ty = self.generals[scope.owner as usize].vars[idx].ty;
                if e.ty != ty {
                    self.type_error(value.span, ty, e.ty);
                    return None;
                }
                Action::Set { var: idx as u16, value: e, span: *span }
            }
            AA::Commit { value, span } => {
                self.mark_value(*span);
                Action::Commit { value: self.expr(value, scope)?, span: *span }
            }
        })
    }

    fn unknown_var(&mut self, g: GenId, name: &ast::Ident) {
        let names: Vec<String> = self.generals[g as usize].vars.iter().map(|v| v.name.clone()).collect();
        let mut d = Diag::error(
            Code::CheckUnknownVariable,
            format!("unknown variable '{}'", name.name),
            name.span,
            format!("{} has no variable of this name", self.generals[g as usize].name),
        );
        d.help = Some(
            did_you_mean(&name.name, names.iter().map(String::as_str))
                .unwrap_or_else(|| format!("declare it in the general or its role: 'var {} = 0'", name.name)),
        );
        self.err(d);
    }
}
