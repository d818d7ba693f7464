//! Lexical checks before the grammar runs: size, encoding, strings, brackets and nesting,
//! so that malformed input gets a precise diagnostic and never a deep recursion.

use crate::diag::{Code, Diag, Span, lone_cr_to_lf};

/// Largest scenario file read, in bytes.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Deepest nesting of brackets and braces accepted.
pub const MAX_NESTING: usize = 64;

/// Turns raw bytes into text, or says where they stop being UTF-8. Lines may end with
/// LF, CRLF or a lone CR (old Mac files): a lone CR becomes an LF, so that comments
/// end, lines are counted and excerpts are shown alike for all three (one byte for
/// one: every offset is the file's).
pub fn decode(bytes: &[u8]) -> Result<String, (String, Diag)> {
    if bytes.len() > MAX_FILE_BYTES {
        // Size first: a reader that stops at the limit may cut a character in two,
        // which is not the file's problem.
        let shown = lone_cr_to_lf(String::from_utf8_lossy(bytes).into_owned());
        let d = too_large(&shown);
        return Err((shown, d));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(lone_cr_to_lf(s.to_string())),
        Err(e) => {
            let at = e.valid_up_to();
            let shown = lone_cr_to_lf(String::from_utf8_lossy(bytes).into_owned());
            // Offsets of the lossy text equal the original up to `at`, where it shows
            // the bad byte as U+FFFD (three bytes): the span covers that character.
            let d = Diag::error(
                Code::SyntaxNotUtf8,
                "this file is not UTF-8 text",
                Span::new(at, at + shown[at..].chars().next().map_or(1, char::len_utf8)),
                format!("byte 0x{:02x} at offset {at} is not valid UTF-8", bytes[at]),
            )
            .with_help("scenario files are plain UTF-8 text; is this the right file?");
            Err((shown, d))
        }
    }
}

/// A file past [`MAX_FILE_BYTES`]. Its size is not given: readers stop at the limit,
/// so the text seen here may be only the start of the file. The span is the character
/// at the limit (a span never splits a character).
fn too_large(text: &str) -> Diag {
    let mut at = MAX_FILE_BYTES.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
    Diag::error(
        Code::SyntaxFileTooLarge,
        format!("this file is larger than {MAX_FILE_BYTES} bytes, the most herald reads for a scenario"),
        Span::new(at, end),
        "the limit is passed here",
    )
    .with_help("split the scenario, or generate fewer generals and rules")
}

/// Checks size, NUL bytes, strings and brackets. Returns every problem found.
pub fn prescan(src: &str) -> Vec<Diag> {
    let mut diags = Vec::new();
    if src.len() > MAX_FILE_BYTES {
        diags.push(too_large(src));
        return diags;
    }
    let bytes = src.as_bytes();
    // Any NUL, wherever it is (in a string or a comment too): the file is not text.
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        diags.push(
            Diag::error(Code::SyntaxNulByte, "this file contains a NUL byte", Span::new(i, i + 1), "NUL byte here")
                .with_help("scenario files are plain text; is this the right file?"),
        );
        return diags;
    }
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                let start = i;
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            closed = true;
                            break;
                        }
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
                if !closed {
                    let end = i.min(bytes.len());
                    diags.push(
                        Diag::error(
                            Code::SyntaxUnterminatedString,
                            "unterminated string",
                            Span::new(start, end.max(start + 1)),
                            "this string has no closing quote on its line",
                        )
                        .with_help("add a closing \" before the end of the line"),
                    );
                }
            }
            b'(' | b'{' => {
                stack.push((c, i));
                if stack.len() > MAX_NESTING {
                    diags.push(
                        Diag::error(
                            Code::SyntaxTooDeep,
                            format!("brackets nested more than {MAX_NESTING} deep"),
                            Span::new(i, i + 1),
                            "nesting passes the limit here",
                        )
                        .with_help("write the expression with fewer parentheses"),
                    );
                    return diags;
                }
            }
            b')' | b'}' => {
                let want = if c == b')' { b'(' } else { b'{' };
                match stack.pop() {
                    Some((open, _)) if open == want => {}
                    Some((open, at)) => {
                        let close_of = if open == b'(' { ')' } else { '}' };
                        diags.push(
                            Diag::error(
                                Code::SyntaxMismatchedBracket,
                                format!("'{}' closes a '{}'", c as char, open as char),
                                Span::new(i, i + 1),
                                format!("expected '{close_of}' here"),
                            )
                            .with_label(Span::new(at, at + 1), "opened here"),
                        );
                        return diags;
                    }
                    None => {
                        diags.push(
                            Diag::error(
                                Code::SyntaxUnopenedBracket,
                                format!("'{}' closes nothing", c as char),
                                Span::new(i, i + 1),
                                "no bracket is open here",
                            )
                            .with_help("remove it, or add the opening bracket it closes"),
                        );
                        return diags;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(&(open, at)) = stack.last() {
        let close = if open == b'(' { ')' } else { '}' };
        diags.push(
            Diag::error(
                Code::SyntaxUnclosedBracket,
                format!("'{}' is never closed", open as char),
                Span::new(at, at + 1),
                "opened here",
            )
            .with_label(Span::new(src.len(), src.len()), format!("the file ends before its '{close}'"))
            .with_help(format!("add '{close}' where the block ends")),
        );
    }
    diags
}
