//! Reading a snapshot's list files: what is refused before anything is
//! stored.

use std::path::PathBuf;

use interdict_lists::files::read_files;
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
