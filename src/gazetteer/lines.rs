//! Cutting the gazetteer's text tables (`places.tsv`, the lexicon) into
//! lines and fields, as `str::lines` and `split_once('\t')` would but
//! quicker: these tables are tens of thousands of short lines, read at
//! every start-up.
//!
//! Only the cutting lives here; what a line means is for its reader.

/// The lines of `text`, as [`str::lines`] gives them (cut at `\n` or
/// `\r\n`), found with `memchr`: quicker on the short lines of the
/// gazetteer's tables.
pub(super) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (line, tail) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(k) => (
                rest[..k].strip_suffix('\r').unwrap_or(&rest[..k]),
                &rest[k + 1..],
            ),
            None => (rest, ""),
        };
        rest = tail;
        Some(line)
    })
}

/// `line.split_once('\t')`, without a searcher's start-up cost.
pub(super) fn split_tab(line: &str) -> Option<(&str, &str)> {
    let k = line.bytes().position(|b| b == b'\t')?;
    Some((&line[..k], &line[k + 1..]))
}

/// The line count of `text`, for reserving room.
pub(super) fn count_lines(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_as_str_lines_cuts_them() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "a\r\r\n",
            "\r\n\r\n",
            "a\rb\n",
            "é\r\nü",
            "\r",
            "a\n\r",
        ] {
            assert_eq!(
                lines(text).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }
}
