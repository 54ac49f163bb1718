//! Reading the list files of one snapshot: each file in its format, with
//! its hash and date, and the rules that hold across files (no orders among
//! lists, entity ids unique across files). The command line's `lists
//! import` and the server's `POST /v1/lists/import` both read through here.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use interdict_model::Dataset;

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
    /// When the file (for a folder, its newest file) was last modified.
    pub modified: Option<SystemTime>,
}

/// Reads `files` (each in `format`, or its detected format) into one
/// dataset. Fails on the first file that cannot be read, on an order among
/// list files, and on an entity id that two files share.
pub fn read_files(
    files: &[PathBuf],
    format: Option<Format>,
    mode: Strictness,
) -> Result<(Dataset, Vec<ReadFile>), Error> {
    let mut dataset = Dataset::default();
    let mut read = Vec::new();
    let mut owner: HashMap<String, PathBuf> = HashMap::new();
    for path in files {
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
        for e in &report.dataset.entities {
            if let Some(first) = owner.insert(e.id.clone(), path.clone()) {
                return Err(Error::new(ErrorKind::Invalid(format!(
                    "entity `{}` is also in {}; ids must be unique across the files of one snapshot",
                    e.id,
                    first.display()
                )))
                .at(path));
            }
        }
        read.push(ReadFile {
            path: path.clone(),
            format,
            sha256: hash_path(path)?,
            records: report.records,
            rejected: report.rejected,
            modified: modified(path),
        });
        dataset.extend(report.dataset);
    }
    Ok((dataset, read))
}

/// A file's hash, or for a folder the hash of its files' names and hashes
/// in name order.
fn hash_path(path: &Path) -> Result<String, Error> {
    let io = |e| Error::new(ErrorKind::Io(e)).at(path);
    if path.is_dir() {
        let mut entries: Vec<_> = fs::read_dir(path).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
        entries.sort_by_key(|e| e.file_name());
        let mut all = Vec::new();
        for e in entries.iter().filter(|e| e.path().is_file()) {
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
