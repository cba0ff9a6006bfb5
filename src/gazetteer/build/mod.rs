//! Compiles GeoNames dump files into the gazetteer format of [`super`].
//!
//! Input is what GeoNames publishes (`cities500.txt` and its kin, per-country
//! `XX.txt`, `allCountries.txt`, `alternateNamesV2.txt`, `admin1CodesASCII.txt`,
//! `admin2Codes.txt`, `countryInfo.txt`) plus three files GeoNames does not have: Natural Earth
//! country outlines (`countries.geojson`), the regions news uses that are
//! unions of first-level units (`composite_regions.tsv`: Donbas, Crimea ...),
//! and the English lexicon (`lexicon/`). The shipped gazetteer and
//! `gazetteer refresh` both go through [`build`], so they cannot drift apart.
//!
//! Derived data, stated so a reader can judge it:
//! - a first-level region without its own GeoNames row (the `cities500`
//!   extracts have none) is placed at the centre of the extent of its populated
//!   places, and its population is their sum; so is a second-level unit
//!   (county, parish, raion) without its own row, from the towns whose
//!   admin2 code (column 12) is its own;
//! - a second-level unit answers only to a name that says what it is
//!   ("Fulton County", "Orleans Parish"): its bare name is, nearly always,
//!   also the name of its seat or of a town that news means far more often;
//! - a country is placed at its GeoNames row when there is one, else at the
//!   centroid of its largest Natural Earth polygon;
//! - a composite region is placed at the spherical mean of its members'
//!   points (first-level regions, or whole countries for the regions news
//!   names across borders: "the Middle East", "the Balkans");
//! - every place placed by one of these rules rather than at a GeoNames
//!   point of its own is listed under `counts.derived_points` in the
//!   manifest, by rule;
//! - a region named after its capital also answers to "<capital> region",
//!   "<capital> oblast" and "<capital> province" in every Latin spelling of the
//!   capital ("Kharkov Region"), unless the region is a city-state (Kyiv City).
//!
//! # Stages
//! [`build`] runs the stages below in order over one [`Draft`] (the
//! state they share), one file each:
//!
//! | file | stage |
//! |---|---|
//! | `inputs.rs` | what a build is given: [`Sources`], [`Filters`] |
//! | `geonames.rs` | the GeoNames tables read as they are: countries, division codes, places |
//! | `regions.rs` | places for first-level regions, second-level units and composite regions |
//! | `countries.rs` | places for countries |
//! | `names.rs` | alternate names, and the names regions take from their capitals |
//! | `index.rs` | the places ordered, and `places.tsv`, `names.fst`, `postings.bin`, `sounds.fst` written |
//! | `carried.rs` | the files copied over unchanged |
//! | `manifest.rs` | `manifest.json`: inputs, checksums, counts, provenance |
//!
//! `draft.rs` holds the shared state, `tsv.rs` the reader of tab-separated
//! rows the stages share, `install.rs` the swap of a finished gazetteer
//! into place, and `lock.rs` the lock a writer holds on its destination.
//!
//! [`Draft`]: draft::Draft

mod carried;
mod countries;
mod draft;
mod geonames;
mod index;
mod inputs;
mod install;
mod lock;
mod manifest;
mod names;
mod regions;
mod tsv;

use std::path::Path;

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use draft::Draft;

pub use crate::gazetteer::verify::sha256_file;
pub use index::BuildReport;
pub use inputs::{Filters, Sources};
pub use install::{install, sibling, staging_beside};
pub use lock::{lock, WriteLock};
pub use manifest::read_provenance;

/// Builds a gazetteer from `sources` into the directory `out`, which must
/// not exist yet, and checks that it loads. `provenance` is merged into the
/// manifest (refresh records URLs, ETags and sizes there).
pub fn build(
    sources: &Sources,
    filters: &Filters,
    out: &Path,
    provenance: serde_json::Value,
) -> Result<BuildReport> {
    let mut draft = Draft::default();
    geonames::read_countries(&mut draft, &sources.country_info, filters)?;
    geonames::read_admin1_codes(&mut draft, &sources.admin1_codes, filters)?;
    if let Some(path) = &sources.admin2_codes {
        geonames::read_admin2_codes(&mut draft, path, filters)?;
    }
    geonames::read_places(&mut draft, &sources.geonames, filters)?;
    let outlines = countries::read_outlines(&sources.outlines)?;

    regions::add_admin1_places(&mut draft);
    regions::add_admin2_places(&mut draft);
    countries::add_countries(&mut draft, &outlines);
    names::add_alternate_names(&mut draft, &sources.alternate_names, filters)?;
    names::add_region_forms(&mut draft);
    if let Some(path) = &sources.composite_regions {
        regions::add_composite_regions(&mut draft, path, filters)?;
    }

    names::mark_weak_names(&mut draft);
    index::order(&mut draft);
    std::fs::create_dir_all(out.join("lexicon")).map_err(|e| Error::io(out, e))?;
    let mut report = index::write_index(&draft.places, out)?;
    report.derived_points = std::mem::take(&mut draft.derived_points);
    report.warnings = std::mem::take(&mut draft.warnings);
    carried::copy_carried_files(sources, out)?;
    manifest::write_manifest(sources, filters, &report, provenance, out)?;

    // A gazetteer that does not load, or whose files do not read back as
    // written, is never handed over.
    Gazetteer::open(out)?.verify()?;
    Ok(report)
}

/// Builds into a temporary directory beside `dest`, then swaps it in: the
/// previous gazetteer is kept as `<dest>.previous` until the next build, and
/// `dest` is never left half-written. Fails at once when another build or
/// refresh is writing `dest` (see [`lock`]).
pub fn build_and_install(
    sources: &Sources,
    filters: &Filters,
    dest: &Path,
    provenance: serde_json::Value,
) -> Result<BuildReport> {
    let _lock = lock(dest)?;
    let staging = staging_beside(dest, ".geomention-build-")?;
    let fresh = staging.path().join("gazetteer");
    let report = build(sources, filters, &fresh, provenance)?;
    install(&fresh, dest)?;
    Ok(report)
}
