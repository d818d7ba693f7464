//! The header (`scenario`, `about`, `seed`, `horizon`) and the globals: params (with `--param` overrides) and times.

use super::*;

impl Checker<'_> {
    /// `scenario`, `about`, `seed`, `horizon`: once each.
    pub(super) fn header(&mut self, file: &ast::File) {
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        for stmt in &file.stmts {
            let (what, span) = match stmt {
                Stmt::Scenario(s) => {
                    self.title = Some(s.value.clone());
                    ("scenario", s.span)
                }
                Stmt::About(s) => {
                    self.about = Some(s.value.clone());
                    ("about", s.span)
                }
                Stmt::Seed(s) => {
                    self.seed = s.value;
                    ("seed", s.span)
                }
                Stmt::Horizon(s) => {
                    if s.value == 0 || s.value > MAX_HORIZON {
                        self.err(
                            Diag::error(
                                Code::CheckBadHorizon,
                                format!("horizon must be between 1 and {MAX_HORIZON}"),
                                s.span,
                                "out of range",
                            )
                            .with_help("the horizon is the last tick simulated"),
                        );
                    } else {
                        self.horizon = s.value as u32;
                        self.horizon_span = Some(s.span);
                    }
                    ("horizon", s.span)
                }
                _ => continue,
            };
            if let Some(first) = seen.insert(what, span) {
                self.err(
                    Diag::error(Code::CheckDuplicate, format!("'{what}' is given twice"), span, "given again here")
                        .with_label(first, "first given here")
                        .with_help("keep one of them"),
                );
            }
        }
    }

    /// Params and times, in the order written (each may use those before it).
    pub(super) fn globals_pass(&mut self, file: &ast::File, overrides: &[ParamOverride]) {
        // Every param declared, whether or not its value is valid.
        let mut declared: Vec<String> = Vec::new();
        for stmt in &file.stmts {
            match stmt {
                Stmt::Param { name, value } => {
                    if !self.declare_global(name) {
                        continue;
                    }
                    declared.push(name.name.clone());
                    let given = overrides.iter().rev().find(|o| o.name == name.name).map(|o| &o.value);
                    let mut checked = self.param_value(given.unwrap_or(value), given.is_some(), name);
                    if checked.is_none() && given.is_some() {
                        // A bad --param value is reported; the file's value keeps the
                        // param known, so its uses do not report it as unknown too.
                        checked = self.param_value(value, false, name);
                    }
                    match checked {
                        Some(value) => {
                            self.globals.insert(name.name.clone(), (Global::Param(self.params.len()), name.span));
                            self.params.push(ParamInfo { name: name.name.clone(), value, span: name.span });
                        }
                        None => {
                            self.globals.insert(name.name.clone(), (Global::Broken, name.span));
                        }
                    }
                }
                Stmt::Time { name, value } => {
                    if !self.declare_global(name) {
                        continue;
                    }
                    let Some(v) = self.const_int(value) else {
                        self.globals.insert(name.name.clone(), (Global::Broken, name.span));
                        continue;
                    };
                    if v < 0 {
                        self.err(Diag::error(
                            Code::CheckNegativeTime,
                            format!("time '{}' is negative", name.name),
                            value.span,
                            format!("this is {v}"),
                        ));
                    }
                    self.globals.insert(name.name.clone(), (Global::Time(self.times.len()), name.span));
                    self.times.push((name.name.clone(), v, name.span));
                }
                _ => {}
            }
        }
        for o in overrides {
            if !declared.contains(&o.name) {
                let names: Vec<&str> = declared.iter().map(String::as_str).collect();
                let mut d = Diag::error(
                    Code::CheckUnknownParam,
                    format!("--param {}: this scenario has no param '{}'", o.name, o.name),
                    Span::new(0, 0),
                    "",
                );
                d.labels.clear();
                let help = match did_you_mean(&o.name, names.iter().copied()) {
                    Some(h) => h,
                    None if names.is_empty() => "this scenario declares no params".to_string(),
                    None => format!("its params are: {}", names.join(", ")),
                };
                self.err(d.with_help(help));
            }
        }
    }

    fn declare_global(&mut self, name: &ast::Ident) -> bool {
        if let Some((_, first)) = self.globals.get(&name.name) {
            let first = *first;
            self.err(
                Diag::error(
                    Code::CheckDuplicate,
                    format!("'{}' is declared twice", name.name),
                    name.span,
                    "declared again here",
                )
                .with_label(first, "first declared here"),
            );
            return false;
        }
        true
    }

    fn param_value(&mut self, v: &ParamValue, overridden: bool, name: &ast::Ident) -> Option<ParamVal> {
        let mark = self.diags.len();
        let r = match v {
            ParamValue::Prob(p) => {
                let r = self.prob_lit(p.value, p.span).map(ParamVal::Prob);
                let text: String =
                    if overridden { String::new() } else { p.span.text(self.src).split_whitespace().collect() };
                if r.is_none() && p.value.num > p.value.den && text.contains('/') {
                    // `param n = 10/2` meant a number, most likely.
                    if let Some(d) = self.diags.last_mut() {
                        d.help = Some(format!(
                            "a param written N/M is a probability; for a whole-number division, write it in brackets: ({text})"
                        ));
                    }
                }
                r
            }
            ParamValue::Expr(e) => match &e.kind {
                AE::Str(s) => Some(ParamVal::Str(s.clone())),
                AE::Prob(p) => self.prob_lit(*p, e.span).map(ParamVal::Prob),
                _ => self.const_int(e).map(ParamVal::Int),
            },
        };
        if overridden && r.is_none() {
            // The value's spans point into the command line, not the file: report its
            // problem once, at the param it overrides.
            let why: Vec<Diag> = self.diags.drain(mark..).collect();
            let mut d = Diag::error(
                Code::CheckBadParamValue,
                match why.first() {
                    Some(w) => format!("--param {}: {}", name.name, w.message),
                    None => format!("--param {}: the value given is not valid", name.name),
                },
                name.span,
                "the param that --param sets",
            );
            d.help = why.into_iter().find_map(|w| w.help);
            self.err(d);
        }
        r
    }
}
