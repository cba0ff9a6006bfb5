//! The map model: what a run found, in no file format.
//!
//! - [`DocumentMap`]: one document's places (each with its mentions and
//!   their sentences) and claims, made where the document was analysed;
//! - [`CorpusMap`]: the places of many documents, one entry per place,
//!   folded from document maps in input order;
//! - [`PlaceView`] and [`MentionView`]: a place as any writer reads it,
//!   from either map; [`ClaimRecord`]: a claim as any writer reads it.
//!
//! Places and claims are self-contained here (places by value or borrowed
//! from the gazetteer, never by index), so that writers need nothing else
//! and maps written earlier can be read back into the same model. Nothing
//! here knows GeoJSON or any other format: writers are in
//! [`crate::output`].

mod claim_record;
mod corpus_map;
mod document_map;
mod intern;
pub mod snippet;
mod view;

pub use claim_record::{ClaimRecord, RoleRecord};
pub use corpus_map::{CorpusMap, DEFAULT_LISTED};
pub use document_map::{DocumentMap, DocumentPlace, MentionRecord};
pub use view::{MentionView, PlaceView};
