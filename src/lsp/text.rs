//! Positions: byte offsets (herald's spans) to and from LSP positions (a line and a column
//! in UTF-16 code units, as the protocol counts by default).

use lsp_types::{Position, Range};

use crate::diag::Span;

/// Where each line of a text starts, to turn byte offsets into LSP positions and back.
/// Lines end with LF or CRLF (a lone CR is made an LF before anything reads the text).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`'s lines.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The LSP position of a byte offset (clamped to the text, moved back to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position { line: line as u32, character: col as u32 }
    }

    /// The LSP range of a span.
    pub fn range(&self, text: &str, span: Span) -> Range {
        let start = self.position(text, span.start as usize);
        let end = self.position(text, (span.end as usize).max(span.start as usize));
        Range { start, end }
    }

    /// The byte offset of an LSP position: a line past the end is the end of the text, a
    /// column past the end of its line is the line's end (before its line break), and a
    /// column inside a character (half a surrogate pair) is that character's start.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self.starts.get(pos.line as usize + 1).map_or(text.len(), |&next| next - 1);
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            units += c.len_utf16();
            if units > pos.character as usize {
                return start + i;
            }
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs_and_accents() {
        // `é` is 2 bytes and 1 UTF-16 unit, `🎺` 4 bytes and 2 units.
        let text = "# é🎺\nscenario \"🎺x\"\r\nseed 1";
        let ix = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(ix.position(text, x), Position { line: 1, character: 12 });
        assert_eq!(ix.offset(text, Position { line: 1, character: 12 }), x);
        // After `🎺` on line 0: `#`, space, `é` (1), `🎺` (2) = 5 units.
        assert_eq!(ix.position(text, text.find('\n').unwrap()), Position { line: 0, character: 5 });
        // Half a surrogate pair is the character's start.
        assert_eq!(ix.offset(text, Position { line: 0, character: 4 }), "# é".len());
        // Past the end of a CRLF line: before the CR.
        assert_eq!(ix.offset(text, Position { line: 1, character: 99 }), text.find('\r').unwrap());
        assert_eq!(ix.offset(text, Position { line: 9, character: 0 }), text.len());
        let seed = text.find("seed").unwrap();
        assert_eq!(ix.position(text, seed), Position { line: 2, character: 0 });
        // Inside a character: its start.
        assert_eq!(ix.position(text, 3), Position { line: 0, character: 2 });
    }
}
