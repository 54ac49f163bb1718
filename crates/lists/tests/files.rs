//! Reading a snapshot's list files: what is refused before anything is
//! stored.

use std::path::PathBuf;

use interdict_lists::files::{read_files, read_files_beside};
use interdict_lists::Strictness;

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("interdict-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../interdict/tests/fixtures")
        .join(name)
}

#[test]
fn good_files_are_read_with_their_hash_and_counts() {
    let (dataset, read) = read_files(&[fixture("lists-v1.ftm.jsonl")], None, Strictness::Lenient).unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].records, 5);
    assert!(read[0].rejected.is_empty());
    assert!(read[0].sha256.starts_with("sha256:") && read[0].sha256.len() == 71);
    assert_eq!(dataset.entities.len(), 3);
}

#[test]
fn a_file_of_which_no_record_can_be_read_is_refused_not_imported_empty() {
    let dir = TempDir::new("none");
    std::fs::write(dir.0.join("sdn.csv"), "hello\nworld\n").unwrap();
    let err = read_files(&[dir.0.join("sdn.csv")], None, Strictness::Lenient).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("none of its 2 records could be read"), "{text}");
    assert_eq!(err.path(), Some(dir.0.join("sdn.csv").as_path()));
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_instead_of_blocking_the_read() {
    let dir = TempDir::new("fifo");
    let fifo = dir.0.join("list.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let err = read_files(std::slice::from_ref(&fifo), None, Strictness::Lenient).unwrap_err();
    assert!(err.to_string().contains("not a regular file or a folder"), "{err}");
}

#[test]
fn the_same_entity_id_in_two_files_is_refused() {
    let f = fixture("lists-v1.ftm.jsonl");
    let err = read_files(&[f.clone(), f], None, Strictness::Lenient).unwrap_err();
    assert!(err.to_string().contains("ids must be unique across the files"), "{err}");
}

fn list_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The Consolidated Screening List carries the OFAC SDN list too, under the
/// same source id as OFAC's own files: read together they made a dataset
/// that every screen then refused ("duplicate source id `us_ofac_sdn`"),
/// although the import had stored it and made it active.
#[test]
fn a_source_two_files_describe_is_kept_once() {
    let files = [list_fixture("ofac/sdn"), list_fixture("csl/2025.csv")];
    let (dataset, read) = read_files(&files, None, Strictness::Lenient).unwrap();
    assert_eq!(read.len(), 2);
    let sdn: Vec<_> = dataset.sources.iter().filter(|s| s.id == "us_ofac_sdn").collect();
    assert_eq!(sdn.len(), 1, "{:?}", dataset.sources);
    assert!(sdn[0].title.contains("Specially Designated Nationals"), "{sdn:?}");
    let mut all = interdict_lists::native::builtin().unwrap();
    all.extend(dataset);
    assert_eq!(all.validate(), Vec::new());
}

/// A list whose ids the built-in data has too was stored and made active,
/// and every screen after failed on it: it is refused when read, at its
/// file, field and record, and the lists alone are still read.
#[test]
fn a_list_sharing_an_id_with_the_built_in_data_is_refused_at_its_file() {
    let list = fixture("clashes-with-builtin.toml");
    let base = interdict_lists::native::builtin().unwrap();
    assert!(base.entities.iter().any(|e| e.id == "ant_group"));
    let files = [fixture("lists-v1.ftm.jsonl"), list.clone()];
    let err = read_files_beside(&files, None, Strictness::Lenient, &base).unwrap_err();
    assert_eq!(err.path(), Some(list.as_path()), "{err}");
    assert_eq!(err.field_name(), Some("id"), "{err}");
    assert!(
        err.to_string()
            .contains("entity `ant_group`: the built-in data or an order file has this id too"),
        "{err}"
    );
    let (alone, _) = read_files(&files, None, Strictness::Lenient).unwrap();
    assert_eq!(alone.entities.len(), 4);
}

/// Sources of interdict's own format are written by hand: two files giving
/// one id may mean two sources, so that stays an error (official lists'
/// shared sources are kept once).
#[test]
fn two_hand_written_lists_giving_one_source_id_are_refused() {
    let dir = TempDir::new("own-sources");
    let list = |name: &str, entity: &str| {
        let path = dir.0.join(name);
        std::fs::write(
            &path,
            format!(
                "format = \"interdict/1\"\n\n[[sources]]\nid = \"own\"\ntitle = \"{name}\"\n\n\
                 [[entities]]\nid = \"{entity}\"\nkind = \"organization\"\nname = \"{entity}\"\nsources = [\"own\"]\n"
            ),
        )
        .unwrap();
        path
    };
    let files = [list("a.toml", "acme"), list("b.toml", "beta")];
    let err = read_files(&files, None, Strictness::Lenient).unwrap_err();
    assert_eq!(err.path(), Some(files[1].as_path()), "{err}");
    assert!(
        err.to_string().contains("source `own`: duplicate source id `own`"),
        "{err}"
    );
}

/// A list cut short by an interrupted download ended inside a record, which
/// lenient mode skipped like any bad record: the file imported, active,
/// with the rest of the list gone (40% of the SDN list in one case), exit 0.
#[test]
fn a_file_cut_inside_its_last_record_is_refused_in_lenient_mode_too() {
    let dir = TempDir::new("cut");
    let whole = std::fs::read(fixture("lists-v1.ftm.jsonl")).unwrap();
    let cut = dir.0.join("cut.ftm.jsonl");
    std::fs::write(&cut, &whole[..whole.len() - 30]).unwrap();
    let err = read_files(std::slice::from_ref(&cut), None, Strictness::Lenient).unwrap_err();
    assert_eq!(err.path(), Some(cut.as_path()));
    assert_eq!(err.line_number(), Some(5));
    assert!(err.to_string().contains("the file ends inside this record"), "{err}");

    // The same bad last line, but ending with its line break: one bad
    // record, skipped; the file is whole.
    let mut with_break = whole[..whole.len() - 30].to_vec();
    with_break.push(b'\n');
    std::fs::write(&cut, &with_break).unwrap();
    let (_, read) = read_files(std::slice::from_ref(&cut), None, Strictness::Lenient).unwrap();
    assert_eq!(read[0].rejected.len(), 1);

    // OFAC's folder, its sdn.csv cut in its last row between two fields
    // (a cut inside a quoted field is an unclosed quote, refused anyway).
    let sdn = dir.0.join("sdn");
    std::fs::create_dir_all(&sdn).unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ofac/sdn");
    for f in ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"] {
        std::fs::copy(source.join(f), sdn.join(f)).unwrap();
    }
    let (whole, _) = read_files(std::slice::from_ref(&sdn), None, Strictness::Lenient).unwrap();
    let text = std::fs::read(sdn.join("sdn.csv")).unwrap();
    let body = text.strip_suffix(b"\r\n\x1a").expect("OFAC's end");
    let last_line = body.iter().rposition(|&b| b == b'\n').unwrap() + 1;
    let after_second_field = last_line
        + body[last_line..]
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w == b"\",")
            .nth(1)
            .unwrap()
            .0
        + 2;
    std::fs::write(sdn.join("sdn.csv"), &text[..after_second_field]).unwrap();
    let err = read_files(std::slice::from_ref(&sdn), None, Strictness::Lenient).unwrap_err();
    assert!(err.to_string().contains("the file ends inside this record"), "{err}");
    assert_eq!(err.path(), Some(sdn.join("sdn.csv").as_path()));
    assert!(!whole.entities.is_empty());
}

/// An empty list, well formed, imported as the active snapshot: every
/// screen allowed, even with `--strict`.
#[test]
fn a_list_with_no_records_is_refused() {
    let dir = TempDir::new("empty");
    let un = dir.0.join("empty-un.xml");
    std::fs::write(
        &un,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CONSOLIDATED_LIST><INDIVIDUALS></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n",
    )
    .unwrap();
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let err = read_files(std::slice::from_ref(&un), None, mode).unwrap_err();
        assert!(err.to_string().contains("it holds no records"), "{err}");
    }
    // An empty deny list alone is an empty snapshot; beside a list, it is
    // harmless and read.
    let toml = dir.0.join("deny.toml");
    std::fs::write(&toml, "format = \"interdict/1\"\n").unwrap();
    let err = read_files(std::slice::from_ref(&toml), None, Strictness::Lenient).unwrap_err();
    assert!(err.to_string().contains("the files hold no records"), "{err}");
    let (dataset, read) = read_files(&[toml, fixture("lists-v1.ftm.jsonl")], None, Strictness::Lenient).unwrap();
    assert_eq!((read.len(), dataset.entities.len()), (2, 3));
}

/// An OFAC folder's recorded hash covered every file in it: the SDN and
/// the consolidated lists read from one folder got the same hash, and a
/// file nobody read changed it. It covers the files the list is read from.
#[test]
fn an_ofac_folder_is_hashed_by_the_files_read_from_it() {
    let dir = TempDir::new("ofac-hash");
    let sdn = dir.0.join("sdn");
    std::fs::create_dir_all(&sdn).unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ofac/sdn");
    for f in ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"] {
        std::fs::copy(source.join(f), sdn.join(f)).unwrap();
    }
    let hash = |path: &PathBuf| {
        read_files(std::slice::from_ref(path), None, Strictness::Lenient)
            .unwrap()
            .1[0]
            .sha256
            .clone()
    };
    let before = hash(&sdn);
    std::fs::write(sdn.join("notes.txt"), "downloaded by hand").unwrap();
    assert_eq!(hash(&sdn), before);
    std::fs::write(sdn.join("sdn_comments.csv"), "").unwrap();
    assert_ne!(hash(&sdn), before);
}
