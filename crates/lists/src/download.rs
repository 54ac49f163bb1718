//! Downloads of the official list files, for `interdict lists update`.
//!
//! Which files to fetch is data (data/sources.toml, built in, plus the
//! user's own file in the same format). Each file is fetched with retries
//! and exponential backoff, written to a temporary name and renamed into
//! place only when complete, so a failed download never leaves a truncated
//! file where a good one was. A pinned `sha256` is verified.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::formats::Format;

/// The built-in list of official sources.
pub const DEFAULT_SOURCES: &str = include_str!("../../../data/sources.toml");

/// The value of `format` in a sources file.
pub const SOURCES_FORMAT: &str = "interdict-sources/1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    format: String,
    // Each a table: serde would also read one from an array of its fields.
    #[serde(default, rename = "source", deserialize_with = "interdict_model::object::each")]
    sources: Vec<SourceSpec>,
}

/// One list to download: a name, its format, and its files.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    pub name: String,
    #[serde(deserialize_with = "format_name")]
    pub format: Format,
    #[serde(deserialize_with = "interdict_model::object::each")]
    pub files: Vec<FileSpec>,
}

/// One file of a source.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    /// The file name it is stored under (and looked up by with `--offline`).
    pub name: String,
    pub url: String,
    /// `sha256:<hex>` or `<hex>`: when set, the download must match.
    #[serde(default)]
    pub sha256: Option<String>,
}

fn format_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Format, D::Error> {
    let s = String::deserialize(d)?;
    s.parse().map_err(serde::de::Error::custom)
}

impl SourceSpec {
    /// What to hand the reader once the files are in `dir`: the directory
    /// for the OFAC CSV sets, the single file otherwise.
    pub fn read_path(&self, dir: &Path) -> PathBuf {
        match self.format {
            Format::OfacSdn | Format::OfacConsolidated => dir.to_path_buf(),
            _ => self.files.first().map_or(dir.to_path_buf(), |f| dir.join(&f.name)),
        }
    }
}

/// Parses a sources file; `name` names it in errors.
pub fn parse_sources(name: &Path, text: &str) -> Result<Vec<SourceSpec>, Error> {
    let file: SourcesFile = toml::from_str(text).map_err(|e| {
        let mut err = Error::new(ErrorKind::Syntax(e.message().trim().to_string())).at(name);
        if let Some(span) = e.span() {
            let line = text[..span.start.min(text.len())].matches('\n').count() as u64 + 1;
            err = err.line(line);
        }
        err
    })?;
    if file.format != SOURCES_FORMAT {
        return Err(Error::new(ErrorKind::Invalid(format!(
            "unsupported format `{}`: this version reads `{SOURCES_FORMAT}`",
            file.format
        )))
        .at(name)
        .field("format"));
    }
    for s in &file.sources {
        if s.files.is_empty() {
            return Err(
                Error::new(ErrorKind::Invalid(format!("source `{}` has no files", s.name)))
                    .at(name)
                    .field("files"),
            );
        }
        for f in &s.files {
            if f.name.is_empty() || f.name.contains(['/', '\\']) || f.name.starts_with('.') {
                return Err(
                    Error::new(ErrorKind::Invalid(format!("`{}` is not a plain file name", f.name)))
                        .at(name)
                        .field("name"),
                );
            }
        }
    }
    Ok(file.sources)
}

/// The built-in sources, then the user's: a user source with the same name
/// replaces the built-in one.
pub fn merge(builtin: Vec<SourceSpec>, user: Vec<SourceSpec>) -> Vec<SourceSpec> {
    let mut out: Vec<SourceSpec> = builtin
        .into_iter()
        .filter(|b| !user.iter().any(|u| u.name == b.name))
        .collect();
    out.extend(user);
    out
}

/// How hard to try.
#[derive(Clone, Debug)]
pub struct Retry {
    /// Attempts per file, at least 1.
    pub attempts: u32,
    /// Wait before the second attempt; doubled for each one after.
    pub backoff: Duration,
    /// Per request.
    pub timeout: Duration,
    /// Largest file accepted.
    pub max_bytes: u64,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            attempts: 4,
            backoff: Duration::from_secs(2),
            timeout: Duration::from_secs(120),
            max_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// Downloads every file of `source` into `dir`. `progress` hears about
/// each attempt. On error, files already in `dir` from an earlier run are
/// untouched.
pub fn fetch(source: &SourceSpec, dir: &Path, retry: &Retry, progress: &mut dyn FnMut(&str)) -> Result<(), Error> {
    fs::create_dir_all(dir).map_err(|e| Error::new(ErrorKind::Io(e)).at(dir))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(retry.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    for file in &source.files {
        let bytes = fetch_one(&agent, file, retry, progress)?;
        if let Some(want) = &file.sha256 {
            let got = crate::sha256_hex(&bytes);
            if want.trim_start_matches("sha256:") != got {
                return Err(Error::new(ErrorKind::Invalid(format!(
                    "download of {} does not match its pinned sha256 (got {got})",
                    file.url
                )))
                .field("sha256"));
            }
        }
        let dest = dir.join(&file.name);
        let tmp = dir.join(format!(".{}.part", file.name));
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, &dest)
        };
        write().map_err(|e| Error::new(ErrorKind::Io(e)).at(&dest))?;
    }
    Ok(())
}

fn fetch_one(
    agent: &ureq::Agent,
    file: &FileSpec,
    retry: &Retry,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<u8>, Error> {
    let attempts = retry.attempts.max(1);
    let mut wait = retry.backoff;
    let mut last = String::new();
    for attempt in 1..=attempts {
        progress(&format!("fetching {} (attempt {attempt} of {attempts})", file.url));
        match agent.get(&file.url).call() {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                if (200..300).contains(&status) {
                    let mut body = Vec::new();
                    let read = resp
                        .body_mut()
                        .as_reader()
                        .take(retry.max_bytes + 1)
                        .read_to_end(&mut body);
                    match read {
                        Ok(_) if body.len() as u64 > retry.max_bytes => {
                            return Err(
                                Error::new(ErrorKind::TooLarge { limit: retry.max_bytes }).field(file.url.clone())
                            )
                        }
                        Ok(_) if body.is_empty() => last = "empty response".into(),
                        Ok(_) => return Ok(body),
                        Err(e) => last = format!("reading the response: {e}"),
                    }
                } else if (400..500).contains(&status) && status != 408 && status != 429 {
                    // The server says the request itself is wrong: retrying will not help.
                    return Err(Error::new(ErrorKind::Invalid(format!(
                        "{} answered HTTP {status}",
                        file.url
                    ))));
                } else {
                    last = format!("HTTP {status}");
                }
            }
            Err(e) => last = e.to_string(),
        }
        if attempt < attempts {
            progress(&format!("  failed: {last}; retrying in {wait:?}"));
            thread::sleep(wait);
            wait = wait.saturating_mul(2);
        }
    }
    Err(Error::new(ErrorKind::Invalid(format!(
        "{} failed after {attempts} attempt(s): {last}",
        file.url
    ))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_sources_parse() {
        let s = parse_sources(Path::new("sources.toml"), DEFAULT_SOURCES).unwrap();
        let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["ofac-sdn", "ofac-consolidated", "un-sc"]);
        assert_eq!(s[0].files.len(), 4);
        assert_eq!(s[2].format, Format::Un);
    }

    #[test]
    fn a_user_source_replaces_a_built_in_one_of_the_same_name() {
        let builtin = parse_sources(Path::new("a"), DEFAULT_SOURCES).unwrap();
        let user = parse_sources(
            Path::new("b"),
            "format = \"interdict-sources/1\"\n[[source]]\nname = \"un-sc\"\nformat = \"un\"\nfiles = [{ name = \"un.xml\", url = \"http://127.0.0.1/un.xml\" }]\n",
        )
        .unwrap();
        let merged = merge(builtin, user);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[2].files[0].url, "http://127.0.0.1/un.xml");
    }

    #[test]
    fn bad_sources_files_name_the_line_and_field() {
        let err = parse_sources(
            Path::new("s.toml"),
            "format = \"interdict-sources/1\"\n[[source]]\nname = \"x\"\nformat = \"pdf\"\nfiles = []\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.toml:4: unknown format `pdf`: expected one of ftm, ofac-sdn, ofac-cons, un, csl, csl-json, dpl, eu, uk, uk-sl, interdict"
        );
        let err = parse_sources(Path::new("s.toml"), "format = \"interdict-sources/1\"\n[[source]]\nname = \"x\"\nformat = \"un\"\nfiles = [{ name = \"../x\", url = \"u\" }]\n").unwrap_err();
        assert_eq!(err.to_string(), "s.toml: field `name`: `../x` is not a plain file name");
        let err = parse_sources(
            Path::new("s.toml"),
            "format = \"interdict-sources/1\"\n[[source]]\nname = \"x\"\nformat = \"un\"\nfiles = [[\"un.xml\", \"https://example.org/un.xml\"]]\n",
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("s.toml:5: invalid type: sequence, expected an object"),
            "{err}"
        );
    }
}
