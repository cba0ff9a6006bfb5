//! Runs the whole chain on one document: match names, recognize mentions,
//! resolve places, extract claims. Everything that maps a document — the
//! `map` command, `eval`, batch runs, the Python binding — goes through
//! [`Geoparser`].

use std::sync::Arc;

use crate::claims::{self, Claim};
use crate::document::Document;
use crate::gazetteer::Gazetteer;
use crate::matcher::{FirstWords, Matcher};
use crate::recognize::{recognize_with, RecognizeOptions};
use crate::resolve::{resolve, ResolveOptions, ResolvedMention};

/// What geomention finds in one document.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Analysis {
    pub mentions: Vec<ResolvedMention>,
    pub claims: Vec<Claim>,
}

/// A geoparser over one gazetteer, borrowed or shared: cheap to create,
/// shareable across threads (`Send + Sync`), one per process is enough.
pub struct Geoparser<'g> {
    gazetteer: Held<'g>,
    /// The matcher's first-word table, filled as texts need it.
    first_words: FirstWords,
    options: ResolveOptions,
    recognize: RecognizeOptions,
}

/// How a geoparser holds its gazetteer.
enum Held<'g> {
    Borrowed(&'g Gazetteer),
    /// Owned with others, as a binding that outlives any borrow holds it.
    Shared(Arc<Gazetteer>),
}

impl<'g> Geoparser<'g> {
    /// A geoparser over a borrowed gazetteer.
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        Geoparser::with_options(gazetteer, ResolveOptions::default())
    }

    pub fn with_options(gazetteer: &'g Gazetteer, options: ResolveOptions) -> Self {
        Geoparser {
            gazetteer: Held::Borrowed(gazetteer),
            first_words: FirstWords::new(),
            options,
            recognize: RecognizeOptions::default(),
        }
    }

    /// The same geoparser, recognizing with `options` (whether nationality
    /// words are mentions of their country, ...).
    pub fn with_recognize_options(mut self, options: RecognizeOptions) -> Self {
        self.recognize = options;
        self
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        match &self.gazetteer {
            Held::Borrowed(g) => g,
            Held::Shared(g) => g,
        }
    }

    /// The resolved place mentions of `text`, in text order.
    pub fn mentions(&self, text: &str) -> Vec<ResolvedMention> {
        let gazetteer = self.gazetteer();
        let spans = Matcher::with_table(gazetteer, &self.first_words).find(text);
        let mentions = recognize_with(text, &spans, gazetteer, self.recognize);
        resolve(text, &mentions, gazetteer, &self.options)
    }

    /// Places and claims of a document.
    pub fn parse(&self, doc: &Document) -> Analysis {
        let mut mentions = self.mentions(&doc.text);
        let claims = claims::extract(doc, &mentions, self.gazetteer());
        // A name a stated distance read as another of its places is that
        // place throughout the document: one spelling, one meaning.
        for (text, from, to) in claims.iter().flat_map(|c| &c.rechosen) {
            for m in mentions
                .iter_mut()
                .filter(|m| m.place == *from && m.text == *text)
            {
                m.place = *to;
            }
        }
        Analysis { mentions, claims }
    }
}

impl Geoparser<'static> {
    /// A geoparser that shares ownership of its gazetteer: what a binding
    /// or a long-lived service holds.
    pub fn shared(gazetteer: Arc<Gazetteer>, options: ResolveOptions) -> Self {
        Geoparser {
            gazetteer: Held::Shared(gazetteer),
            first_words: FirstWords::new(),
            options,
            recognize: RecognizeOptions::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_geoparser_can_be_shared_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Geoparser<'static>>();
        send_sync::<Gazetteer>();
    }

    #[test]
    fn a_shared_gazetteer_maps_as_a_borrowed_one() {
        let g = Arc::new(Gazetteer::embedded().expect("the built-in gazetteer loads"));
        let text = "Shelling hit Kharkiv, 30 km from the Russian border.";
        let shared = Geoparser::shared(Arc::clone(&g), ResolveOptions::default());
        let borrowed = Geoparser::new(&g);
        let doc = Document::new("a", text);
        assert_eq!(shared.mentions(text), borrowed.mentions(text));
        assert_eq!(shared.parse(&doc).claims, borrowed.parse(&doc).claims);
        assert_eq!(shared.mentions(text)[0].text, "Kharkiv");
    }
}
