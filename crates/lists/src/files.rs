//! Reading the list files of one snapshot: each file in its format, with
//! its hash and date, and the rules that hold across files (no orders among
//! lists, entity ids unique across files). The command line's `lists
//! import` and the server's `POST /v1/lists/import` both read through here.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use interdict_model::{Dataset, ItemRef};

use crate::error::{Error, ErrorKind};
use crate::formats::{self, Format};
use crate::report::Strictness;

/// One file as read.
#[derive(Debug)]
pub struct ReadFile {
    pub path: PathBuf,
    pub format: Format,
    /// `sha256:` of the file's bytes; for a folder, of its files' names
    /// and hashes in name order.
    pub sha256: String,
    /// Records read, good and bad.
    pub records: u64,
    /// Each bad record skipped (lenient mode), with its location.
    pub rejected: Vec<Error>,
    /// What was read but not all kept (see [`crate::Report::warnings`]).
    pub warnings: Vec<Error>,
    /// When the file (for a folder, its newest file) was last modified.
    pub modified: Option<SystemTime>,
}

impl ReadFile {
    /// The path a snapshot records for the file: absolute, so that it
    /// names the file whatever directory it is read from later (a path
    /// relative to where the import ran named nothing after it).
    pub fn recorded_path(&self) -> String {
        std::path::absolute(&self.path)
            .unwrap_or_else(|_| self.path.clone())
            .display()
            .to_string()
    }
}

/// Reads `files` (each in `format`, or its detected format) into one
/// dataset. Fails on the first file that cannot be read, on an order among
/// list files, on an entity id that two files share, and on records that
/// do not hold together (see [`read_files_beside`]).
pub fn read_files(
    files: &[PathBuf],
    format: Option<Format>,
    mode: Strictness,
) -> Result<(Dataset, Vec<ReadFile>), Error> {
    read_files_beside(files, format, mode, &Dataset::default())
}

/// As [`read_files`], for lists to be screened beside `base` (the built-in
/// data and order files): the lists and `base` are checked together as the
/// snapshot built from them will be, so that a snapshot that could never
/// be loaded (an entity or source id that `base` has too, a reference that
/// resolves nowhere) is refused when it is read, at its file and record,
/// and never stored.
///
/// A source that several files describe under one id (the OFAC SDN list
/// in its own files and in the Consolidated Screening List, or two
/// vintages of one list) is one source: it is kept once, as the first file
/// describes it, with a link or citation only a later one gives.
pub fn read_files_beside(
    files: &[PathBuf],
    format: Option<Format>,
    mode: Strictness,
    base: &Dataset,
) -> Result<(Dataset, Vec<ReadFile>), Error> {
    let mut lists = ListFiles::default();
    for path in files {
        lists.read(path, format, mode)?;
    }
    lists.finish(base)
}

/// The first record that does not parse (JSON that ends early, a row
/// short of columns) and is the last line of a file ending without a line
/// break: the file was cut inside it. A record that parses but breaks a
/// rule (a duplicate id, a bad date) is skipped as ever, wherever it is.
/// Files are checked only when such a record was bad and the file does not
/// end in a line break (OFAC's files end with a DOS end-of-file mark after
/// it); lines are then counted.
fn cut_short(rejected: &[Error]) -> Option<Error> {
    let mut last_bad: Vec<(&Path, u64, &str)> = Vec::new();
    for e in rejected {
        let (Some(path), Some(line), ErrorKind::Syntax(message)) = (e.path(), e.line_number(), e.kind()) else {
            continue;
        };
        let e = message.as_str();
        match last_bad.iter_mut().find(|(p, _, _)| *p == path) {
            Some(seen) if seen.1 < line => *seen = (path, line, e),
            Some(_) => {}
            None => last_bad.push((path, line, e)),
        }
    }
    for (path, line, e) in last_bad {
        if !ends_without_line_break(path).unwrap_or(false) {
            continue;
        }
        if lines_in(path).ok() == Some(line) {
            return Some(
                Error::new(ErrorKind::Invalid(format!(
                    "the file ends inside this record, without a line break: it looks cut short (an \
                     interrupted download?), so none of it is imported ({e})"
                )))
                .at(path)
                .line(line),
            );
        }
    }
    None
}

/// Whether the file's last byte (before a DOS end-of-file mark) is not a
/// line break; read from the end, not the whole file.
fn ends_without_line_break(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = fs::File::open(path)?;
    let len = file.metadata()?.len();
    let take = len.min(2);
    file.seek(SeekFrom::Start(len - take))?;
    let mut tail = Vec::with_capacity(2);
    file.read_to_end(&mut tail)?;
    let tail = tail.strip_suffix(b"\x1a").unwrap_or(&tail);
    Ok(!tail.is_empty() && !tail.ends_with(b"\n"))
}

/// The number of lines of a file that does not end in a line break.
fn lines_in(path: &Path) -> std::io::Result<u64> {
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut breaks = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(breaks + 1);
        }
        breaks += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
    }
}

/// The list files of one snapshot, read one at a time (each in a format of
/// its own), then checked together by [`ListFiles::finish`].
#[derive(Default)]
pub struct ListFiles {
    dataset: Dataset,
    read: Vec<ReadFile>,
    /// The file each entity id was read from.
    owner: HashMap<String, usize>,
    /// Where each source id is in `dataset.sources`.
    source_at: HashMap<String, usize>,
    /// Where each file's records start in the dataset, per kind: to name
    /// the file of a record that breaks a rule.
    starts: Vec<Counts>,
}

impl ListFiles {
    /// Reads one file, in `format` or its detected format. A file that
    /// fails adds nothing.
    pub fn read(&mut self, path: &Path, format: Option<Format>, mode: Strictness) -> Result<(), Error> {
        // A FIFO or device would block the read, or never end: only
        // regular files and folders are lists.
        let meta = fs::metadata(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
        if !meta.is_file() && !meta.is_dir() {
            return Err(Error::new(ErrorKind::Invalid(
                "not a regular file or a folder; give the path of a list file".to_string(),
            ))
            .at(path));
        }
        let format = match format {
            Some(f) => f,
            None => formats::detect(path)?,
        };
        let report = formats::read(path, format, mode)?;
        // A file cut short (an interrupted download) ends inside a record,
        // which lenient mode would skip like any bad one: the rest of the
        // list, perhaps most of it, would silently be gone.
        if let Some(cut) = cut_short(&report.rejected) {
            return Err(cut);
        }
        let nothing = report.dataset.entities.is_empty()
            && report.dataset.relations.is_empty()
            && report.dataset.designations.is_empty();
        if nothing && report.rejected.is_empty() && format != Format::Native {
            // An empty official list is a failed download or the wrong
            // file, never a list. (An empty deny list beside others is
            // harmless; a snapshot of nothing at all is refused below.)
            return Err(Error::new(ErrorKind::Invalid(
                "it holds no records: an empty list is not imported, as it would replace the lists screened \
                 against with nothing"
                    .to_string(),
            ))
            .at(path));
        }
        if report.dataset.entities.is_empty() && !report.rejected.is_empty() {
            // Not a list with some bad records but no list at all: importing
            // it would replace the live lists with nothing.
            return Err(Error::new(ErrorKind::Invalid(format!(
                "none of its {} records could be read (first: {}); is it the right file and format?",
                report.records, report.rejected[0]
            )))
            .at(path));
        }
        if let Some(o) = report.dataset.orders.first() {
            return Err(Error::new(ErrorKind::Invalid(format!(
                "order `{}`: orders are not list data; load order files with --orders instead",
                o.id
            )))
            .at(path));
        }
        if let Some((e, &first)) = report
            .dataset
            .entities
            .iter()
            .find_map(|e| Some((e, self.owner.get(&e.id)?)))
        {
            return Err(Error::new(ErrorKind::Invalid(format!(
                "entity `{}` is also in {}; ids must be unique across the files of one snapshot",
                e.id,
                self.read[first].path.display()
            )))
            .at(path));
        }
        let file = self.read.len();
        self.read.push(ReadFile {
            path: path.to_path_buf(),
            format,
            sha256: hash_path(path, format)?,
            records: report.records,
            rejected: report.rejected,
            warnings: report.warnings,
            modified: modified(path),
        });
        let mut lists = report.dataset;
        self.owner.extend(lists.entities.iter().map(|e| (e.id.clone(), file)));
        let kept = &mut self.dataset.sources;
        // Official lists name their sources themselves (the SDN list in
        // OFAC's files and in the CSL); in interdict's own format a source
        // is written by hand, and two files giving one id may mean two
        // sources: that stays an error.
        let shared = format != Format::Native;
        lists
            .sources
            .retain(|source| match self.source_at.get(&source.id).filter(|_| shared) {
                Some(&at) => {
                    let kept = &mut kept[at];
                    if kept.url.is_none() {
                        kept.url.clone_from(&source.url);
                    }
                    if kept.citation.is_none() {
                        kept.citation.clone_from(&source.citation);
                    }
                    false
                }
                None => true,
            });
        // Only now: two sources of one id in one file are that file's
        // problem, reported by the check.
        for (i, source) in lists.sources.iter().enumerate() {
            self.source_at.entry(source.id.clone()).or_insert(kept.len() + i);
        }
        self.starts.push(Counts::of(&self.dataset));
        self.dataset.extend(lists);
        Ok(())
    }

    /// Checks the lists read beside `base` and gives them back, with the
    /// files read.
    pub fn finish(self, base: &Dataset) -> Result<(Dataset, Vec<ReadFile>), Error> {
        if self.dataset.entities.is_empty() && self.dataset.relations.is_empty() && self.dataset.designations.is_empty()
        {
            // Imported, it would replace the lists screened against with
            // nothing.
            let mut err = Error::new(ErrorKind::Invalid(
                "the files hold no records: an empty snapshot is not imported, as it would replace the lists \
                 screened against with nothing"
                    .to_string(),
            ));
            if let [one] = self.read.as_slice() {
                err = err.at(&one.path);
            }
            return Err(err);
        }
        check_beside(base, self.dataset, &self.read, &self.starts).map(|dataset| (dataset, self.read))
    }
}

/// How many records of each kind a dataset holds: sources, entities,
/// relations and designations.
#[derive(Clone, Copy, Default)]
struct Counts([usize; 4]);

impl Counts {
    fn of(d: &Dataset) -> Counts {
        Counts([
            d.sources.len(),
            d.entities.len(),
            d.relations.len(),
            d.designations.len(),
        ])
    }
}

/// Checks `lists` beside `base` as one dataset, as a snapshot is built, and
/// gives `lists` back. The records of `base` come first, so a rule two
/// records break (a shared id) is reported at the list's.
fn check_beside(base: &Dataset, lists: Dataset, read: &[ReadFile], starts: &[Counts]) -> Result<Dataset, Error> {
    let before = Counts::of(base);
    let mut all = base.clone();
    all.extend(lists);
    let issues = all.validate();
    let errors: Vec<Error> = issues
        .iter()
        .take(20)
        .map(|issue| {
            // The record, its kind and place among all records, and whether
            // `base` has its id too.
            let (what, place, in_base) = match issue.item {
                ItemRef::Source(i) => {
                    let id = &all.sources[i].id;
                    let in_base = base.sources.iter().any(|s| &s.id == id);
                    (format!("source `{id}`"), Some((0, i)), in_base)
                }
                ItemRef::Entity(i) => {
                    let id = &all.entities[i].id;
                    let in_base = base.entities.iter().any(|e| &e.id == id);
                    (format!("entity `{id}`"), Some((1, i)), in_base)
                }
                ItemRef::Relation(i) => {
                    let r = &all.relations[i];
                    (
                        format!("relation `{} {} {}`", r.from, r.kind, r.to),
                        Some((2, i)),
                        false,
                    )
                }
                ItemRef::Designation(i) => (
                    format!("designation of `{}`", all.designations[i].entity_id),
                    Some((3, i)),
                    false,
                ),
                ItemRef::Order(i) => (format!("order `{}`", all.orders[i].id), None, false),
            };
            let message = if in_base && issue.field == "id" {
                "the built-in data or an order file has this id too; give the list's record an id of its own"
                    .to_string()
            } else {
                issue.message.clone()
            };
            let err = Error::new(ErrorKind::Invalid(format!("{what}: {message}"))).field(issue.field.clone());
            // The last file whose records of that kind start at or before
            // the record's place among the lists'.
            let file = place.and_then(|(kind, i)| {
                let at = i.checked_sub(before.0[kind])?;
                starts.iter().rposition(|s| s.0[kind] <= at)
            });
            match file {
                Some(file) => err.at(&read[file].path),
                None => err,
            }
        })
        .collect();
    if errors.is_empty() {
        let mut lists = all;
        lists.sources.drain(..before.0[0]);
        lists.orders.drain(..base.orders.len());
        lists.entities.drain(..before.0[1]);
        lists.relations.drain(..before.0[2]);
        lists.designations.drain(..before.0[3]);
        return Ok(lists);
    }
    Err(if errors.len() == 1 {
        errors.into_iter().next().expect("one error")
    } else {
        Error::new(ErrorKind::Multiple(errors))
    })
}

/// A file's hash, or for a folder the hash of its files' names and hashes
/// in name order.
fn hash_path(path: &Path, format: Format) -> Result<String, Error> {
    let io = |e| Error::new(ErrorKind::Io(e)).at(path);
    if path.is_dir() {
        // Only the files the format reads: a folder holding other lists
        // too (the UN's XML beside OFAC's CSVs) gave every list in it the
        // same hash, and an unrelated file changed it.
        let read: Option<[&str; 4]> = match format {
            Format::OfacSdn => Some(crate::ofac::OfacList::Sdn.file_names()),
            Format::OfacConsolidated => Some(crate::ofac::OfacList::Consolidated.file_names()),
            _ => None,
        };
        let mut entries: Vec<_> = fs::read_dir(path).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
        entries.sort_by_key(|e| e.file_name());
        let mut all = Vec::new();
        for e in entries
            .iter()
            .filter(|e| e.path().is_file())
            .filter(|e| read.is_none_or(|names| names.iter().any(|n| e.file_name() == std::ffi::OsStr::new(n))))
        {
            all.extend_from_slice(e.file_name().to_string_lossy().as_bytes());
            let bytes = fs::read(e.path()).map_err(|err| Error::new(ErrorKind::Io(err)).at(&e.path()))?;
            all.extend_from_slice(format!("sha256:{}", crate::sha256_hex(&bytes)).as_bytes());
        }
        Ok(format!("sha256:{}", crate::sha256_hex(&all)))
    } else {
        Ok(format!("sha256:{}", crate::sha256_hex(&fs::read(path).map_err(io)?)))
    }
}

/// When `path` (for a folder, its newest file) was last modified.
fn modified(path: &Path) -> Option<SystemTime> {
    if path.is_dir() {
        fs::read_dir(path)
            .ok()?
            .filter_map(|e| e.ok()?.metadata().ok()?.modified().ok())
            .max()
    } else {
        fs::metadata(path).ok()?.modified().ok()
    }
}
