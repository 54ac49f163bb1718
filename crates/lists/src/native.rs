//! interdict's own data format, `interdict/1`: orders, entities, relations
//! and their sources, in TOML. The format is documented in
//! docs/data-format.md.
//!
//! Files are parsed one by one and validated together, because references
//! cross files (the built-in orders name entities in another file, and a
//! user's order may name a built-in app). Every validation error is mapped
//! back to the file and line of the record at fault.

use std::fs;
use std::path::{Path, PathBuf};

use interdict_model::object::Object;
use interdict_model::{Dataset, Designation, Entity, ItemRef, Order, Relation, Source};
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, ErrorKind};

/// The value of `format` that this reader understands.
pub const FORMAT: &str = "interdict/1";

/// Order and entity files are small; anything bigger is a mistake.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    format: Spanned<String>,
    #[serde(default, deserialize_with = "spanned_records")]
    sources: Vec<Spanned<Source>>,
    #[serde(default, deserialize_with = "spanned_records")]
    orders: Vec<Spanned<Order>>,
    #[serde(default, deserialize_with = "spanned_records")]
    entities: Vec<Spanned<Entity>>,
    #[serde(default, deserialize_with = "spanned_records")]
    relations: Vec<Spanned<Relation>>,
    #[serde(default, deserialize_with = "spanned_records")]
    designations: Vec<Spanned<Designation>>,
}

/// A list of records, each a table: serde would also read a record from
/// an array of its field values (`entities = [["acme", "organization",
/// "ACME"]]`), which the format does not allow.
fn spanned_records<'de, D, T>(d: D) -> Result<Vec<Spanned<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let records = Vec::<Spanned<Object<T>>>::deserialize(d)?;
    Ok(records
        .into_iter()
        .map(|r| {
            let span = r.span();
            Spanned::new(span, r.into_inner().0)
        })
        .collect())
}

/// Where a record was read from; JSON gives no line per record.
#[derive(Clone, Debug)]
struct Origin {
    path: PathBuf,
    line: Option<u64>,
}

/// The JSON form of a document: the same fields, without positions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDocument {
    format: String,
    #[serde(default, deserialize_with = "interdict_model::object::each")]
    sources: Vec<Source>,
    #[serde(default, deserialize_with = "interdict_model::object::each")]
    orders: Vec<Order>,
    #[serde(default, deserialize_with = "interdict_model::object::each")]
    entities: Vec<Entity>,
    #[serde(default, deserialize_with = "interdict_model::object::each")]
    relations: Vec<Relation>,
    #[serde(default, deserialize_with = "interdict_model::object::each")]
    designations: Vec<Designation>,
}

/// Reads `interdict/1` files into one validated [`Dataset`].
#[derive(Default)]
pub struct Loader {
    dataset: Dataset,
    sources: Vec<Origin>,
    orders: Vec<Origin>,
    entities: Vec<Origin>,
    relations: Vec<Origin>,
    designations: Vec<Origin>,
}

impl Loader {
    pub fn new() -> Loader {
        Loader::default()
    }

    /// A loader that already holds the built-in data.
    pub fn with_builtin() -> Result<Loader, Error> {
        let mut loader = Loader::new();
        for (name, text) in crate::builtin::FILES {
            loader.add_str(Path::new(name), text)?;
        }
        Ok(loader)
    }

    /// Reads one file.
    pub fn add_file(&mut self, path: &Path) -> Result<(), Error> {
        let meta = fs::metadata(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(Error::new(ErrorKind::TooLarge { limit: MAX_FILE_BYTES }).at(path));
        }
        let bytes = fs::read(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            Error::new(ErrorKind::Encoding).at(path).line(line)
        })?;
        self.add_str(path, &text)
    }

    /// Reads one document from text; `path` names it in errors.
    pub fn add_str(&mut self, path: &Path, text: &str) -> Result<(), Error> {
        if text.trim().is_empty() {
            return Err(Error::new(ErrorKind::Empty).at(path));
        }
        let doc: Document = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        if doc.format.get_ref() != FORMAT {
            let (line, column) = line_col(text, doc.format.span().start);
            return Err(Error::new(ErrorKind::Invalid(format!(
                "unsupported format `{}`: this version reads `{FORMAT}`",
                doc.format.get_ref()
            )))
            .at(path)
            .line(line)
            .column(column)
            .field("format"));
        }
        let origin = |span: std::ops::Range<usize>| Origin {
            path: path.to_path_buf(),
            line: Some(line_col(text, span.start).0),
        };
        for s in doc.sources {
            self.sources.push(origin(s.span()));
            self.dataset.sources.push(s.into_inner());
        }
        for o in doc.orders {
            self.orders.push(origin(o.span()));
            self.dataset.orders.push(o.into_inner());
        }
        for e in doc.entities {
            self.entities.push(origin(e.span()));
            self.dataset.entities.push(e.into_inner());
        }
        for r in doc.relations {
            self.relations.push(origin(r.span()));
            self.dataset.relations.push(r.into_inner());
        }
        for d in doc.designations {
            self.designations.push(origin(d.span()));
            self.dataset.designations.push(d.into_inner());
        }
        Ok(())
    }

    /// Reads one document in the JSON form of the format (the same fields
    /// as the TOML). Errors name the line and column JSON gives, and the
    /// record by its id.
    pub fn add_json(&mut self, path: &Path, text: &str) -> Result<(), Error> {
        if text.trim().is_empty() {
            return Err(Error::new(ErrorKind::Empty).at(path));
        }
        let doc: JsonDocument = serde_json::from_str(text).map_err(|e| {
            Error::new(ErrorKind::Syntax(
                e.to_string().split(" at line ").next().unwrap_or("").to_string(),
            ))
            .at(path)
            .line(e.line() as u64)
            .column(e.column() as u64)
        })?;
        if doc.format != FORMAT {
            return Err(Error::new(ErrorKind::Invalid(format!(
                "unsupported format `{}`: this version reads `{FORMAT}`",
                doc.format
            )))
            .at(path)
            .field("format"));
        }
        let origin = || Origin {
            path: path.to_path_buf(),
            line: None,
        };
        self.sources.extend(doc.sources.iter().map(|_| origin()));
        self.orders.extend(doc.orders.iter().map(|_| origin()));
        self.entities.extend(doc.entities.iter().map(|_| origin()));
        self.relations.extend(doc.relations.iter().map(|_| origin()));
        self.designations.extend(doc.designations.iter().map(|_| origin()));
        self.dataset.extend(Dataset {
            sources: doc.sources,
            orders: doc.orders,
            entities: doc.entities,
            relations: doc.relations,
            designations: doc.designations,
        });
        Ok(())
    }

    /// Checks the records together and returns the Dataset, or every
    /// problem found, each with its file and line.
    pub fn finish(self) -> Result<Dataset, Error> {
        let issues = self.dataset.validate_sourced();
        if issues.is_empty() {
            return Ok(self.dataset);
        }
        let errors: Vec<Error> = issues
            .into_iter()
            .map(|issue| {
                let (origin, what) = match issue.item {
                    ItemRef::Source(i) => (
                        Some(&self.sources[i]),
                        format!("source `{}`", self.dataset.sources[i].id),
                    ),
                    ItemRef::Order(i) => (Some(&self.orders[i]), format!("order `{}`", self.dataset.orders[i].id)),
                    ItemRef::Entity(i) => (
                        Some(&self.entities[i]),
                        format!("entity `{}`", self.dataset.entities[i].id),
                    ),
                    ItemRef::Relation(i) => {
                        let r = &self.dataset.relations[i];
                        (
                            Some(&self.relations[i]),
                            format!("relation `{} {} {}`", r.from, r.kind, r.to),
                        )
                    }
                    // The TOML format has no designations of its own.
                    ItemRef::Designation(i) => (
                        None,
                        format!("designation of `{}`", self.dataset.designations[i].entity_id),
                    ),
                };
                let err = Error::new(ErrorKind::Invalid(format!("{what}: {}", issue.message))).field(issue.field);
                match origin {
                    Some(Origin { path, line: Some(line) }) => err.at(path).line(*line),
                    Some(Origin { path, line: None }) => err.at(path),
                    None => err,
                }
            })
            .collect();
        Err(if errors.len() == 1 {
            errors.into_iter().next().expect("one error")
        } else {
            Error::new(ErrorKind::Multiple(errors))
        })
    }
}

/// Reads one `interdict/1` file on its own, TOML or (when it starts with
/// `{`) JSON, as a list to import (an internal deny list, say). The format is written by hand, so a file is
/// accepted whole or not at all: every problem is reported, in either mode.
pub fn read_list(path: &Path) -> Result<crate::Report, Error> {
    let mut loader = Loader::new();
    let bytes = fs::read(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        let text = String::from_utf8(bytes).map_err(|_| Error::new(ErrorKind::Encoding).at(path))?;
        loader.add_json(path, &text)?;
    } else {
        loader.add_file(path)?;
    }
    let records = (loader.sources.len()
        + loader.orders.len()
        + loader.entities.len()
        + loader.relations.len()
        + loader.designations.len()) as u64;
    let dataset = loader.finish()?;
    Ok(crate::Report {
        dataset,
        rejected: Vec::new(),
        records,
        warnings: Vec::new(),
    })
}

/// Loads the built-in data alone.
pub fn builtin() -> Result<Dataset, Error> {
    Loader::with_builtin()?.finish()
}

/// Loads the built-in data and the given files.
pub fn load_with_builtin(paths: &[PathBuf]) -> Result<Dataset, Error> {
    let mut loader = Loader::with_builtin()?;
    for p in paths {
        loader.add_file(p)?;
    }
    loader.finish()
}

fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let message = e.message().trim().to_string();
    let mut err = Error::new(ErrorKind::Syntax(message)).at(path);
    if let Some(span) = e.span() {
        let (line, column) = line_col(text, span.start);
        err = err.line(line).column(column);
        if let Some(key) = key_before(text, span.start) {
            err = err.field(key);
        }
    }
    err
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let offset = offset.min(text.len());
    let before = &text[..floor_boundary(text, offset)];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

/// The key whose value starts at `offset` (`signed = "2021-02-30"` gives
/// `signed`), so that a value error can name its field. TOML's own errors
/// point at the value, not the key.
fn key_before(text: &str, offset: usize) -> Option<String> {
    let before = text[..floor_boundary(text, offset)].trim_end();
    let before = before.strip_suffix('=')?.trim_end();
    let key: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let key = key.trim_matches('"').to_string();
    (!key.is_empty()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
format = "interdict/1"

[[sources]]
id = "S1"
title = "An order"

[[entities]]
id = "app1"
kind = "application"
name = "App One"
identifiers = [{ type = "app.android", value = "com.example.one" }]
sources = ["S1"]

[[entities]]
id = "dev1"
kind = "company"
name = "Dev One Ltd."
sources = ["S1"]

[[relations]]
kind = "develops"
from = "dev1"
to = "app1"
sources = ["S1"]

[[orders]]
id = "EO1"
title = "An order"
issuer = "President"
signed = "2021-01-05"
effective = "2021-02-19"
jurisdiction = "US"
summary = "Prohibits transactions with developers of App One."
sources = ["S1"]
scope = { apps = ["app1"] }
"#;

    fn load(text: &str) -> Result<Dataset, Error> {
        let mut l = Loader::new();
        l.add_str(Path::new("t.toml"), text)?;
        l.finish()
    }

    #[test]
    fn reads_a_minimal_document() {
        let d = load(MINIMAL).unwrap();
        assert_eq!(d.orders.len(), 1);
        assert_eq!(d.orders[0].scope.apps, vec!["app1"]);
        assert_eq!(d.entities[0].identifiers[0].identifier.value(), "com.example.one");
    }

    #[test]
    fn an_impossible_date_names_file_line_column_and_field() {
        let text = MINIMAL.replace("signed = \"2021-01-05\"", "signed = \"2021-02-30\"");
        let err = load(&text).unwrap_err();
        let line = text.lines().position(|l| l.contains("2021-02-30")).unwrap() as u64 + 1;
        assert_eq!(err.line_number(), Some(line));
        assert_eq!(err.field_name(), Some("signed"));
        assert_eq!(
            err.to_string(),
            format!(
                "t.toml:{line}:10: field `signed`: invalid date `2021-02-30`: expected a calendar date as YYYY-MM-DD"
            )
        );
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let text = MINIMAL.replace("issuer = \"President\"", "issuer = \"President\"\nsigner = \"X\"");
        let err = load(&text).unwrap_err();
        assert!(err.to_string().contains("unknown field `signer`"), "{err}");
        let line = text.lines().position(|l| l.starts_with("signer")).unwrap() as u64 + 1;
        assert_eq!(err.line_number(), Some(line));
    }

    #[test]
    fn dangling_references_are_reported_with_the_records_line() {
        let text = MINIMAL.replace("scope = { apps = [\"app1\"] }", "scope = { apps = [\"app2\"] }");
        let err = load(&text).unwrap_err();
        let line = text.lines().position(|l| l == "[[orders]]").unwrap() as u64 + 1;
        assert_eq!(err.line_number(), Some(line));
        assert_eq!(err.field_name(), Some("scope.apps"));
        assert!(err.to_string().ends_with("order `EO1`: unknown entity `app2`"), "{err}");
    }

    #[test]
    fn every_validation_error_is_reported_not_only_the_first() {
        let text = MINIMAL
            .replace("to = \"app1\"", "to = \"nobody\"")
            .replace("sources = [\"S1\"]\nscope", "sources = [\"S9\"]\nscope");
        let err = load(&text).unwrap_err();
        let all: Vec<String> = err.errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(all.iter().any(|m| m.contains("unknown entity `nobody`")));
        assert!(all.iter().any(|m| m.contains("unknown source `S9`")));
    }

    #[test]
    fn a_wrong_format_marker_and_an_empty_file_are_errors() {
        let err = load(&MINIMAL.replace("interdict/1", "interdict/9")).unwrap_err();
        assert!(err.to_string().contains("unsupported format `interdict/9`"), "{err}");
        assert!(matches!(load("  \n").unwrap_err().kind(), ErrorKind::Empty));
    }

    #[test]
    fn a_bad_identifier_inside_an_inline_table_names_its_field() {
        let text = MINIMAL.replace("com.example.one", "not a package");
        let err = load(&text).unwrap_err();
        assert_eq!(err.field_name(), Some("identifiers"), "{err}");
        assert!(
            err.to_string()
                .contains("invalid app.android identifier `not a package`"),
            "{err}"
        );
    }

    /// serde reads a struct from an array of its field values in order;
    /// a record of the format is a table (an object in JSON) only.
    #[test]
    fn a_record_written_as_an_array_is_refused_where_it_stands() {
        let text = "format = \"interdict/1\"\nentities = [[\"acme\", \"organization\", \"ACME\"]]\n";
        let err = load(text).unwrap_err();
        assert_eq!((err.line_number(), err.column_number()), (Some(2), Some(13)));
        assert!(
            err.to_string()
                .starts_with("t.toml:2:13: invalid type: sequence, expected an object"),
            "{err}"
        );
        // Inside a record too: an alias, an order's scope.
        let alias = MINIMAL.replacen("name = ", "aliases = [[\"One\", \"en\", \"alias\"]]\nname = ", 1);
        assert_ne!(alias, MINIMAL);
        let err = load(&alias).unwrap_err();
        assert!(
            err.to_string().contains("invalid type: sequence, expected an object"),
            "{err}"
        );
        let scope = MINIMAL.replace("scope = { apps = [\"app1\"] }", "scope = [[\"app1\"]]");
        assert_ne!(scope, MINIMAL);
        let err = load(&scope).unwrap_err();
        assert!(
            err.to_string().contains("invalid type: sequence, expected an object"),
            "{err}"
        );
        let mut l = Loader::new();
        let json = "{\"format\": \"interdict/1\",\n \"entities\": [[\"acme\", \"organization\", \"ACME\"]]}";
        let err = l.add_json(Path::new("t.json"), json).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("t.json:2:14: invalid type: sequence, expected an object"),
            "{err}"
        );
    }

    #[test]
    fn the_json_form_reads_the_same_records_and_names_its_errors() {
        let toml = load(MINIMAL).unwrap();
        let json = serde_json::json!({
            "format": "interdict/1",
            "sources": toml.sources,
            "orders": toml.orders,
            "entities": toml.entities,
            "relations": toml.relations,
        })
        .to_string();
        let mut l = Loader::new();
        l.add_json(Path::new("t.json"), &json).unwrap();
        assert_eq!(l.finish().unwrap(), toml);

        let mut l = Loader::new();
        let err = l
            .add_json(
                Path::new("t.json"),
                "{\"format\": \"interdict/1\",\n \"entities\": [{\"id\": 1}]}",
            )
            .unwrap_err();
        assert_eq!((err.line_number(), err.column_number()), (Some(2), Some(22)));
        assert!(
            err.to_string()
                .starts_with("t.json:2:22: invalid type: integer `1`, expected a string"),
            "{err}"
        );

        let bad_ref = json.replace("\"app1\"]", "\"nobody\"]");
        let mut l = Loader::new();
        l.add_json(Path::new("t.json"), &bad_ref).unwrap();
        let err = l.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.json: field `scope.apps`: order `EO1`: unknown entity `nobody`"
        );
    }

    #[test]
    fn latin1_files_get_an_encoding_error_with_the_line() {
        let dir = std::env::temp_dir().join(format!("interdict-native-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("latin1.toml");
        let mut bytes = b"format = \"interdict/1\"\n# caf".to_vec();
        bytes.push(0xE9);
        fs::write(&path, bytes).unwrap();
        let err = Loader::new().add_file(&path).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Encoding));
        assert_eq!(err.line_number(), Some(2));
        fs::remove_dir_all(&dir).unwrap();
    }
}
