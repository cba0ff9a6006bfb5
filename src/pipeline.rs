//! Runs the whole chain on one document: match names, recognize mentions,
//! resolve places, extract claims. Everything that maps a document — the
//! `map` command, `eval`, batch runs — goes through [`Geoparser`].

use crate::claims::{self, Claim};
use crate::document::Document;
use crate::gazetteer::Gazetteer;
use crate::matcher::Matcher;
use crate::recognize::recognize;
use crate::resolve::{resolve, ResolveOptions, ResolvedMention};

/// What geomention finds in one document.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub mentions: Vec<ResolvedMention>,
    pub claims: Vec<Claim>,
}

/// A geoparser over one gazetteer; cheap to create, shareable across threads.
pub struct Geoparser<'g> {
    gazetteer: &'g Gazetteer,
    matcher: Matcher<'g>,
    options: ResolveOptions,
}

impl<'g> Geoparser<'g> {
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        Geoparser::with_options(gazetteer, ResolveOptions::default())
    }

    pub fn with_options(gazetteer: &'g Gazetteer, options: ResolveOptions) -> Self {
        Geoparser {
            gazetteer,
            matcher: Matcher::new(gazetteer),
            options,
        }
    }

    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.gazetteer
    }

    /// The resolved place mentions of `text`, in text order.
    pub fn mentions(&self, text: &str) -> Vec<ResolvedMention> {
        let spans = self.matcher.find(text);
        let mentions = recognize(text, &spans, self.gazetteer);
        resolve(text, &mentions, self.gazetteer, &self.options)
    }

    /// Places and claims of a document.
    pub fn parse(&self, doc: &Document) -> Analysis {
        let mentions = self.mentions(&doc.text);
        let claims = claims::extract(doc, &mentions, self.gazetteer);
        Analysis { mentions, claims }
    }
}
