//! The quantity reader on arbitrary text: every token tried as the start
//! of a quantity, as the claims reader tries them, every number token and
//! the whole text given to the number parser. A quantity must state a
//! finite amount above zero (a range may start at zero) and end after it
//! starts; a relation is then read after it.
#![no_main]

use geomention::claims::quantity::{parse_number, quantity_at, relation_at};
use geomention::claims::tokens::{tokenize, TokenKind};
use geomention::claims::window::View;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let tokens = tokenize(text);
    let view = View::whole(&tokens);
    for (i, t) in tokens.iter().enumerate() {
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        if t.kind == TokenKind::Number {
            let _ = parse_number(&t.lower);
        }
        let Some(q) = quantity_at(text, &view, i) else {
            continue;
        };
        let km = q.unit.to_km();
        assert!(q.value.is_finite() && (q.value * km).is_finite(), "{q:?}");
        assert!(q.step.is_finite(), "{q:?}");
        match q.value_max {
            None => assert!(q.value > 0.0, "{q:?}"),
            Some(hi) => assert!(hi.is_finite() && hi > 0.0 && q.value >= 0.0, "{q:?}"),
        }
        assert!(q.first <= i && q.next > i && q.next <= tokens.len(), "{q:?}");
        let _ = relation_at(&view, q.next, q.qualifier);
    }
    let _ = parse_number(text);
});
