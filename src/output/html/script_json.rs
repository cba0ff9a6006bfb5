//! JSON that can sit inside `<script type="application/json">`: what an
//! article says must never end the element or start markup there.
//!
//! Owns the escaping, nothing else: it neither makes the JSON nor knows
//! the page. An HTML parser ends a script element at `</script` and treats
//! `<!--` specially in it, whatever the JSON means; so `<`, `>` and `&`
//! are written as `\u003c`, `\u003e`, `\u0026`, and U+2028 and U+2029
//! (line ends to some JavaScript readers) as `\u2028`, `\u2029`. Outside
//! strings JSON has none of these characters, so escaping every one of
//! them changes no value: `JSON.parse` reads the same document back.

use std::io::{self, Write};

/// The UTF-8 encoding of U+2028 and U+2029 is E2 80 A8 and E2 80 A9.
const LEAD: [u8; 2] = [0xE2, 0x80];

/// Writes JSON to `inner`, escaped for a script element. A character may
/// be split between writes; [`ScriptJson::finish`] writes what is held of
/// one at the end.
pub struct ScriptJson<W: Write> {
    inner: W,
    /// How many bytes of [`LEAD`] the last write ended with (0, 1 or 2),
    /// held until the next byte tells whether they start U+2028 or U+2029.
    held: usize,
}

impl<W: Write> ScriptJson<W> {
    pub fn new(inner: W) -> ScriptJson<W> {
        ScriptJson { inner, held: 0 }
    }

    /// The writer underneath, for text that is not JSON (the page around
    /// it). Nothing may be held: call between whole JSON values.
    pub fn get_mut(&mut self) -> &mut W {
        debug_assert_eq!(self.held, 0, "a character was cut in two");
        &mut self.inner
    }

    /// The writer underneath.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Writes any bytes held back and hands back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.release()?;
        Ok(self.inner)
    }

    fn release(&mut self) -> io::Result<()> {
        let held = std::mem::take(&mut self.held);
        self.inner.write_all(&LEAD[..held])
    }
}

impl<W: Write> Write for ScriptJson<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Bytes from `start` on have not been written yet.
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            if self.held > 0 {
                if self.held == 1 && b == LEAD[1] {
                    self.held = 2;
                    start = i + 1;
                    continue;
                }
                if self.held == 2 && (b == 0xA8 || b == 0xA9) {
                    self.held = 0;
                    let escape: &[u8] = if b == 0xA8 { b"\\u2028" } else { b"\\u2029" };
                    self.inner.write_all(escape)?;
                    start = i + 1;
                    continue;
                }
                self.release()?;
                start = i;
            }
            let escape: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                0xE2 => b"",
                _ => continue,
            };
            self.inner.write_all(&buf[start..i])?;
            self.inner.write_all(escape)?;
            start = i + 1;
            if b == 0xE2 {
                self.held = 1;
            }
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` written in pieces cut at `cuts`, then finished.
    fn escaped(text: &str, cuts: &[usize]) -> String {
        let mut w = ScriptJson::new(Vec::new());
        let mut from = 0;
        for &to in cuts.iter().chain([&text.len()]) {
            w.write_all(&text.as_bytes()[from..to]).unwrap();
            from = to;
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn markup_characters_become_escapes() {
        let json = serde_json::to_string("</script><!-- a & b -->").unwrap();
        let out = escaped(&json, &[]);
        assert_eq!(out, r#""\u003c/script\u003e\u003c!-- a \u0026 b --\u003e""#);
        assert_eq!(
            serde_json::from_str::<String>(&out).unwrap(),
            "</script><!-- a & b -->"
        );
    }

    /// U+2028 and U+2029 are escaped wherever the writes cut them; other
    /// characters that start with the same byte (… is E2 80 A6, ₴ is E2 82
    /// B4) pass as they are.
    #[test]
    fn line_separators_are_escaped_across_any_cut() {
        let text = "a\u{2028}b\u{2029}…₴\u{2028}\u{2029}é<";
        let json = serde_json::to_string(text).unwrap();
        let want = r#""a\u2028b\u2029…₴\u2028\u2029é\u003c""#;
        for i in 0..=json.len() {
            for j in i..=json.len() {
                assert_eq!(escaped(&json, &[i, j]), want, "cut at {i} and {j}");
            }
        }
        assert_eq!(serde_json::from_str::<String>(want).unwrap(), text);
    }

    #[test]
    fn a_lead_byte_at_the_end_is_written_by_finish() {
        let mut w = ScriptJson::new(Vec::new());
        w.write_all(&[b'x', 0xE2, 0x80]).unwrap();
        assert_eq!(w.finish().unwrap(), vec![b'x', 0xE2, 0x80]);
    }
}
