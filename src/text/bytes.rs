//! Eight bytes at a time: a `u64` read as eight one-byte lanes, and tests
//! that flag the bytes of a class in all eight lanes with a few integer
//! operations. The hot scans over a document's text (capitals for names,
//! letters for words and units) and over the output's strings (bytes JSON
//! must escape) are built from these.
//!
//! This module knows bytes only: not words, tokens, names or JSON. A test
//! flags a byte by setting bit 7 of its lane (see [`HIGHS`]); the lane of
//! the first flag is [`first_lane`]. The first byte read is the lowest
//! lane, so "first" in the text is "lowest" in the number.
//!
//! There are two kinds of test:
//! - exact ones ([`ascii_between`] and those built on it), which flag every
//!   byte of the class and no other, whatever the other lanes hold;
//! - quick ones ([`bytes_below`], [`bytes_equal`]), which are right up to
//!   and including the first byte they flag, and may flag wrongly after
//!   it. A scan that only wants the first flag needs no more, and they
//!   take fewer operations.

/// `0x01` in every lane: `ONES * b` is byte `b` in every lane.
pub const ONES: u64 = u64::MAX / 255;

/// Bit 7 of every lane, where the tests put their flags.
pub const HIGHS: u64 = ONES * 0x80;

/// The eight bytes of `bytes` from `at` as lanes, the first in the lowest;
/// `None` when fewer than eight are left.
#[inline]
pub fn lanes_at(bytes: &[u8], at: usize) -> Option<u64> {
    // As a range of eight rather than `first_chunk`: the scans' loops
    // compile to fewer instructions per step this way.
    let eight = bytes.get(at..at + 8)?;
    Some(u64::from_le_bytes(eight.try_into().unwrap_or_default()))
}

/// [`lanes_at`], with zero in the lanes past the end of `bytes` (all eight
/// when `at` is past it): for scans whose test never flags a zero byte, or
/// always does, so that the end needs no loop of its own.
#[inline]
pub fn lanes_at_or_zero(bytes: &[u8], at: usize) -> u64 {
    if let Some(lanes) = lanes_at(bytes, at) {
        return lanes;
    }
    let mut last = [0u8; 8];
    let rest = bytes.get(at..).unwrap_or_default();
    last[..rest.len()].copy_from_slice(rest);
    u64::from_le_bytes(last)
}

/// The lane of the first flag in `flags` (a test's result): 8 when there
/// is none.
#[inline]
pub fn first_lane(flags: u64) -> usize {
    (flags.trailing_zeros() / 8) as usize
}

/// Flags every byte strictly between `above` and `below`, both ASCII;
/// a byte beyond ASCII is in no range. Exact.
///
/// Each lane's low seven bits are subtracted from, and added to, amounts
/// chosen so that bit 7 comes out set just when the byte is below `below`,
/// and above `above`; neither can borrow or carry into the next lane.
#[inline]
pub fn ascii_between(lanes: u64, above: u8, below: u8) -> u64 {
    debug_assert!(above.is_ascii() && below.is_ascii());
    let low = lanes & (ONES * 0x7F);
    let under = ONES * (127 + u64::from(below)) - low;
    let over = low + ONES * (127 - u64::from(above));
    under & over & !lanes & HIGHS
}

/// Flags every ASCII letter. Exact.
#[inline]
pub fn ascii_letters(lanes: u64) -> u64 {
    // With bit 5 set, capitals read as lower case, and the letters are
    // the bytes strictly between '`' and '{'.
    ascii_between(lanes | (ONES * 0x20), b'`', b'{')
}

/// Flags every ASCII capital. Exact.
#[inline]
pub fn ascii_capitals(lanes: u64) -> u64 {
    ascii_between(lanes, b'@', b'[')
}

/// Flags every byte beyond ASCII: the bytes of characters that are not
/// ASCII, and only those. Exact.
#[inline]
pub fn non_ascii(lanes: u64) -> u64 {
    lanes & HIGHS
}

/// Flags the bytes below `n` (at most `0x80`). Quick: right up to the
/// first flag.
///
/// A lane's subtraction borrows from the next only when it goes below
/// zero, that is when the lane is flagged: so a wrong flag can only
/// follow a right one.
#[inline]
pub fn bytes_below(lanes: u64, n: u8) -> u64 {
    debug_assert!(n <= 0x80);
    lanes.wrapping_sub(ONES * u64::from(n)) & !lanes & HIGHS
}

/// Flags the bytes equal to `b`. Quick: right up to the first flag.
#[inline]
pub fn bytes_equal(lanes: u64, b: u8) -> u64 {
    bytes_below(lanes ^ (ONES * u64::from(b)), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags a test should give, byte by byte.
    fn flags_of(bytes: [u8; 8], class: impl Fn(u8) -> bool) -> u64 {
        (0..8)
            .filter(|&k| class(bytes[k]))
            .map(|k| 0x80u64 << (8 * k))
            .sum()
    }

    /// Eight bytes for every byte value in every lane, beside neighbours
    /// that sit at the edges of the classes tested.
    fn words() -> Vec<[u8; 8]> {
        let around = [
            0x00, b'@', b'A', b'Z', b'[', b'`', b'a', b'z', b'{', 0x7F, 0x80, 0xFF,
        ];
        let mut out = Vec::new();
        for b in 0..=255u8 {
            for lane in 0..8 {
                for &n in &around {
                    let mut w = [n; 8];
                    w[lane] = b;
                    w[(lane + 3) % 8] = around[(lane + usize::from(b)) % around.len()];
                    out.push(w);
                }
            }
        }
        out
    }

    #[test]
    fn exact_tests_flag_their_class_in_every_lane() {
        for w in words() {
            let lanes = u64::from_le_bytes(w);
            assert_eq!(
                ascii_letters(lanes),
                flags_of(w, |b| b.is_ascii_alphabetic()),
                "{w:x?}"
            );
            assert_eq!(
                ascii_capitals(lanes),
                flags_of(w, |b| b.is_ascii_uppercase()),
                "{w:x?}"
            );
            assert_eq!(non_ascii(lanes), flags_of(w, |b| !b.is_ascii()), "{w:x?}");
            for (above, below) in [(0, 0x7F), (b'/', b':'), (0x7E, 0x7F), (5, 5)] {
                assert_eq!(
                    ascii_between(lanes, above, below),
                    flags_of(w, |b| b > above && b < below),
                    "{w:x?} ({above}, {below})"
                );
            }
        }
    }

    #[test]
    fn quick_tests_are_right_up_to_their_first_flag() {
        for w in words() {
            let lanes = u64::from_le_bytes(w);
            for n in [0x00, 0x01, 0x20, 0x7F, 0x80] {
                let want = w.iter().position(|&b| b < n).unwrap_or(8);
                assert_eq!(first_lane(bytes_below(lanes, n)), want, "{w:x?} below {n}");
            }
            for b in [0x00, b'"', b'\\', 0x7F, 0x80, 0xFF] {
                let want = w.iter().position(|&x| x == b).unwrap_or(8);
                assert_eq!(first_lane(bytes_equal(lanes, b)), want, "{w:x?} equal {b}");
            }
        }
    }

    #[test]
    fn lanes_are_read_first_byte_lowest() {
        let bytes: Vec<u8> = (1..=11).collect();
        assert_eq!(lanes_at(&bytes, 0), Some(0x0807_0605_0403_0201));
        assert_eq!(lanes_at(&bytes, 3), Some(0x0B0A_0908_0706_0504));
        assert_eq!(lanes_at(&bytes, 4), None);
        assert_eq!(lanes_at(&bytes, 40), None);
        assert_eq!(lanes_at_or_zero(&bytes, 3), 0x0B0A_0908_0706_0504);
        assert_eq!(lanes_at_or_zero(&bytes, 8), 0x0B_0A09);
        assert_eq!(lanes_at_or_zero(&bytes, 11), 0);
        assert_eq!(lanes_at_or_zero(&bytes, 40), 0);
        assert_eq!(first_lane(0), 8);
        assert_eq!(first_lane((0x80 << 24) | (0x80 << 48)), 3);
    }
}
