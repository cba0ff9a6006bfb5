//! Windows of a document's text, read for claims instead of the whole text.
//!
//! A window starts where a sentence starts no matter what text comes
//! before it ([`sentence_start_before`]). So its tokens are exactly the
//! tokens the whole text has there ([`tokens_from`]). A start after a stop mark also
//! holds that mark as a first token of context: nothing that reads it asks
//! more than what it is, so a reading can go one token back, across the
//! stop, without the sentence before.
//!
//! Everything that reads a window reads it through a [`View`]: a read past
//! an end of the window that is not an end of the text sees nothing and is
//! noted, and a window whose reading noted one is read again larger. A
//! reading that noted nothing read only tokens the whole text has, the
//! same ones, so it is the whole text's reading.

use std::cell::Cell;
use std::ops::Index;

use crate::text::sentence::sentence_start_before;

use super::tokens::{in_number, tokens_from, Token, TokenKind, Tokens};
use super::units::begins_unit;

/// Which ends of a window are not the ends of the text, or which of them a
/// reading needed to look past.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cut {
    pub before: bool,
    pub after: bool,
}

/// The tokens of a window as readings see them.
///
/// `view[k]` is for tokens a reading knows are in the window (it panics
/// otherwise, it never reads wrong); reads that may fall outside go through
/// [`View::get`] and [`View::back`], which note it.
pub struct View<'a> {
    tokens: &'a [Token<'a>],
    cut: Cut,
    /// The first token of the window's own text: 1 when the first token is
    /// the stop mark before it, read as context.
    first: usize,
    short: Cell<Cut>,
}

impl<'a> View<'a> {
    /// The tokens of a whole text.
    pub fn whole(tokens: &'a [Token<'a>]) -> Self {
        View::new(tokens, Cut::default(), 0)
    }

    pub fn new(tokens: &'a [Token<'a>], cut: Cut, first: usize) -> Self {
        View {
            tokens,
            cut,
            first,
            short: Cell::new(Cut::default()),
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn first(&self) -> usize {
        self.first
    }

    /// Token `k`, if the window has it; a read past a cut end is noted.
    pub fn get(&self, k: usize) -> Option<&'a Token<'a>> {
        let t = self.tokens.get(k);
        if t.is_none() && self.cut.after {
            self.note(Cut {
                before: false,
                after: true,
            });
        }
        t
    }

    /// Token `k - n`, if the window has it; a step back past a cut start is
    /// noted.
    pub fn back(&self, k: usize, n: usize) -> Option<usize> {
        let b = k.checked_sub(n);
        if b.is_none() {
            self.note_before();
        }
        b
    }

    /// Notes that a reading needed what comes before the window.
    pub fn note_before(&self) {
        if self.cut.before {
            self.note(Cut {
                before: true,
                after: false,
            });
        }
    }

    fn note(&self, past: Cut) {
        let s = self.short.get();
        self.short.set(Cut {
            before: s.before || past.before,
            after: s.after || past.after,
        });
    }

    /// Which cut ends the readings so far needed to look past.
    pub fn short(&self) -> Cut {
        self.short.get()
    }
}

impl<'a> Index<usize> for View<'a> {
    type Output = Token<'a>;

    fn index(&self, k: usize) -> &Token<'a> {
        &self.tokens[k]
    }
}

/// Whether token `t` of `text` can begin a unit: a quantity is tried only
/// in the tokens before one.
pub fn is_unit_word(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Word && begins_unit(&t.lower, &text[t.start..t.end])
}

/// A window being read: the tokens from a sentence start up to byte
/// `reach` and at least [`Window::LOOK_AHEAD`] tokens past the last unit
/// word, taking in more as a reading asks.
pub struct Window<'t> {
    pub text: &'t str,
    /// Byte of the first token of the window's own text.
    pub start: usize,
    pub tokens: Vec<Token<'t>>,
    /// 1 when `tokens[0]` is the stop mark before `start`, as context.
    first: usize,
    /// The tokens after these, and the first of them once read.
    rest: Tokens<'t>,
    next: Option<Token<'t>>,
    /// Every token starting at or before this byte is in the window.
    pub reach: usize,
    /// The window holds at least this many tokens (or all the rest).
    min_len: usize,
    /// The unit words among the tokens.
    pub units: Vec<usize>,
}

impl<'t> Window<'t> {
    /// Tokens a window first holds past its last unit word: enough for
    /// most readings ("30 km north-east of Kyiv."); one that reads further
    /// is read again with [`Window::LOOK_AHEAD`] more.
    pub const LOOK_AHEAD: usize = 8;

    /// The window from the sentence start at or before byte `at` and after
    /// byte `floor`, if there is one, reaching `at`.
    pub fn at(text: &'t str, at: usize, floor: usize) -> Option<Self> {
        let start = sentence_start_before(text, at, floor)?;
        let mut rest = tokens_from(text, start.at);
        let next = rest.next();
        let mut window = Window {
            text,
            start: start.at,
            tokens: Vec::new(),
            first: 0,
            rest,
            next,
            reach: at,
            min_len: 0,
            units: Vec::new(),
        };
        window.set_context(start.stop);
        Some(window)
    }

    /// Puts the stop mark at byte `stop`, if any, before the window's tokens.
    fn set_context(&mut self, stop: Option<usize>) {
        if let Some(stop) = stop {
            self.tokens.insert(0, stop_mark(self.text, stop));
            self.first = 1;
            self.units.iter_mut().for_each(|u| *u += 1);
            self.min_len += 1;
        }
    }

    /// Byte after the window: where its next token starts.
    pub fn end(&self) -> usize {
        self.next.as_ref().map_or(self.text.len(), |t| t.start)
    }

    /// Takes in tokens until the window reaches what it should.
    fn fill(&mut self) {
        while let Some(t) = self.next.take() {
            let n = self.tokens.len();
            let enough = t.start > self.reach
                && n >= self.min_len
                && self.units.last().is_none_or(|&u| n >= u + Self::LOOK_AHEAD);
            if enough {
                self.next = Some(t);
                return;
            }
            if is_unit_word(self.text, &t) {
                self.units.push(n);
            }
            self.tokens.push(t);
            self.next = self.rest.next();
        }
    }

    /// Takes in tokens until the window reaches what it should, and the
    /// unit words of `units` (byte offsets, in order) that come before the
    /// next sentence start after it: a window for one of those would have to
    /// start in this one, and be read with it.
    pub fn fill_to_sentence(&mut self, units: &[usize]) {
        self.fill();
        while let Some(&next) = units.get(units.partition_point(|&u| u < self.end())) {
            if sentence_start_before(self.text, next, self.end()).is_some() {
                return;
            }
            self.reach = next;
            self.fill();
        }
    }

    /// Makes a window that was read short after hold more tokens.
    pub fn grow(&mut self) {
        self.min_len = self.tokens.len() + Self::LOOK_AHEAD;
    }

    /// Starts the window at the sentence start before its own, if there is
    /// one after byte `floor`; `false` if not.
    pub fn grow_back(&mut self, floor: usize) -> bool {
        let Some(start) = self
            .start
            .checked_sub(1)
            .and_then(|at| sentence_start_before(self.text, at, floor))
        else {
            return false;
        };
        let old = self.start;
        // The context before the old start is now read as the text it is.
        self.tokens.drain(..self.first);
        self.units.iter_mut().for_each(|u| *u -= self.first);
        self.min_len -= self.first;
        self.first = 0;
        let before: Vec<Token> = tokens_from(self.text, start.at)
            .take_while(|t| t.start < old)
            .collect();
        let n = before.len();
        let units: Vec<usize> = (0..n)
            .filter(|&k| is_unit_word(self.text, &before[k]))
            .collect();
        self.tokens.splice(0..0, before);
        self.units.iter_mut().for_each(|u| *u += n);
        self.units.splice(0..0, units);
        self.min_len += n;
        self.start = start.at;
        self.set_context(start.stop);
        true
    }

    /// Whether a quantity could start before the window and end in it: its
    /// number is at most `number_reach` tokens before its unit word, and
    /// every token between is one [`in_number`] (so the stop mark before a
    /// window is not).
    pub fn open_before(&self, number_reach: usize) -> bool {
        let open = |&u: &usize| u < number_reach && self.tokens[..u].iter().all(in_number);
        self.start > 0 && self.first == 0 && self.units.first().is_some_and(open)
    }

    pub fn view(&self) -> View<'_> {
        View::new(
            &self.tokens,
            Cut {
                before: self.start > 0,
                after: self.next.is_some(),
            },
            self.first,
        )
    }
}

/// The stop mark at byte `at` as the token it is in the whole text, but
/// for what is before it: whether white space is, and whether it starts a
/// sentence (set, as it starts the window's first sentence, of context).
/// Nothing that reads a token before a sentence start reads these.
fn stop_mark(text: &str, at: usize) -> Token<'_> {
    Token {
        kind: TokenKind::Punct,
        start: at,
        end: at + 1,
        lower: std::borrow::Cow::Borrowed(&text[at..at + 1]),
        spaced: true,
        sentence_start: true,
    }
}
