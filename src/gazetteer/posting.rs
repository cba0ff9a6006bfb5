//! How the name index says which places a name refers to: a [`Posting`]
//! is one `u32` of `postings.bin`, a place index with flags above it.
//!
//! Only the encoding lives here. Which names get which flags is decided
//! when a gazetteer is built; reading the lists is the [`Gazetteer`]'s job.
//!
//! [`Gazetteer`]: super::Gazetteer

use super::place::PlaceIdx;

/// One place a name can refer to, with how the name relates to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting(pub u32);

impl Posting {
    const PLACE_MASK: u32 = (1 << 28) - 1;
    /// The name is the place's own preferred or ASCII name, not an alternate.
    pub const PREFERRED: u32 = 1 << 31;
    /// The name is a region form such as "Kharkiv region" or "Kursk oblast".
    pub const REGION_FORM: u32 = 1 << 30;
    /// The name is an upper-case abbreviation ("US", "UK") that only matches upper-case text.
    pub const ABBREVIATION: u32 = 1 << 29;
    /// A weak name of the place: historic or colloquial (as GeoNames flags
    /// them), the own name of another place ("Berea" for Aleppo, "England"
    /// for the United Kingdom), or a part of its own name ("Hall" for
    /// Schwäbisch Hall). Resolution weighs it below an own name and wants
    /// context for it.
    pub const WEAK: u32 = 1 << 28;

    pub fn new(place: PlaceIdx, flags: u32) -> Self {
        debug_assert!(place <= Self::PLACE_MASK);
        Posting(place | flags)
    }
    pub fn place(self) -> PlaceIdx {
        self.0 & Self::PLACE_MASK
    }
    pub fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }
}
