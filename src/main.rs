//! The `herald` command: a thin shell over the library. It says what the process's
//! terminals are, runs the command line, and writes what the command returns.

use std::io::{self, IsTerminal, Write};
use std::sync::Arc;

use herald::cli::{Bars, Disk, Env, Output, Progress, Stream, Streams, run_args};

fn main() {
    let stderr_terminal = io::stderr().is_terminal();
    let env = Env {
        files: &Disk,
        terminal: Streams { stdout: io::stdout().is_terminal(), stderr: stderr_terminal },
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        usage_color: Streams { stdout: clap_colours(&io::stdout()), stderr: clap_colours(&io::stderr()) },
        progress: stderr_terminal.then(|| Arc::new(Bars::default()) as Arc<dyn Progress>),
    };
    let output = run_args(std::env::args_os(), &env);
    std::process::exit(write(&output));
}

/// Whether clap would colour its messages on this stream (a terminal, `NO_COLOR`,
/// `CLICOLOR`, `CLICOLOR_FORCE`, `TERM`).
fn clap_colours(stream: &impl anstream::stream::RawStream) -> bool {
    anstream::AutoStream::choice(stream) != anstream::ColorChoice::Never
}

/// Writes a command's output; returns the exit code. Standard output closed early
/// (`herald run ... | head`) ends quietly with 141, as if killed by SIGPIPE, as Unix tools
/// do; another failure to write it (a full disk) is an error, 1. Diagnostics on standard
/// error are written as well as can be: a failure there changes nothing.
fn write(output: &Output) -> i32 {
    for (stream, text) in &output.chunks {
        match stream {
            Stream::Stdout => {
                if let Err(e) = io::stdout().write_all(text.as_bytes()) {
                    return failed(&e);
                }
            }
            Stream::Stderr => {
                let _ = io::stderr().write_all(text.as_bytes());
            }
        }
    }
    match io::stdout().flush() {
        Ok(()) => output.code,
        Err(e) => failed(&e),
    }
}

/// The exit code of a failed write to standard output.
fn failed(e: &io::Error) -> i32 {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return 141;
    }
    let _ = writeln!(io::stderr(), "error: cannot write the output: {e}");
    1
}
