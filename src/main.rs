//! The `geomention` command line: argument types, and a dispatch from each
//! command to the library function that does it. Nothing here maps,
//! resolves or writes: a test or another program reaches every piece of
//! work through the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use geomention::batch::{self, Input, InvalidUtf8, JsonlFields, ReadOptions, RunOptions};
use geomention::error::{Error, Result};
use geomention::eval::{self, EvalOptions};
use geomention::gazetteer::{build, info, user_gazetteer_dir, Gazetteer, Selection};
use geomention::output::html::{Basemap, PageOptions, Tiles, MAX_MAP_BYTES};
use geomention::output::mentions::{MentionsWriter, TableFormat, WithTable};
use geomention::output::{self, Destination, Format};
use geomention::pipeline::Geoparser;
use geomention::recognize::RecognizeOptions;
#[cfg(feature = "refresh")]
use geomention::refresh::{self, FileStatus};
use geomention::resolve::ResolveOptions;

/// mimalloc rather than the system allocator: a batch run allocates and
/// frees millions of small strings and vectors from every thread, and
/// glibc's malloc took about a fifth of its time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns news text into maps: finds the places an article mentions, resolves
/// them with a GeoNames gazetteer, checks the distances it states, and writes
/// GeoJSON for QGIS or a web map.
#[derive(Parser)]
#[command(
    name = "geomention",
    version,
    about,
    long_about = None,
    after_help = "Examples:
  geomention map corpus/ -o map.geojson              map every .txt/.md under corpus/
  geomention map --jsonl articles.jsonl -o map.geojson
  geomention map corpus/ -o map.html                 a page that shows the map, offline
  geomention view map.geojson --open                 any map as a page, in the browser
  geomention gazetteer lookup \"Kharkov region\"       what a name can refer to
  geomention gazetteer refresh --country UA --country RU
  geomention eval gold.jsonl                         recognition and resolution scores

Run 'geomention <command> --help' for every option of a command."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Map the places (and stated distances) of articles to GeoJSON.
    ///
    /// Example: geomention map corpus/ -o map.geojson
    #[command(after_help = MAP_HELP)]
    Map(MapArgs),
    /// Merge maps written in parts into one map.
    ///
    /// Shards of a corpus mapped per document (GeoJSON text sequences, from
    /// `map --format geojsonseq`, Spark or GNU parallel), given in the
    /// order of the corpus, become the map one run over the whole corpus
    /// would have written, byte for byte. Aggregated maps of different
    /// documents can be merged too (counts add up).
    ///
    /// Example: geomention merge out/part-*.geojsons -o map.geojson
    Merge(MergeArgs),
    /// Show maps geomention wrote as one self-contained HTML page.
    ///
    /// Any map geomention wrote, a GeoJSON map (.geojson) or a GeoJSON
    /// text sequence (.geojsons), or several merged as `merge` merges
    /// them, becomes a page that works offline from disk: the country
    /// outlines of the gazetteer as base map, places, claims and a panel.
    ///
    /// Example: geomention view map.geojson --open
    View(ViewArgs),
    /// Measure recognition and resolution against an annotated corpus.
    ///
    /// FILE has one article per line: {"id", "text", "toponyms": [{"start",
    /// "end", "name", "lat", "lon", "geonameid"?}]}, offsets in Unicode code
    /// points. Prints precision/recall/F1 (exact and overlapping spans) and
    /// accuracy@161km, mean/median error and AUC over the recognized toponyms.
    ///
    /// Example: geomention eval ../shared/eval/lgl.jsonl --errors
    Eval(EvalArgs),
    /// Build, inspect or refresh the gazetteer.
    #[command(subcommand)]
    Gazetteer(GazetteerCommand),
    /// Time the name matcher alone on a JSON Lines corpus (used by bench/run.sh).
    #[command(hide = true)]
    BenchMatch(BenchMatchArgs),
}

#[derive(clap::Args)]
struct GazetteerArgs {
    /// Gazetteer directory to use instead of the default (a refreshed one in
    /// the user's data directory, else the built-in one).
    #[arg(long, value_name = "DIR", env = "GEOMENTION_GAZETTEER")]
    gazetteer: Option<PathBuf>,
}

const MAP_HELP: &str = "\
Examples:
  geomention map archive/ -o map.geojson
  geomention map --jsonl articles.jsonl --threads 8 --per-document -o map.geojson
  cat articles.jsonl | geomention map --jsonl - --format geojsonseq > mentions.geojsons

Bad documents never stop a run: files that are binary, empty or not UTF-8,
and JSON Lines lines that are not JSON or have no text are reported on
standard error with their file and line, counted in the closing summary, and
skipped. The output is written to a temporary file renamed into place at the
end, so a failed run leaves no partial map.

Exit status: 0 when every document was mapped, 1 when some were skipped
(text that was not UTF-8 but decoded lossily does not count), 2 on a fatal
error (a missing input, an unwritable output, a bad option).";

#[derive(clap::Args)]
struct MapArgs {
    /// Files, directories (every .txt/.md inside, recursively, in sorted
    /// order) or - for standard input; each file is one document, its id
    /// the path relative to the argument.
    #[arg(value_name = "INPUT", required_unless_present = "jsonl")]
    inputs: Vec<PathBuf>,
    /// A JSON Lines file (or - for standard input) with one article per
    /// line: {"id", "text", "date"?, ...}. May be repeated; read after the
    /// INPUTs. Example: --jsonl articles.jsonl
    #[arg(long, value_name = "FILE")]
    jsonl: Vec<PathBuf>,
    /// JSON field with the document id (default id; a record without one is FILE:LINE).
    #[arg(long, value_name = "NAME", default_value = "id")]
    id_field: String,
    /// JSON field with the article text.
    #[arg(long, value_name = "NAME", default_value = "text")]
    text_field: String,
    /// JSON field with the article date (YYYY-MM-DD, or a timestamp starting with one).
    #[arg(long, value_name = "NAME", default_value = "date")]
    date_field: String,
    /// JSON field with the article's headline (listed with the documents of a map).
    #[arg(long, value_name = "NAME", default_value = "title")]
    title_field: String,
    /// JSON field with the article's address.
    #[arg(long, value_name = "NAME", default_value = "url")]
    url_field: String,
    /// Write the map here (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// geojson: one FeatureCollection. geojsonseq: RFC 8142 text sequence,
    /// one feature per line, streamed as each document is done (implies
    /// --per-document). gpkg: a GeoPackage that QGIS opens styled, one
    /// layer per kind of feature (needs -o FILE). Default: what the output
    /// file's extension names (.geojson, .geojsons, .gpkg), else geojson.
    /// --per-document). html: a page that shows the map offline. Default:
    /// what the output file's extension names (.geojson, .geojsons,
    /// .html), else geojson.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Also write QGIS styles beside a GeoJSON map, one per geometry type
    /// (map.geojson: map.point.qml, map.line.qml, map.polygon.qml). A
    /// GeoPackage holds its styles already.
    #[arg(long)]
    styles: bool,
    /// One feature per place and document instead of one per place; the
    /// features are written as each document is done, in input order.
    #[arg(long)]
    per_document: bool,
    /// How many mentions (and documents) each place lists: the first N in
    /// input order, or all. Mention and document counts are exact either way.
    #[arg(long, value_name = "N|all", default_value = "50", value_parser = parse_listed)]
    mentions: Listed,
    /// Also write every mention, one row each, to this table: CSV (.csv)
    /// or a GeoJSON text sequence of points (.geojsons).
    #[arg(long, value_name = "FILE")]
    mentions_out: Option<PathBuf>,
    #[command(flatten)]
    page: PageArgs,
    /// Worker threads (0: one per core). The output is the same for any number.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    threads: usize,
    /// Text that is not UTF-8: decode it with replacement characters and
    /// warn (lossy), or skip the document (skip).
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = Utf8Arg::Lossy)]
    invalid_utf8: Utf8Arg,
    /// No progress bar and no closing summary (problems are still reported).
    #[arg(short, long)]
    quiet: bool,
    /// Documents longer than this are mapped in segments (tests use a small one).
    #[arg(long, hide = true, default_value_t = ReadOptions::default().segment_bytes)]
    segment_bytes: usize,
    /// JSON Lines lines longer than this are reported and skipped unread
    /// (bytes, or with a K, M or G suffix: 512M).
    #[arg(long, value_name = "BYTES", default_value = "256M", value_parser = parse_bytes)]
    max_line_bytes: usize,
    /// Drop mentions resolved with less confidence than this (0-1).
    #[arg(long, value_name = "X", default_value_t = ResolveOptions::default().min_confidence)]
    min_confidence: f64,
    #[command(flatten)]
    demonyms: DemonymArgs,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

/// Whether nationality words are mentions of their country.
#[derive(clap::Args)]
struct DemonymArgs {
    /// Map nationality words ("Russian troops", "Israelis") to their
    /// country, each mention marked "demonym": true (the default).
    #[arg(long, overrides_with = "no_demonyms")]
    demonyms: bool,
    /// Map only names of places, not nationality words.
    #[arg(long, overrides_with = "demonyms")]
    no_demonyms: bool,
}

impl DemonymArgs {
    fn options(&self) -> RecognizeOptions {
        RecognizeOptions {
            demonyms: !self.no_demonyms,
        }
    }
}

#[derive(clap::Args)]
struct MergeArgs {
    /// Maps to merge, in order (- for standard input).
    #[arg(value_name = "MAP", required = true)]
    inputs: Vec<PathBuf>,
    /// Write the map here (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format (default: what the output file's extension names, else geojson).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// One feature per place and document, as the shards have them.
    #[arg(long)]
    per_document: bool,
    /// How many mentions (and documents) each place lists: N, or all.
    #[arg(long, value_name = "N|all", default_value = "50", value_parser = parse_listed)]
    mentions: Listed,
}

#[derive(clap::Args)]
struct ViewArgs {
    /// Maps geomention wrote (.geojson, .geojsons; - for standard input),
    /// merged in order into one page.
    #[arg(value_name = "MAP", required = true)]
    inputs: Vec<PathBuf>,
    /// Write the page here (default: standard output, or a temporary file
    /// with --open).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Open the page in the default browser (the BROWSER environment
    /// variable, else the system's: xdg-open, open, start).
    #[arg(long)]
    open: bool,
    /// How many mentions (and documents) each place lists: N, or all.
    #[arg(long, value_name = "N|all", default_value = "50", value_parser = parse_listed)]
    mentions: Listed,
    #[command(flatten)]
    page: PageArgs,
    /// Whose country outlines are drawn under the map.
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

/// What an HTML page adds to a map.
#[derive(clap::Args)]
struct PageArgs {
    /// The page's title (HTML pages). Example: --title "Kharkiv offensive, May 2024"
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Online raster tiles under the map (HTML pages; the page works
    /// offline without them), as a URL template:
    /// https://tile.openstreetmap.org/{z}/{x}/{y}.png
    #[arg(long, value_name = "URL_TEMPLATE", value_parser = parse_tiles)]
    tiles: Option<String>,
    /// The tiles' credit, shown on the map as text; most providers require
    /// one. Example: --tiles-attribution "© OpenStreetMap contributors"
    #[arg(long, value_name = "TEXT", requires = "tiles")]
    tiles_attribution: Option<String>,
    /// Bytes of map data past which a page's places list fewer mentions
    /// (tests use a small number).
    #[arg(long, hide = true, value_name = "BYTES", default_value_t = MAX_MAP_BYTES)]
    max_map_bytes: usize,
}

impl PageArgs {
    /// Refuses page options for a format that is not a page.
    fn check(&self, format: Format) -> Result<()> {
        if format != Format::Html && (self.title.is_some() || self.tiles.is_some()) {
            return Err(Error::Invalid(
                "--title and --tiles are for HTML pages: write to FILE.html or pass --format html"
                    .into(),
            ));
        }
        Ok(())
    }

    /// What the page adds to the map, the base map drawn from the
    /// gazetteer's country outlines.
    fn options(self, gazetteer: &Gazetteer) -> Result<PageOptions> {
        if self.tiles.is_some() && self.tiles_attribution.is_none() {
            eprintln!(
                "geomention: warning: --tiles without --tiles-attribution: most tile \
                 providers require their credit on the map"
            );
        }
        Ok(PageOptions {
            title: self.title,
            basemap: Some(Basemap::of(gazetteer)?),
            tiles: self.tiles.map(|url| Tiles {
                url,
                attribution: self.tiles_attribution.unwrap_or_default(),
            }),
            max_map_bytes: self.max_map_bytes,
        })
    }
}

fn parse_tiles(s: &str) -> std::result::Result<String, String> {
    Tiles::check_url(s).map(|()| s.to_string())
}

/// Refuses `--per-document` for a format that lists each place once.
fn check_per_document(format: Format, per_document: bool) -> Result<()> {
    if per_document && !format.allows_per_document() {
        return Err(Error::Invalid(
            "--per-document: a page shows one marker per place; write GeoJSON \
             (.geojson, .geojsons) for one feature per place and document"
                .into(),
        ));
    }
    Ok(())
}

#[derive(clap::Args)]
struct EvalArgs {
    /// Gold JSONL file.
    #[arg(value_name = "FILE")]
    gold: PathBuf,
    /// Print the figures as JSON (with --errors, the misses too).
    #[arg(long)]
    json: bool,
    /// List every miss: false positives and negatives, span boundary
    /// differences and resolutions 161 km or more from the gold point.
    #[arg(long)]
    errors: bool,
    /// Evaluate only the first N articles.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    #[command(flatten)]
    demonyms: DemonymArgs,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Geojson,
    Geojsonseq,
    Gpkg,
    Html,
}

impl FormatArg {
    fn format(self) -> Format {
        match self {
            FormatArg::Geojson => Format::GeoJson,
            FormatArg::Geojsonseq => Format::GeoJsonSeq,
            FormatArg::Gpkg => Format::GeoPackage,
            FormatArg::Html => Format::Html,
        }
    }
}

/// Fails at once, before any work, when `format` needs a file and there
/// is none (`output` is `None` for standard output).
fn needs_file(format: Format, output: Option<&std::path::Path>) -> Result<()> {
    if format.needs_file() && output.is_none() {
        return Err(Error::Invalid(
            "a GeoPackage needs an output file: pass -o FILE (it cannot go to standard output)"
                .into(),
        ));
    }
    Ok(())
}

/// `--mentions`: a number, or `all` (`None`).
#[derive(Clone, Copy, Debug)]
struct Listed(Option<usize>);

fn parse_listed(s: &str) -> std::result::Result<Listed, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(Listed(None));
    }
    s.parse()
        .map(|n| Listed(Some(n)))
        .map_err(|_| format!("expected a number of mentions or \"all\", found {s:?}"))
}

/// `--max-line-bytes`: a number of bytes, with an optional binary K, M or G.
fn parse_bytes(s: &str) -> std::result::Result<usize, String> {
    let (digits, shift) = match s.as_bytes().last().map(u8::to_ascii_uppercase) {
        Some(b'K') => (&s[..s.len() - 1], 10),
        Some(b'M') => (&s[..s.len() - 1], 20),
        Some(b'G') => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("expected a number of bytes such as 1048576 or 256M, found {s:?}"))
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Utf8Arg {
    Lossy,
    Skip,
}

#[derive(clap::Args)]
struct BenchMatchArgs {
    /// JSON Lines corpus ({"text": ...} per line) to match.
    corpus: Option<PathBuf>,
    /// Instead, print the gazetteer's Latin-script names (folded, one per
    /// line): the name list that bench/ gives the peer matchers.
    #[arg(long, conflicts_with = "corpus")]
    print_names: bool,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

#[derive(Subcommand)]
enum GazetteerCommand {
    /// Compile GeoNames dump files into a gazetteer directory.
    ///
    /// SRC holds cities500.txt (or cities1000/5000/15000.txt, XX.txt,
    /// allCountries.txt), admin1CodesASCII.txt, countryInfo.txt, optionally
    /// alternateNamesV2.txt, plus countries.geojson, composite_regions.tsv and
    /// lexicon/. Example: geomention gazetteer build build/geonames-src --into gazetteer
    Build {
        /// Directory of source files.
        src: PathBuf,
        /// Gazetteer directory to write (replaced atomically; the old one is kept as DIR.previous).
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// Keep only populated places of at least this population.
        #[arg(long, default_value_t = 0)]
        min_population: u64,
        /// A JSON object saying where the sources came from (packages,
        /// versions, licences), recorded in the manifest for `gazetteer info`.
        #[arg(long, value_name = "FILE")]
        provenance: Option<PathBuf>,
    },
    /// List the places a name can refer to, most populous first.
    ///
    /// Example: geomention gazetteer lookup "Kharkov region"
    Lookup {
        /// A place name in any spelling the gazetteer knows.
        name: String,
        #[command(flatten)]
        gazetteer: GazetteerArgs,
    },
    #[cfg(feature = "refresh")]
    /// Rebuild the gazetteer from GeoNames' dump files, safely.
    ///
    /// Downloads what the options need (default: cities500.zip,
    /// alternateNamesV2.zip, admin1CodesASCII.txt, countryInfo.txt), builds a
    /// new gazetteer beside the old one and swaps it in only when it is
    /// complete and loads; the old one is kept as DIR.previous. Unchanged
    /// files are not downloaded again. Behind a proxy, set HTTPS_PROXY (or
    /// ALL_PROXY, NO_PROXY) or pass --proxy. Without network, download the
    /// files elsewhere and pass --source DIR.
    ///
    /// Example: geomention gazetteer refresh --country UA --country RU --min-population 0
    Refresh(RefreshArgs),
    /// Show which gazetteer is in use and where its data came from.
    Info {
        #[command(flatten)]
        gazetteer: GazetteerArgs,
        /// Print the manifest as JSON instead.
        #[arg(long)]
        json: bool,
        /// Also check every file against the SHA-256 its manifest records,
        /// the name index against the postings, and every country outline
        /// (exit status 2 and the damaged file named when one fails).
        #[arg(long)]
        verify: bool,
    },
}

#[cfg(feature = "refresh")]
#[derive(clap::Args)]
struct RefreshArgs {
    /// Keep only this country (ISO 3166-1 alpha-2; repeatable). Uses the
    /// per-country files, which have every place of the country.
    #[arg(long = "country", value_name = "XX", value_parser = refresh::plan::country_code)]
    countries: Vec<String>,
    /// Keep only populated places of at least this population (0: every
    /// village). Default: the cities500 extract, as the built-in gazetteer.
    #[arg(long, value_name = "N")]
    min_population: Option<u64>,
    /// Keep alternate names in these languages only (ISO 639 codes,
    /// comma-separated; names with no language are always kept).
    #[arg(long, value_name = "LANGS", value_delimiter = ',')]
    languages: Vec<String>,
    /// Dump directory: an https:// URL or a local directory of dump files
    /// (zipped or not) for machines without network.
    #[arg(long, value_name = "URL|DIR", default_value = refresh::DEFAULT_SOURCE)]
    source: String,
    /// Gazetteer directory to write [default: the user data directory, e.g.
    /// ~/.local/share/geomention/gazetteer, which `map` then prefers].
    #[arg(long, value_name = "DIR")]
    into: Option<PathBuf>,
    /// Accept http:// sources and redirects to http:// (anyone on the way
    /// could change the data).
    #[arg(long)]
    allow_http: bool,
    /// Proxy for all requests (http://[user:pass@]host:port), instead of
    /// the HTTPS_PROXY / ALL_PROXY environment variables.
    #[arg(long, value_name = "URL")]
    proxy: Option<String>,
    /// Also trust the root certificates in this PEM file (a proxy that
    /// inspects TLS).
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Give up on a connection, or a download that stalls, after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    timeout: u64,
    /// Retries on transient failures (time-outs, dropped connections, HTTP 5xx), with back-off.
    #[arg(long, value_name = "N", default_value_t = 3)]
    retries: u32,
    /// Download everything and rebuild even if nothing changed.
    #[arg(long)]
    force: bool,
    /// Where country outlines, composite regions and the lexicon come from
    /// when DIR has none yet [default: the gazetteer in use].
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

/// How a run ended: the exit status scripts read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Everything asked for was done.
    Done = 0,
    /// Done, but something was skipped: a document that could not be
    /// mapped (reported on standard error), or a name no place has.
    Partial = 1,
    /// Nothing was done: a missing input, an unwritable output, a bad
    /// option or a damaged gazetteer.
    Failed = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status as u8)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(status) => status.into(),
        // `geomention ... | head`: the reader has what it wanted.
        Err(e) if e.is_broken_pipe() => Status::Done.into(),
        Err(e) => {
            eprintln!("geomention: {e}");
            Status::Failed.into()
        }
    }
}

fn run(cli: Cli) -> Result<Status> {
    match cli.command {
        Command::Map(args) => map(args),
        Command::Merge(args) => merge(args),
        Command::View(args) => view(args),
        Command::Eval(args) => evaluate(args),
        Command::BenchMatch(args) => bench_match(args),
        Command::Gazetteer(GazetteerCommand::Build {
            src,
            into,
            min_population,
            provenance,
        }) => gazetteer_build(src, into, min_population, provenance),
        Command::Gazetteer(GazetteerCommand::Lookup { name, gazetteer }) => {
            gazetteer_lookup(&name, gazetteer)
        }
        #[cfg(feature = "refresh")]
        Command::Gazetteer(GazetteerCommand::Refresh(args)) => refresh(args),
        Command::Gazetteer(GazetteerCommand::Info {
            gazetteer,
            json,
            verify,
        }) => gazetteer_info(gazetteer, json, verify),
    }
}

fn gazetteer_build(
    src: PathBuf,
    into: PathBuf,
    min_population: u64,
    provenance: Option<PathBuf>,
) -> Result<Status> {
    // What the dumps lack (outlines, lexicon, SOURCES.md) comes from the gazetteer being replaced.
    let current = into
        .join("manifest.json")
        .is_file()
        .then_some(into.as_path());
    let sources = build::Sources::discover(&src, current)?;
    let filters = build::Filters {
        min_population,
        ..Default::default()
    };
    let provenance = match provenance {
        Some(path) => build::read_provenance(&path)?,
        None => serde_json::json!({}),
    };
    let report = build::build_and_install(&sources, &filters, &into, provenance)?;
    for w in &report.warnings {
        eprintln!("geomention: warning: {w}");
    }
    eprintln!(
        "built {}: {} places ({} countries, {} regions, {} cities), {} names",
        into.display(),
        report.places,
        report.countries,
        report.regions,
        report.cities,
        report.names
    );
    Ok(Status::Done)
}

/// A failed write to standard output (a closed pipe ends the run quietly:
/// see `main`).
fn stdout_error(e: std::io::Error) -> geomention::Error {
    geomention::Error::io("<stdout>", e)
}

fn gazetteer_lookup(name: &str, gazetteer: GazetteerArgs) -> Result<Status> {
    let gaz = load_for_process(gazetteer.gazetteer.as_deref())?;
    let mut found: Vec<_> = gaz.lookup(name);
    found.sort_by_key(|p| std::cmp::Reverse(gaz.place(p.place()).population));
    if found.is_empty() {
        eprintln!("geomention: no place is called {name:?}");
        return Ok(Status::Partial);
    }
    let mut out = std::io::stdout().lock();
    for p in found {
        let place = gaz.place(p.place());
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{:.5}\t{:.5}\t{}",
            place.place_id,
            place.name,
            place.kind.as_str(),
            place.feature_code,
            place.country,
            place.lat,
            place.lon,
            place.population.map(|v| v.to_string()).unwrap_or_default()
        )
        .map_err(stdout_error)?;
    }
    out.flush().map_err(stdout_error)?;
    Ok(Status::Done)
}

fn gazetteer_info(gazetteer: GazetteerArgs, json: bool, verify: bool) -> Result<Status> {
    let selection = Selection::choose(gazetteer.gazetteer.as_deref());
    let gaz = Gazetteer::load(&selection)?;
    if verify {
        eprintln!("{}", info::describe_verified(&gaz.verify()?));
    }
    let text = if json {
        let mut manifest = serde_json::to_string_pretty(gaz.manifest()).unwrap_or_default();
        manifest.push('\n');
        manifest
    } else {
        info::describe(&gaz, &selection)
    };
    let mut out = std::io::stdout().lock();
    (out.write_all(text.as_bytes()))
        .and_then(|()| out.flush())
        .map_err(stdout_error)?;
    // Dropping a quarter of a million places at exit gives nothing back.
    std::mem::forget(gaz);
    Ok(Status::Done)
}

#[cfg(feature = "refresh")]
fn refresh(args: RefreshArgs) -> Result<Status> {
    let into = match args.into {
        Some(dir) => dir,
        None => user_gazetteer_dir().ok_or_else(|| {
            geomention::Error::Invalid(
                "no user data directory (HOME and XDG_DATA_HOME are unset); pass --into DIR".into(),
            )
        })?,
    };
    let options = refresh::Options {
        source: refresh::Source::parse(&args.source, args.allow_http)?,
        filters: build::Filters {
            countries: args.countries,
            min_population: args.min_population.unwrap_or(0),
            languages: args.languages,
        },
        min_population: args.min_population,
        into: into.clone(),
        fallback: args.gazetteer.gazetteer,
        http: refresh::download::HttpOptions {
            allow_http: args.allow_http,
            proxy: args.proxy,
            ca_cert: args.ca_cert,
            timeout: std::time::Duration::from_secs(args.timeout.max(1)),
            retries: args.retries,
            progress: true,
            ..Default::default()
        },
        force: args.force,
    };
    let report = refresh::refresh(&options)?;
    for (file, status) in &report.files {
        match status {
            FileStatus::Downloaded { size } => eprintln!("{file}: downloaded {size} bytes"),
            FileStatus::NotModified => eprintln!("{file}: not modified"),
            FileStatus::Local { size } => eprintln!("{file}: read {size} bytes"),
        }
    }
    for w in &report.warnings {
        eprintln!("geomention: warning: {w}");
    }
    match report.built {
        None => eprintln!(
            "{}: up to date (nothing changed at the source)",
            into.display()
        ),
        Some(r) => {
            eprintln!(
                "refreshed {}: {} places ({} countries, {} regions, {} cities), {} names",
                into.display(),
                r.places,
                r.countries,
                r.regions,
                r.cities,
                r.names,
            );
            let backup = build::sibling(&into, "previous");
            if backup.is_dir() {
                eprintln!("the previous gazetteer is kept in {}", backup.display());
            }
        }
    }
    Ok(Status::Done)
}

fn map(args: MapArgs) -> Result<Status> {
    let mut inputs: Vec<Input> = args.inputs.into_iter().map(Input::Text).collect();
    inputs.extend(args.jsonl.into_iter().map(Input::Jsonl));
    batch::check_inputs(&inputs)?;
    let format = Format::choose(args.format.map(FormatArg::format), args.output.as_deref());
    let to_file = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    if args.styles && to_file.is_none() {
        return Err(Error::Invalid(
            "--styles needs an output file: pass -o FILE (it cannot go to standard output)".into(),
        ));
    }
    needs_file(format, to_file)?;
    check_per_document(format, args.per_document)?;
    args.page.check(format)?;
    let per_document = args.per_document || format.streams_documents();
    // Created before the gazetteer loads: an unwritable output fails at once.
    let destination = Destination::create(args.output.as_deref())?;
    let table = match &args.mentions_out {
        Some(path) => {
            let table = TableFormat::from_path(path)?;
            Some(MentionsWriter::new(
                Destination::create(Some(path))?,
                table,
            )?)
        }
        None => None,
    };
    let gaz = load_for_process(args.gazetteer.gazetteer.as_deref())?;
    let write = output::Options {
        per_document,
        listed: args.mentions.0,
        page: match format {
            Format::Html => args.page.options(gaz)?,
            _ => PageOptions::default(),
        },
    };
    let mut writer = output::create(format, destination, &write);
    if let Some(table) = table {
        writer = Box::new(WithTable {
            map: writer,
            table: Box::new(table),
        });
    }
    let resolve = ResolveOptions {
        min_confidence: args.min_confidence,
        ..Default::default()
    };
    let parser =
        Geoparser::with_options(gaz, resolve).with_recognize_options(args.demonyms.options());
    let options = RunOptions {
        threads: args.threads,
        per_document,
        listed: args.mentions.0,
        progress: !args.quiet && std::io::stderr().is_terminal(),
        read: ReadOptions {
            invalid_utf8: match args.invalid_utf8 {
                Utf8Arg::Lossy => InvalidUtf8::Lossy,
                Utf8Arg::Skip => InvalidUtf8::Skip,
            },
            fields: JsonlFields {
                id: args.id_field,
                text: args.text_field,
                date: args.date_field,
                title: args.title_field,
                url: args.url_field,
            },
            segment_bytes: args.segment_bytes,
            max_line_bytes: args.max_line_bytes,
        },
    };
    let summary = batch::run(&parser, &inputs, writer, &options)?;
    if let Some(map) = to_file.filter(|_| args.styles && !format.needs_file()) {
        output::qml::write_sidecars(map)?;
    }
    if !args.quiet {
        eprintln!("geomention: {}", summary.line());
    }
    Ok(if summary.skipped() > 0 {
        Status::Partial
    } else {
        Status::Done
    })
}

fn merge(args: MergeArgs) -> Result<Status> {
    let format = Format::choose(args.format.map(FormatArg::format), args.output.as_deref());
    needs_file(
        format,
        args.output.as_deref().filter(|p| p.as_os_str() != "-"),
    )?;
    check_per_document(format, args.per_document)?;
    let destination = Destination::create(args.output.as_deref())?;
    let page = match format {
        // A page merged from maps is what `view` makes: with the base map.
        Format::Html => PageOptions {
            basemap: Some(Basemap::of(load_for_process(None)?)?),
            ..PageOptions::default()
        },
        _ => PageOptions::default(),
    };
    let options = output::Options {
        per_document: args.per_document || format.streams_documents(),
        listed: args.mentions.0,
        page,
    };
    let writer = output::create(format, destination, &options);
    geomention::merge::merge(&args.inputs, writer, &options)?;
    Ok(Status::Done)
}

fn view(args: ViewArgs) -> Result<Status> {
    // With --open and no -o, a temporary file that outlives the run: the
    // browser reads it after geomention has exited.
    if args.open && args.output.as_deref() == Some(std::path::Path::new("-")) {
        return Err(Error::Invalid(
            "--open: a page on standard output cannot be opened; give -o FILE.html".into(),
        ));
    }
    let output = match (&args.output, args.open) {
        (None, true) => Some(
            tempfile::Builder::new()
                .prefix("geomention-")
                .suffix(".html")
                .tempfile()
                .and_then(|f| f.into_temp_path().keep().map_err(|e| e.error))
                .map_err(|e| Error::io(std::env::temp_dir(), e))?,
        ),
        (output, _) => output.clone(),
    };
    let destination = Destination::create(output.as_deref())?;
    let gaz = load_for_process(args.gazetteer.gazetteer.as_deref())?;
    let options = output::Options {
        per_document: false,
        listed: args.mentions.0,
        page: args.page.options(gaz)?,
    };
    let writer = output::create(Format::Html, destination, &options);
    geomention::merge::merge(&args.inputs, writer, &options)?;
    if let Some(page) = output.filter(|_| args.open) {
        opener::open_browser(&page)
            .map_err(|e| Error::Invalid(format!("{}: cannot open it: {e}", page.display())))?;
        eprintln!("geomention: opened {}", page.display());
    }
    Ok(Status::Done)
}

/// Loads the gazetteer for the rest of the process. It is never freed
/// (by any command): dropping a quarter of a million places at exit costs
/// tens of milliseconds and gives nothing back.
fn load_for_process(dir: Option<&std::path::Path>) -> Result<&'static Gazetteer> {
    Ok(Box::leak(Box::new(Gazetteer::locate_and_load(dir)?)))
}

fn evaluate(args: EvalArgs) -> Result<Status> {
    let gaz = load_for_process(args.gazetteer.gazetteer.as_deref())?;
    let parser = Geoparser::new(gaz).with_recognize_options(args.demonyms.options());
    let options = EvalOptions {
        limit: args.limit,
        misses: args.errors,
    };
    let report = eval::evaluate(&parser, &args.gold, &options)?;
    let written = (|| {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        if args.json {
            serde_json::to_writer_pretty(&mut out, &report)?;
            writeln!(out)?;
        } else {
            report.write_table(&mut out)?;
            report.write_misses(&mut out)?;
        }
        out.flush()
    })();
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("<stdout>", e)),
        _ => Ok(Status::Done),
    }
}

fn bench_match(args: BenchMatchArgs) -> Result<Status> {
    let started = std::time::Instant::now();
    let gaz = load_for_process(args.gazetteer.gazetteer.as_deref())?;
    let load_seconds = started.elapsed().as_secs_f64();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let io = |e| Error::io("<stdout>", e);
    if args.print_names {
        use fst::Streamer;
        let mut names = gaz.names().stream();
        while let Some((name, _)) = names.next() {
            if name.is_ascii() && name.iter().any(u8::is_ascii_alphabetic) {
                stdout.write_all(name).map_err(io)?;
                stdout.write_all(b"\n").map_err(io)?;
            }
        }
        stdout.flush().map_err(io)?;
        return Ok(Status::Done);
    }
    let Some(corpus) = args.corpus else {
        return Err(Error::Invalid(
            "bench-match: give a corpus or --print-names".into(),
        ));
    };
    let file = std::fs::File::open(&corpus).map_err(|e| Error::io(&corpus, e))?;
    let mut texts = Vec::new();
    for (i, line) in std::io::BufRead::lines(std::io::BufReader::new(file)).enumerate() {
        let line = line.map_err(|e| Error::io(&corpus, e))?;
        let record: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| Error::format(&corpus, i + 1, e.to_string()))?;
        let Some(text) = record["text"].as_str() else {
            return Err(Error::format(&corpus, i + 1, "no \"text\" string"));
        };
        texts.push(text.to_string());
    }
    let result = batch::bench_match(gaz, &texts);
    let mut report = serde_json::to_value(&result).unwrap_or_default();
    report["load_seconds"] = serde_json::json!(load_seconds);
    writeln!(stdout, "{report}").map_err(io)?;
    stdout.flush().map_err(io)?;
    Ok(Status::Done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn byte_counts_take_binary_suffixes() {
        assert_eq!(parse_bytes("100"), Ok(100));
        assert_eq!(parse_bytes("256M"), Ok(256 << 20));
        assert_eq!(parse_bytes("2k"), Ok(2048));
        assert_eq!(parse_bytes("1G"), Ok(1 << 30));
        for bad in ["", "M", "0", "-1", "1.5M", "99999999999999999999G"] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn exit_statuses_are_the_documented_numbers() {
        assert_eq!(Status::Done as u8, 0);
        assert_eq!(Status::Partial as u8, 1);
        assert_eq!(Status::Failed as u8, 2);
    }
}
