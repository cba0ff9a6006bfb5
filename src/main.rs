//! The `geomention` command line: parses arguments and calls the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use geomention::batch;
use geomention::error::{Error, Result};
use geomention::eval::{self, EvalOptions};
use geomention::gazetteer::{build, info, user_gazetteer_dir, Gazetteer, Selection};
use geomention::output::{write_geojson, MapBuilder};
use geomention::pipeline::Geoparser;
use geomention::refresh::{self, FileStatus};
use geomention::resolve::ResolveOptions;

/// Turns news text into maps: finds the places an article mentions, resolves
/// them with a GeoNames gazetteer, checks the distances it states, and writes
/// GeoJSON for QGIS or a web map.
#[derive(Parser)]
#[command(name = "geomention", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Map the places (and stated distances) of articles to GeoJSON.
    ///
    /// Example: geomention map corpus/ -o map.geojson
    Map(MapArgs),
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
}

#[derive(clap::Args)]
struct GazetteerArgs {
    /// Gazetteer directory to use instead of the default (a refreshed one in
    /// the user's data directory, else the built-in one).
    #[arg(long, value_name = "DIR", env = "GEOMENTION_GAZETTEER")]
    gazetteer: Option<PathBuf>,
}

#[derive(clap::Args)]
struct MapArgs {
    /// Files, directories (every .txt/.md inside, recursively) or - for standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Write the GeoJSON here (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// One feature per place and document instead of one per place.
    #[arg(long)]
    per_document: bool,
    /// Drop mentions resolved with less confidence than this (0-1).
    #[arg(long, value_name = "X", default_value_t = ResolveOptions::default().min_confidence)]
    min_confidence: f64,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
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
    },
}

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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("geomention: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Map(args) => map(args),
        Command::Eval(args) => evaluate(args),
        Command::Gazetteer(GazetteerCommand::Build {
            src,
            into,
            min_population,
            provenance,
        }) => {
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
            eprintln!(
                "built {}: {} places ({} countries, {} regions, {} cities), {} names",
                into.display(),
                report.places,
                report.countries,
                report.regions,
                report.cities,
                report.names
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Gazetteer(GazetteerCommand::Lookup { name, gazetteer }) => {
            let gaz = Gazetteer::locate_and_load(gazetteer.gazetteer.as_deref())?;
            let mut found: Vec<_> = gaz.lookup(&name);
            found.sort_by_key(|p| std::cmp::Reverse(gaz.place(p.place()).population));
            if found.is_empty() {
                eprintln!("geomention: no place is called {name:?}");
                return Ok(ExitCode::from(1));
            }
            for p in found {
                let place = gaz.place(p.place());
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{:.5}\t{:.5}\t{}",
                    place.place_id,
                    place.name,
                    place.kind.as_str(),
                    place.feature_code,
                    place.country,
                    place.lat,
                    place.lon,
                    place.population.map(|v| v.to_string()).unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Gazetteer(GazetteerCommand::Refresh(args)) => refresh(args),
        Command::Gazetteer(GazetteerCommand::Info { gazetteer, json }) => {
            let selection = Selection::choose(gazetteer.gazetteer.as_deref());
            let gaz = Gazetteer::load(&selection)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(gaz.manifest()).unwrap_or_default()
                );
            } else {
                print!("{}", info::describe(&gaz, &selection));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn refresh(args: RefreshArgs) -> Result<ExitCode> {
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
    Ok(ExitCode::SUCCESS)
}

fn map(args: MapArgs) -> Result<ExitCode> {
    let gaz = Gazetteer::locate_and_load(args.gazetteer.gazetteer.as_deref())?;
    let options = ResolveOptions {
        min_confidence: args.min_confidence,
        ..Default::default()
    };
    let parser = Geoparser::with_options(&gaz, options);
    let inputs = batch::collect_inputs(&args.inputs)?;
    let mut map = MapBuilder::new(&gaz, args.per_document);
    let mut failed = 0;
    for input in &inputs {
        match batch::read_document(input) {
            Ok(doc) => map.add(&doc, &parser.parse(&doc)),
            Err(e) => {
                eprintln!("geomention: skipped {e}");
                failed += 1;
            }
        }
    }
    write_geojson(&map.finish(), args.output.as_deref())?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn evaluate(args: EvalArgs) -> Result<ExitCode> {
    let gaz = Gazetteer::locate_and_load(args.gazetteer.gazetteer.as_deref())?;
    let parser = Geoparser::new(&gaz);
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
        _ => Ok(ExitCode::SUCCESS),
    }
}
