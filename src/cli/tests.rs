//! The commands run as library functions: files in memory, no terminal.

use super::*;

const FLOODING: &str = include_str!("../../scenarios/flooding.herald");

fn herald(args: &[&str], files: &Memory) -> Output {
    run_args(std::iter::once("herald").chain(args.iter().copied()), &Env::plain(files))
}

#[test]
fn a_file_in_memory_and_standard_input_give_the_same_run() {
    let files = Memory::new(FLOODING).with("flooding.herald", FLOODING);
    let from_file = herald(&["run", "flooding.herald", "--format", "yaml"], &files);
    let from_stdin = herald(&["run", "-", "--format", "yaml"], &files);
    assert_eq!(from_file.code, EXIT_OK, "{}", from_file.stderr());
    assert!(from_file.stdout().starts_with("herald: 1\nscenario:\n  file: flooding.herald\n"));
    assert_eq!(from_file.stdout().replace("flooding.herald", "<stdin>"), from_stdin.stdout());
}

#[test]
fn usage_errors_and_unreadable_files_have_their_codes() {
    let files = Memory::default();
    let usage = herald(&["run"], &files);
    assert_eq!(usage.code, EXIT_USAGE);
    assert!(usage.stdout().is_empty() && usage.stderr().starts_with("error:"), "{}", usage.stderr());
    let help = herald(&["--help"], &files);
    assert_eq!((help.code, help.stderr().as_str()), (EXIT_OK, ""));
    let missing = herald(&["check", "nope.herald"], &files);
    assert_eq!(missing.code, EXIT_INVALID);
    assert!(missing.stderr().starts_with("error: cannot read nope.herald: "), "{}", missing.stderr());
}

#[test]
fn standard_output_and_standard_error_keep_their_order() {
    let files = Memory::default().with("a.herald", FLOODING).with("b.herald", "general A {").with("c.herald", FLOODING);
    let out = herald(&["check", "a.herald", "b.herald", "c.herald"], &files);
    assert_eq!(out.code, EXIT_INVALID);
    let streams: Vec<Stream> = out.chunks.iter().map(|(s, _)| *s).collect();
    assert_eq!(streams, [Stream::Stdout, Stream::Stderr, Stream::Stdout]);
    assert!(out.chunks[0].1.starts_with("a.herald: ok"));
    assert!(out.chunks[2].1.starts_with("c.herald: ok"));
}

#[test]
fn files_are_written_through_the_files_given() {
    let files = Memory::default().with("s/flooding.herald", FLOODING).with("messy.herald", "general   A { }\n");
    let blessed = herald(&["test", "s", "--bless"], &files);
    assert_eq!(blessed.code, EXIT_OK, "{}{}", blessed.stdout(), blessed.stderr());
    let golden = files.file("s/flooding.golden.txt").expect("a golden file written");
    assert!(String::from_utf8_lossy(&golden).starts_with("Flooding"), "{}", String::from_utf8_lossy(&golden));
    let again = herald(&["test", "."], &files);
    assert_eq!(again.code, EXIT_OK, "{}", again.stdout());
    assert!(again.stdout().contains("golden flooding.golden.yaml"));
    let formatted = herald(&["fmt", "messy.herald"], &files);
    assert_eq!((formatted.code, formatted.stderr().as_str()), (EXIT_OK, "formatted messy.herald\n"));
    assert_eq!(files.file("messy.herald").as_deref(), Some(&b"general A { }\n"[..]));
    let saved = herald(&["explore", "s/flooding.herald", "--save-replays", "out"], &files);
    assert_eq!(saved.code, EXIT_OK);
    assert!(files.file("out/victory.replay.yaml").is_some());
}

/// Progress as a terminal would show it, recorded: the bars started.
#[derive(Default)]
struct Recorded {
    started: std::sync::Mutex<Vec<(u64, String)>>,
}

impl Progress for Recorded {
    fn start(&self, total: u64, what: &str) {
        self.started.lock().unwrap().push((total, what.to_string()));
    }
    fn advance(&self, _: u64) {}
    fn status(&self, _: String) {}
    fn finish(&self) {}
}

/// The bars `args` starts with progress shown (as on a terminal).
fn bars(args: &[&str], files: &Memory) -> Vec<(u64, String)> {
    let recorded = Arc::new(Recorded::default());
    let env = Env { progress: Some(recorded.clone() as Arc<dyn Progress>), ..Env::plain(files) };
    let out = run_args(std::iter::once("herald").chain(args.iter().copied()), &env);
    assert_eq!(out.code, EXIT_OK, "{}", out.stderr());
    recorded.started.lock().unwrap().clone()
}

/// A batch draws a progress bar when its work is large, however few its trials (1,000
/// trials of 30,000 events each used to show none: only 20,000 trials or more did); a
/// small one draws none, however many its trials. (The long runs here repeat, and are
/// answered from the memo: the test is fast, although the estimate, which counts every
/// trial's events, is large.)
#[test]
fn the_progress_bar_is_drawn_by_the_work_of_a_batch() {
    let long = "horizon 10000\nchannel A <-> B { delay 1 }\n\
                general A {\n  every 1 { send ping to B }\n  decide at 10000: attack if received pong from B\n}\n\
                general B {\n  on receive ping { send pong to A }\n  decide at 10000: attack if received ping from A\n}\n";
    let files = Memory::default().with("long.herald", long).with("flooding.herald", FLOODING);
    let long = bars(&["run", "long.herald", "--trials", "1000", "--explain", "1"], &files);
    assert_eq!(long, [(1000, "trials".to_string())]);
    assert_eq!(bars(&["run", "flooding.herald", "--trials", "30000"], &files), []);
}
