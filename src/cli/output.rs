//! What a command prints, as a value: text for standard output and standard error, in the
//! order it was written, and the exit code.

/// One of the two output streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What a command prints and its exit code. The text is kept in the order it was written,
/// so that standard output and standard error interleave as they would on one terminal
/// (`2>&1`); [`Output::stdout`] and [`Output::stderr`] give each stream alone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The exit code.
    pub code: i32,
    /// The text written, piece by piece (consecutive pieces on one stream are merged).
    pub chunks: Vec<(Stream, String)>,
}

impl Output {
    /// Everything written to standard output.
    pub fn stdout(&self) -> String {
        self.of(Stream::Stdout)
    }

    /// Everything written to standard error.
    pub fn stderr(&self) -> String {
        self.of(Stream::Stderr)
    }

    fn of(&self, stream: Stream) -> String {
        self.chunks.iter().filter(|(s, _)| *s == stream).map(|(_, t)| t.as_str()).collect()
    }

    /// Writes `text` to `stream`.
    pub fn push(&mut self, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some((s, t)) if *s == stream => t.push_str(text),
            _ => self.chunks.push((stream, text.to_string())),
        }
    }

    /// Writes `text` to standard output.
    pub fn out(&mut self, text: &str) {
        self.push(Stream::Stdout, text);
    }

    /// Writes `text` to standard error.
    pub fn err(&mut self, text: &str) {
        self.push(Stream::Stderr, text);
    }

    /// Sets the exit code and hands the output back.
    #[must_use]
    pub fn exit(mut self, code: i32) -> Output {
        self.code = code;
        self
    }
}
