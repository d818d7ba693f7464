//! `herald test`: finds the scenarios, checks every `expect` of each, and compares each
//! one's seed run with its golden files (`--bless` writes them).

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use super::files::{Files, Kind};
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, Env, Output};
use crate::Loaded;
use crate::diag::render;
use crate::report::Paint;
use crate::testing::{self, Cache};

/// The arguments of `herald test`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Scenario files or folders (searched recursively for .herald files, each file once); default `.`.
    /// `-` reads a scenario from standard input (its expectations only: it has no golden files).
    pub paths: Vec<String>,
    /// Write (or rewrite) the golden files of every scenario tested (`.golden.txt`, `.golden.yaml`, `.golden.mmd`).
    #[arg(long)]
    pub bless: bool,
    /// Worker threads for the trials of `probability` expectations, 1 to 256 (default: one per core).
    #[arg(long, value_parser = super::jobs)]
    pub jobs: Option<usize>,
}

/// Totals.
#[derive(Default)]
struct Summary {
    passed: usize,
    failed: usize,
    /// Scenarios that loaded but had nothing to check: no `expect` and no golden file.
    empty: Vec<String>,
}

/// `herald test`: each scenario's results, then the totals.
pub fn command(a: &Args, color: bool, env: &Env) -> Output {
    let mut o = Output::default();
    let paths = if a.paths.is_empty() { vec![".".to_string()] } else { a.paths.clone() };
    if a.bless && paths.iter().any(|p| p == STDIN) {
        o.err("error: --bless writes golden files beside a scenario file; standard input (-) has none\n");
        return o.exit(EXIT_USAGE);
    }
    let files = match collect(env.files, &paths) {
        Ok(f) => f,
        Err(e) => {
            o.err(&format!("error: {e}\n"));
            return o.exit(EXIT_USAGE);
        }
    };
    if files.is_empty() {
        o.err(&format!("error: no .herald files under {}\n", paths.join(", ")));
        return o.exit(EXIT_USAGE);
    }
    let mut sum = Summary::default();
    for (i, f) in files.iter().enumerate() {
        // The results are written when all are known: meanwhile, say which file is tested.
        if let Some(p) = &env.progress {
            p.status(format!("testing {} ({} of {})", f.display(), i + 1, files.len()));
        }
        test_file(&mut o, f, a, color, env, &mut sum);
    }
    if let Some(p) = &env.progress {
        p.finish();
    }
    let p = Paint { on: color };
    let mut line = format!("{} passed, {} failed", sum.passed, sum.failed);
    match sum.empty.len() {
        0 => {}
        1 => line.push_str(", 1 scenario with nothing to test"),
        n => line.push_str(&format!(", {n} scenarios with nothing to test")),
    }
    o.out(&format!("\n{}\n", if sum.failed == 0 { p.green(&line) } else { p.red(&line) }));
    if sum.passed + sum.failed == 0 {
        // Nothing was checked at all: a usage error, not a pass.
        let which = match sum.empty.as_slice() {
            [one] => format!("{one} has no `expect` and no golden file"),
            all => format!("none of the {} scenarios has an `expect` or a golden file", all.len()),
        };
        o.err(&format!(
            "error: nothing to test: {which} (add an `expect`, or write golden files with `herald test --bless`)\n"
        ));
        return o.exit(EXIT_USAGE);
    }
    o.exit(if sum.failed == 0 { EXIT_OK } else { EXIT_FAILED })
}

/// The path that stands for standard input, as in every command.
const STDIN: &str = "-";

/// Finds the scenario files under `paths` (files as given, folders recursively, sorted).
/// Each file is found once, under the first path that reaches it, and each folder is
/// searched once: links (symbolic links to folders, around a loop or not) are followed,
/// but a file or folder already met by another path is skipped (by canonical path).
/// `-` is standard input, found as `-` (once, however often it is given).
pub fn collect(files: &dyn Files, paths: &[String]) -> Result<Vec<PathBuf>, String> {
    let mut found = Found::default();
    for p in paths {
        let path = PathBuf::from(p);
        if p == STDIN {
            if found.seen.insert(path.clone()) {
                found.out.push(path);
            }
            continue;
        }
        match files.kind(&path) {
            Kind::Folder => walk(files, &path, &mut found).map_err(|e| format!("cannot read {p}: {e}"))?,
            Kind::File => found.file(files, path),
            Kind::Other | Kind::Missing => return Err(format!("{p}: no such file or folder")),
        }
    }
    Ok(found.out)
}

/// The files found so far, and the canonical paths of the files and folders met.
#[derive(Default)]
struct Found {
    out: Vec<PathBuf>,
    seen: HashSet<PathBuf>,
}

impl Found {
    fn file(&mut self, files: &dyn Files, path: PathBuf) {
        if self.seen.insert(files.canonical(&path)) {
            self.out.push(path);
        }
    }
}

fn walk(files: &dyn Files, dir: &Path, found: &mut Found) -> io::Result<()> {
    if !found.seen.insert(files.canonical(dir)) {
        return Ok(());
    }
    let mut entries = files.list(dir)?;
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if files.kind(&p) == Kind::Folder {
            walk(files, &p, found)?;
        } else if name.ends_with(".herald") {
            found.file(files, p);
        }
    }
    Ok(())
}

/// Tests one scenario file: writes its results, adds them to `sum`.
fn test_file(o: &mut Output, path: &Path, a: &Args, color: bool, env: &Env, sum: &mut Summary) {
    let stdin = path == Path::new(STDIN);
    // Standard input is named as every command names it.
    let name = if stdin { "<stdin>".to_string() } else { path.to_string_lossy().to_string() };
    let p = Paint { on: color };
    o.out(&format!("{}\n", p.bold(&name)));
    let read = if stdin {
        env.files.stdin(crate::syntax::prescan::MAX_FILE_BYTES as u64 + 1)
    } else {
        env.files.read(path, u64::MAX)
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            o.out(&format!("  {} cannot read it: {e}\n", p.red("✗")));
            sum.failed += 1;
            return;
        }
    };
    let l = match crate::load(&name, &bytes, &[]) {
        Ok(l) => l,
        Err(f) => {
            o.out(&format!("  {} it does not load\n", p.red("✗")));
            o.err(&render(&f.diags, &f.source, color));
            sum.failed += 1;
            return;
        }
    };
    let before = sum.passed + sum.failed;
    let mut cache = Cache::default();
    for e in &l.model.expects {
        let said = testing::said(&l, e);
        let v = testing::check(&l, e, a.jobs, &mut cache);
        if v.pass {
            sum.passed += 1;
            o.out(&format!("  {} {said}  {}\n", p.green("✓"), p.dim(&v.found)));
        } else {
            sum.failed += 1;
            o.out(&format!("  {} {said}  {}\n", p.red("✗"), v.found));
            o.err(&render(&[testing::failure(e, &v)], &l.source, color));
            if let Some(run) = v.run {
                o.err(&format!("{run}\n"));
            }
        }
    }
    // Golden files sit beside a scenario file: standard input has none.
    if !stdin {
        golden(o, path, &l, a, color, env, sum);
    }
    if sum.passed + sum.failed == before {
        o.out(&format!("  {} nothing to test: no `expect` and no golden file\n", p.yellow("-")));
        sum.empty.push(name);
    }
}

/// Compares the scenario's seed run with its golden files (or writes them, `--bless`).
fn golden(o: &mut Output, path: &Path, l: &Loaded, a: &Args, color: bool, env: &Env, sum: &mut Summary) {
    let p = Paint { on: color };
    let l = &testing::for_golden(l, path);
    // The seed run, made once for all the golden files that need it.
    let mut run = None;
    for (file, format) in testing::golden_files(path) {
        let shown = file.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        if !a.bless && env.files.kind(&file) == Kind::Missing {
            continue;
        }
        let now = match run.get_or_insert_with(|| testing::seeded_report(l, l.model.seed)) {
            Ok(r) => testing::golden_output(l, r, format),
            Err(e) => {
                sum.failed += 1;
                o.out(&format!("  {} golden {shown}: the run stopped: {e}\n", p.red("✗")));
                continue;
            }
        };
        if a.bless {
            match env.files.write(&file, now.as_bytes()) {
                Ok(()) => {
                    sum.passed += 1;
                    o.out(&format!("  {} golden {shown} written\n", p.green("✓")));
                }
                Err(e) => {
                    sum.failed += 1;
                    o.out(&format!("  {} golden {shown}: cannot write it: {e}\n", p.red("✗")));
                }
            }
            continue;
        }
        let was = env.files.read(&file, u64::MAX).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
        if was == now {
            sum.passed += 1;
            o.out(&format!("  {} golden {shown}\n", p.green("✓")));
        } else {
            sum.failed += 1;
            o.out(&format!(
                "  {} golden {shown} differs (- golden file, + this run; `herald test --bless` rewrites it)\n",
                p.red("✗")
            ));
            o.out(&testing::diff(&was, &now, color));
        }
    }
}
