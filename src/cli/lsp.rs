//! `herald lsp`: the language server on standard input and output (see [`crate::lsp`]).
//! The one command that talks to the process's streams itself, for as long as the editor
//! keeps it: its `Output` only says how it ended.

use super::{EXIT_FAILED, EXIT_OK, Output};

/// The arguments of `herald lsp`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Accepted and ignored: editors' clients pass it (the server always speaks over stdio).
    #[arg(long, hide = true)]
    pub stdio: bool,
}

/// `herald lsp`: serves until the client says `exit` or closes standard input.
pub fn command(_a: &Args) -> Output {
    let (conn, io) = lsp_server::Connection::stdio();
    let served = crate::lsp::serve(&conn);
    drop(conn);
    let joined = io.join().map_err(|e| e.to_string());
    let o = Output::default();
    match served.and(joined) {
        Ok(()) => o.exit(EXIT_OK),
        Err(e) => {
            let mut o = o;
            o.err(&format!("error: herald lsp: {e}\n"));
            o.exit(EXIT_FAILED)
        }
    }
}
