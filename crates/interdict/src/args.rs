//! Flags and dispatch. Errors print as one line, `error: ...`, and exit
//! with 1 (bad data or input) or 2 (bad usage).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use interdict_index::Snapshot;
use interdict_model::{Date, Jurisdiction, Policy};

use crate::commands;

#[derive(Parser)]
#[command(
    name = "interdict",
    version,
    about = "Is this party, app or payment prohibited, under which order, from which date, and why?",
    long_about = None
)]
pub struct Cli {
    /// Extra orders, entities and relations in interdict's TOML format
    /// (docs/data-format.md), loaded on top of the built-in data.
    #[arg(
        long = "orders",
        value_name = "FILE",
        global = true,
        env = "INTERDICT_ORDERS",
        value_delimiter = ','
    )]
    pub orders: Vec<PathBuf>,

    /// Where the store lives. Default: $XDG_DATA_HOME/interdict, else
    /// ~/.local/share/interdict.
    #[arg(long = "data-dir", value_name = "DIR", global = true, env = "INTERDICT_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn data_dir(&self) -> anyhow::Result<PathBuf> {
        if let Some(d) = &self.data_dir {
            return Ok(d.clone());
        }
        if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
            return Ok(PathBuf::from(x).join("interdict"));
        }
        match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(home) => Ok(PathBuf::from(home).join(".local/share/interdict")),
            None => anyhow::bail!("no data directory: set --data-dir or INTERDICT_DATA_DIR"),
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Orders: their status on a date, and whom they cover.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Applications: screen an app inventory.
    #[command(subcommand)]
    Apps(AppsCommand),
    /// Lists: import official list files into versioned snapshots, show and compare them.
    #[command(subcommand)]
    Lists(ListsCommand),
    /// Screening: names, parties and payments against the lists and orders.
    #[command(subcommand)]
    Screen(ScreenCommand),
    /// The audit log of decisions.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The allowlist: inputs known not to be a listed entity.
    #[command(subcommand)]
    Allowlist(AllowlistCommand),
    /// Show a recorded decision and its explanation.
    Explain(Explain),
    /// Screen a recorded decision's input again against the snapshot it
    /// used, and show what differs.
    Replay(Replay),
    /// Benchmarks that print JSON (not tests).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Serve the HTTP API (/v1, /openapi.json, /metrics) and the analysts'
    /// web UI on the store in the data directory (bundled lists when it has
    /// none). Tokens come from the environment, never from flags, so that
    /// they stay out of process lists and shell history.
    Serve(Serve),
}

#[derive(Args)]
pub struct Serve {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Largest request body, in bytes (413 above it).
    #[arg(long, default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Seconds a request's body may take to arrive after its headers (408
    /// past it): a client that stalls mid-body must not hold a place in
    /// flight for good.
    #[arg(long, default_value_t = 10.0, value_parser = body_seconds)]
    pub body_timeout: f64,
    /// Seconds a request's head may take to arrive (the connection is
    /// closed past it): a client trickling its headers must not keep its
    /// connection for good.
    #[arg(long, default_value_t = 10.0, value_parser = body_seconds)]
    pub header_timeout: f64,
    /// Most items in one batch (422 above it).
    #[arg(long, default_value_t = 1000)]
    pub max_batch: usize,
    /// Most requests in flight at once (429 above it).
    #[arg(long, default_value_t = 512)]
    pub max_in_flight: usize,
    /// Most requests waiting for the audit log (429 above it).
    #[arg(long, default_value_t = 1024)]
    pub audit_queue: usize,
    /// When the audit log's commits are synced to disk: `commit` (every
    /// commit; a returned decision survives a power cut) or `checkpoint`
    /// (faster; survives a crash of the process, but the last decisions
    /// before a power cut or OS crash may be lost).
    #[arg(long, value_enum, default_value_t = AuditDurability::Commit)]
    pub audit_durability: AuditDurability,
    /// Allow this origin to call the API from a browser (CORS); repeatable,
    /// `*` for any. CORS is off without it.
    #[arg(long = "cors-origin")]
    pub cors_origins: Vec<String>,
    /// One line per request on stderr: method, route, status and time
    /// (never bodies or query strings, which may hold names).
    #[arg(long)]
    pub access_log: bool,
    /// Seconds between reads of the store's allowlist and active snapshot,
    /// so that entries added with `interdict allowlist add`, and snapshots
    /// made active by `interdict lists import` or `lists update`, while the
    /// server runs apply without an activation; 0: only at start,
    /// activation and dispositions.
    #[arg(long, default_value_t = 5.0, value_parser = refresh_seconds)]
    pub allowlist_refresh: f64,
}

/// A score setting, 0 to 1, checked as given: narrowed to f32 first,
/// 1.0000000001 would pass as 1.
fn score(s: &str) -> Result<f32, String> {
    let value: f64 = s.parse().map_err(|_| format!("`{s}` is not a score"))?;
    if (0.0..=1.0).contains(&value) {
        Ok(value as f32)
    } else {
        Err(format!("{s}: expected a score from 0 to 1"))
    }
}

/// A count of at least one: a limit of 0 would report no hit for any row,
/// an exact match included, and look like a clean screen.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("0 would report no hits at all: give at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{s}` is not a whole number")),
    }
}

/// A body or head timeout in seconds: from a millisecond to an hour.
fn body_seconds(s: &str) -> Result<f64, String> {
    let seconds: f64 = s.parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if (0.001..=3_600.0).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(format!("{s}: expected from 0.001 to 3600 seconds"))
    }
}

/// A refresh interval in seconds: 0 (off), or from a millisecond to a day.
fn refresh_seconds(s: &str) -> Result<f64, String> {
    let seconds: f64 = s.parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if seconds == 0.0 || (0.001..=86_400.0).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(format!("{s}: give 0 (off) or 0.001 to 86400 seconds"))
    }
}

#[derive(Subcommand)]
pub enum AllowlistCommand {
    /// Add an entry: the party with this reference, or this name or
    /// identifier, is not entity ID. It holds until the entity changes in a
    /// newer snapshot, or until `--expires`.
    Add(AllowlistAdd),
    /// List the entries.
    List {
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("key").required(true).args(["reference", "name", "identifier"])))]
pub struct AllowlistAdd {
    /// A party's own reference (a customer number): clears that one party,
    /// whatever its name, birth date or country.
    #[arg(long, value_name = "REF")]
    pub reference: Option<String>,
    /// A name (compared in lower case, spaces collapsed): clears the
    /// entity's namesakes, never a party whose birth date or country agrees
    /// with the entity's.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// An identifier as TYPE:VALUE, such as `domain:example.com`.
    #[arg(long, value_name = "TYPE:VALUE")]
    pub identifier: Option<String>,
    /// The listed entity's id.
    #[arg(long, value_name = "ID")]
    pub entity: String,
    #[arg(long)]
    pub reason: String,
    #[arg(long)]
    pub author: String,
    /// First date the entry no longer applies, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// The lists the entity is in, as for screening; without them, the
    /// active snapshot or the bundled lists.
    #[arg(long, value_name = "FILE")]
    pub list: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of the audit log; name the first broken record.
    Verify,
}

#[derive(Args)]
pub struct Explain {
    /// A decision id (such as `d-42-59494874805478df`), as screening printed it.
    pub decision_id: String,
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
}

#[derive(Args)]
pub struct Replay {
    /// A decision id (such as `d-42-59494874805478df`), as screening printed it.
    pub decision_id: String,
}

#[derive(Subcommand)]
pub enum ScreenCommand {
    /// Screen names (a text file with one a line, or CSV/JSONL with a
    /// `name` column) against the lists; one record per input row.
    Names(ScreenNames),
    /// Screen one party (names, identifiers, type, birth date, countries)
    /// on a date: designations, ownership rules and orders, explained.
    Party(ScreenParty),
    /// Screen payments (JSON lines, or a JSON object or array), each on its
    /// own date: parties, agents, intermediaries, apps and remittance text.
    Payments(ScreenPayments),
}

#[derive(Args)]
pub struct ScreenPayments {
    /// Payments as JSON lines (`.jsonl`), one JSON array of payments, a
    /// CSV file of one payment a row (`.csv`), an ISO 20022 pacs.008 XML
    /// file or SWIFT MT103 messages.
    pub file: PathBuf,
    /// Screen every payment as of this date (YYYY-MM-DD) instead of its own.
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,
    /// Also write a self-contained HTML report: outcomes as a chart, and
    /// the payments for review or blocked.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Screen against these list files (any format interdict reads, with
    /// the built-in data) instead of the active snapshot or bundled lists.
    #[arg(long, value_name = "FILE")]
    pub list: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = PolicyArg::Default)]
    pub policy: PolicyArg,
    /// Name scores at or above this block a designated entity.
    #[arg(long, default_value_t = 0.95, value_name = "T", value_parser = score, allow_negative_numbers = true)]
    pub block: f32,
    /// Name scores from this up to `--block` go to review.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_name = "T", value_parser = score, allow_negative_numbers = true)]
    pub review: f32,
    #[arg(long, value_enum, default_value_t = ScreenFormat::Jsonl)]
    pub format: ScreenFormat,
    /// Do not append the decisions to the audit log.
    #[arg(long)]
    pub no_audit: bool,
}

#[derive(Args)]
pub struct ScreenParty {
    /// A name of the party; repeat for aliases.
    #[arg(long, value_name = "NAME")]
    pub name: Vec<String>,
    /// An identifier, TYPE:VALUE (`lei:5493...`, `bic:BOFAUS3N`, `imo:9321483`); repeatable.
    #[arg(long = "id", value_name = "TYPE:VALUE")]
    pub identifiers: Vec<String>,
    /// `person`, `organization`, `vessel` or `aircraft`.
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub birth_date: Option<String>,
    /// ISO country code; repeatable.
    #[arg(long, value_name = "CC")]
    pub country: Vec<String>,
    /// Your own reference for the party, carried into the decision.
    #[arg(long, value_name = "REF")]
    pub reference: Option<String>,
    #[command(flatten)]
    pub date: AsOf,
    /// Jurisdictions the transaction touches (ISO codes, comma-separated).
    #[arg(long, value_name = "CC", default_value = "US", value_delimiter = ',')]
    pub jurisdiction: Vec<String>,
    #[arg(long, value_enum, default_value_t = PolicyArg::Default)]
    pub policy: PolicyArg,
    /// Screen against these list files (any format interdict reads, with
    /// the built-in data) instead of the active snapshot or bundled lists.
    #[arg(long, value_name = "FILE")]
    pub list: Vec<PathBuf>,
    /// Name scores at or above this block a designated entity.
    #[arg(long, default_value_t = 0.95, value_name = "T", value_parser = score, allow_negative_numbers = true)]
    pub block: f32,
    /// Name scores from this up to `--block` go to review.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_name = "T", value_parser = score, allow_negative_numbers = true)]
    pub review: f32,
    #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,
    /// Do not append the decision to the audit log.
    #[arg(long)]
    pub no_audit: bool,
}

#[derive(Args)]
pub struct ScreenNames {
    /// Text (one name a line), `.csv` with a header, or `.jsonl`; CSV and
    /// JSONL need `name` and may have `type`, `birth_date`, `country`. `-`
    /// reads text from standard input.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Screen against these list files (any format interdict reads, with
    /// the built-in data) instead of the active snapshot or bundled lists.
    #[arg(long, value_name = "FILE")]
    pub list: Vec<PathBuf>,
    /// Lowest score reported, 0 to 1.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_name = "T", value_parser = score, allow_negative_numbers = true)]
    pub threshold: f32,
    /// Most hits per input row, at least 1.
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = at_least_one)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t = ScreenFormat::Jsonl)]
    pub format: ScreenFormat,
}

/// The default name-score threshold: the lowest at which the quality
/// benchmark's false-positive rate stays at or below 5%.
pub const DEFAULT_THRESHOLD: f32 = 0.8;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Name matching: quality cases (bench/names) and latency.
    Names(BenchNames),
}

#[derive(Args)]
pub struct BenchNames {
    /// Cases as JSON lines: `{"id", "class", "query", "type", "expected"}`
    /// (bench/names/generate.py writes them).
    #[arg(long, value_name = "FILE")]
    pub cases: PathBuf,
    /// List files to screen against (with the built-in data).
    #[arg(long, value_name = "FILE", required = true)]
    pub list: Vec<PathBuf>,
    /// Per-case scores go here, as JSON lines.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Lowest score recorded per case.
    #[arg(long, default_value_t = 0.5, value_name = "T", value_parser = score, allow_negative_numbers = true)]
    pub floor: f32,
    /// The threshold the latency pass screens at.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_name = "T", value_parser = score, allow_negative_numbers = true)]
    pub threshold: f32,
    /// The latency pass's time and cost per case go here, as JSON lines
    /// `{"id", "micros", "reached", "scored"}`: what finds the slow queries.
    #[arg(long, value_name = "FILE")]
    pub timings: Option<PathBuf>,
    /// Times every case in this many latency passes, one after the other
    /// (each case between others, as in one pass), and counts each case's
    /// quickest: steadier figures on a noisy machine, to compare builds.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub passes: u32,
}

#[derive(Subcommand)]
pub enum ListsCommand {
    /// Read list files into a new snapshot and make it active. Atomic: on
    /// failure the store is left as it was.
    Import {
        /// List files (or an OFAC CSV directory).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// `auto` detects from the name and content; else one of ftm,
        /// ofac-sdn, ofac-cons, un, csl, csl-json, dpl, eu, uk, uk-sl,
        /// interdict.
        #[arg(long, default_value = "auto", value_name = "FORMAT")]
        format: String,
        /// Reject a file that has any bad record (default: load the good
        /// records and report the first 20 of each file with file and line;
        /// a file cut short, or an official list with no records, is
        /// refused either way).
        #[arg(long)]
        strict: bool,
    },
    /// Download the official lists (data/sources.toml, plus --sources),
    /// verify them, and import them as a new active snapshot. If any source
    /// fails, nothing is imported and the active snapshot stays.
    Update {
        /// More sources, in the same format as the built-in data/sources.toml.
        #[arg(long, value_name = "FILE")]
        sources: Option<PathBuf>,
        /// Update only these sources (comma-separated names); default: all.
        #[arg(long, value_name = "NAME", value_delimiter = ',')]
        only: Vec<String>,
        /// Read the files from this folder (by their file names) instead of downloading.
        #[arg(long, value_name = "DIR")]
        offline: Option<PathBuf>,
        /// Reject a source that has any bad record.
        #[arg(long)]
        strict: bool,
        /// Attempts per file.
        #[arg(long, default_value_t = 4, value_name = "N")]
        attempts: u32,
        /// Wait before the first retry, doubled for each one after.
        #[arg(long, default_value_t = 2000, value_name = "MS")]
        backoff_ms: u64,
        /// Timeout per request.
        #[arg(long, default_value_t = 120, value_name = "SECONDS")]
        timeout: u64,
    },
    /// The snapshots and their sources.
    Show {
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
    /// Entities added, removed and changed, field by field, from A to B.
    Diff {
        /// Snapshot id, unique prefix, or `active`.
        a: String,
        /// Snapshot id, unique prefix, or `active`.
        b: String,
        #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
        format: DiffFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Table,
    Jsonl,
}

#[derive(Subcommand)]
pub enum OrdersCommand {
    /// Every order and its status on the date.
    List {
        #[command(flatten)]
        date: AsOf,
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
    /// One order in full: dates, status and reason, identification,
    /// injunctions, scope, and whom it covers on the date.
    Show {
        /// Order id, e.g. EO13971.
        id: String,
        #[command(flatten)]
        date: AsOf,
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
    /// Why an entity is, or is not, covered by an order on the date.
    Explain {
        /// Order id, e.g. EO13971.
        id: String,
        /// Entity id (e.g. alibaba_group) or exact name.
        entity: String,
        #[command(flatten)]
        date: AsOf,
        #[arg(long, value_enum, default_value_t = ShowFormat::Table)]
        format: ShowFormat,
    },
}

#[derive(Subcommand)]
pub enum AppsCommand {
    /// Screen an app inventory (CSV with an `app_id` column) against the orders.
    Screen(AppsScreen),
}

#[derive(Args)]
pub struct AppsScreen {
    /// CSV with a header; column `app_id` is required (package name, bundle
    /// id, App Store id, store link or domain); `name` and `developer` are optional.
    pub file: PathBuf,
    #[command(flatten)]
    pub date: AsOf,
    /// Jurisdictions the transactions touch (ISO codes, comma-separated).
    #[arg(long, value_name = "CC", default_value = "US", value_delimiter = ',')]
    pub jurisdiction: Vec<String>,
    /// `default` sends in-force orders that still wait for an
    /// identification to review; `strict` blocks them.
    #[arg(long, value_enum, default_value_t = PolicyArg::Default)]
    pub policy: PolicyArg,
    #[arg(long, value_enum, default_value_t = ScreenFormat::Table)]
    pub format: ScreenFormat,
    /// Do not append the decisions to the audit log.
    #[arg(long)]
    pub no_audit: bool,
}

#[derive(Args)]
pub struct AsOf {
    /// The date to decide for, YYYY-MM-DD. Default: today (UTC).
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,
}

impl AsOf {
    pub fn resolve(&self) -> anyhow::Result<Date> {
        match &self.as_of {
            None => Ok(chrono::Utc::now().date_naive().into()),
            Some(s) => s.parse().with_context(|| "--as-of".to_string()),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AuditDurability {
    Commit,
    Checkpoint,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ScreenFormat {
    Table,
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PolicyArg {
    Default,
    Strict,
}

impl From<PolicyArg> for Policy {
    fn from(p: PolicyArg) -> Policy {
        match p {
            PolicyArg::Default => Policy::Default,
            PolicyArg::Strict => Policy::Strict,
        }
    }
}

pub fn parse_jurisdictions(raw: &[String]) -> anyhow::Result<Vec<Jurisdiction>> {
    raw.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.parse::<Jurisdiction>().with_context(|| "--jurisdiction".to_string()))
        .collect()
}

/// Builds the snapshot from the built-in data and `--orders` files.
pub fn load_snapshot(cli_orders: &[PathBuf]) -> anyhow::Result<Snapshot> {
    let dataset = interdict_lists::native::load_with_builtin(cli_orders)?;
    Ok(Snapshot::build(dataset)?)
}

/// Builds the snapshot screening uses: the built-in data, `--orders`
/// files, and the lists: the store's active snapshot when there is one,
/// else the bundled lists. Returns it with one line saying which lists.
pub fn load_screening_snapshot(cli: &Cli) -> anyhow::Result<(Snapshot, String)> {
    let (snapshot, notice, _) = load_screening_snapshot_at(cli, None)?;
    Ok((snapshot, notice))
}

/// [`load_screening_snapshot`], or with `store_snapshot` the store's
/// snapshot of that id rather than the active one (a replay rebuilds what a
/// decision used). Also returns the store snapshot used, if any.
pub fn load_screening_snapshot_at(
    cli: &Cli,
    store_snapshot: Option<&str>,
) -> anyhow::Result<(Snapshot, String, Option<String>)> {
    let mut dataset = interdict_lists::native::load_with_builtin(&cli.orders)?;
    let dir = cli.data_dir()?;
    let active = if dir.join(interdict_store::DB_FILE).is_file() {
        let store = interdict_store::Store::open(&dir)?;
        let info = match store_snapshot {
            Some(id) => Some(
                store
                    .snapshot(id)?
                    .with_context(|| format!("snapshot {id} is no longer in the store at {}", dir.display()))?,
            ),
            None => store.active()?,
        };
        match info {
            Some(info) => Some((store.load(&info.id)?, info)),
            None => None,
        }
    } else {
        anyhow::ensure!(
            store_snapshot.is_none(),
            "snapshot {} is not in the store at {} (there is no store)",
            store_snapshot.unwrap_or_default(),
            dir.display()
        );
        None
    };
    let (notice, used) = match active {
        Some((lists, info)) => {
            dataset.extend(lists);
            (
                format!(
                    "lists: snapshot {} (imported {}) from {}",
                    info.id,
                    info.created,
                    dir.display()
                ),
                Some(info.id),
            )
        }
        None => {
            dataset.extend(interdict_lists::bundled::load()?);
            (interdict_lists::bundled::age_notice(), None)
        }
    };
    Ok((Snapshot::build(dataset)?, notice, used))
}

/// Builds a snapshot from the built-in data, `--orders` files and the
/// given list files (formats detected), for screening against them
/// directly. Returns it with one line saying which lists.
pub fn load_list_snapshot(cli: &Cli, lists: &[PathBuf]) -> anyhow::Result<(Snapshot, String)> {
    let mut dataset = interdict_lists::native::load_with_builtin(&cli.orders)?;
    let (lists_data, _) = commands::lists::read_all(lists, None, interdict_lists::Strictness::Lenient, &dataset)?;
    dataset.extend(lists_data);
    let names: Vec<String> = lists.iter().map(|p| p.display().to_string()).collect();
    Ok((Snapshot::build(dataset)?, format!("lists: {}", names.join(", "))))
}

/// Outcome of a command that ran: success, or some input rows rejected.
pub enum Finished {
    Ok,
    WithRejectedInput,
}

impl Finished {
    /// How a run that rejected `rejected` input rows ended.
    pub fn after(rejected: usize) -> Finished {
        if rejected > 0 {
            Finished::WithRejectedInput
        } else {
            Finished::Ok
        }
    }
}

/// A flag given a value the command cannot use (`--review` above
/// `--block`): bad usage, exit 2, like the values clap itself refuses.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// [`UsageError`] as the commands return it.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: clap's message and its hint of valid values.
            let text = e.render().to_string();
            let line: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("For more information") && !l.starts_with("Usage:"))
                .collect();
            eprintln!("{}", line.join(" "));
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        Command::Orders(cmd) => commands::orders::run(&cli, cmd),
        Command::Apps(AppsCommand::Screen(args)) => commands::apps::screen(&cli, args),
        Command::Lists(cmd) => commands::lists::run(&cli, cmd),
        Command::Screen(ScreenCommand::Names(args)) => commands::screen::names(&cli, args),
        Command::Screen(ScreenCommand::Party(args)) => commands::party::screen(&cli, args),
        Command::Screen(ScreenCommand::Payments(args)) => commands::payments::screen(&cli, args),
        Command::Audit(AuditCommand::Verify) => commands::audit::verify(&cli),
        Command::Allowlist(AllowlistCommand::Add(args)) => commands::audit::allowlist_add(&cli, args),
        Command::Allowlist(AllowlistCommand::List { format }) => commands::audit::allowlist_list(&cli, *format),
        Command::Explain(args) => commands::audit::explain(&cli, args),
        Command::Replay(args) => commands::audit::replay(&cli, args),
        Command::Bench(BenchCommand::Names(args)) => commands::bench::names(&cli, args),
        Command::Serve(args) => commands::serve::run(&cli, args),
    };
    match result {
        Ok(Finished::Ok) => ExitCode::SUCCESS,
        Ok(Finished::WithRejectedInput) => ExitCode::from(1),
        Err(e) => {
            if crate::output::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            // Errors from the readers already carry file:line:column; each
            // of several goes on its own line.
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            for line in chain.join(": ").lines() {
                eprintln!("error: {line}");
            }
            if e.chain().any(|c| c.is::<UsageError>()) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
