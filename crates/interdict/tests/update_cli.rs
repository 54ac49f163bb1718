//! `interdict lists update` against a local HTTP server that serves the
//! fixture files: retries with backoff, failures that keep the last good
//! snapshot, pinned hashes, and `--offline`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;

use assert_cmd::Command;

/// What a path answers: `failures` times the status, then 200 with the body.
struct Route {
    failures: u32,
    status: u16,
    body: Vec<u8>,
}

/// Serves `routes` on a loopback port until the test process ends; counts requests per path.
fn serve(routes: HashMap<&'static str, Route>) -> (String, Arc<Mutex<HashMap<String, u32>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let routes = Arc::new(Mutex::new(routes));
    let counter = hits.clone();
    thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            *counter.lock().unwrap().entry(path.clone()).or_default() += 1;
            let mut routes = routes.lock().unwrap();
            let (status, body) = match routes.get_mut(path.as_str()) {
                None => (404, b"not found".to_vec()),
                Some(r) if r.failures > 0 => {
                    r.failures -= 1;
                    (r.status, b"try later".to_vec())
                }
                Some(r) => (200, r.body.clone()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (base, hits)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

struct Dir(PathBuf);
impl Dir {
    fn new(name: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("interdict-update-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn sources(&self, base: &str, path: &str, sha256: Option<&str>) -> PathBuf {
        let pin = sha256.map(|h| format!(", sha256 = \"{h}\"")).unwrap_or_default();
        let p = self.0.join("sources.toml");
        std::fs::write(
            &p,
            format!("format = \"interdict-sources/1\"\n[[source]]\nname = \"test\"\nformat = \"ftm\"\nfiles = [{{ name = \"list.ftm.jsonl\", url = \"{base}{path}\"{pin} }}]\n"),
        )
        .unwrap();
        p
    }
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("interdict").unwrap();
        c.arg("--data-dir").arg(self.0.join("store"));
        c
    }
    fn update(&self, sources: &PathBuf) -> std::process::Output {
        self.cmd()
            .args([
                "lists",
                "update",
                "--only",
                "test",
                "--attempts",
                "3",
                "--backoff-ms",
                "10",
                "--timeout",
                "10",
                "--sources",
            ])
            .arg(sources)
            .output()
            .unwrap()
    }
    fn active(&self) -> Option<String> {
        let out = self.cmd().args(["lists", "show", "--format", "json"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["active"] == true)
            .map(|s| s["id"].as_str().unwrap().to_string())
    }
}
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_flaky_server_is_retried_with_backoff_and_the_list_imported() {
    let (base, hits) = serve(HashMap::from([(
        "/v1",
        Route {
            failures: 2,
            status: 503,
            body: fixture("lists-v1.ftm.jsonl"),
        },
    )]));
    let dir = Dir::new("flaky");
    let out = dir.update(&dir.sources(&base, "/v1", None));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert_eq!(hits.lock().unwrap()["/v1"], 3);
    assert_eq!(stderr.matches("failed: HTTP 503; retrying").count(), 2, "{stderr}");
    assert!(
        stderr.contains("retrying in 10ms") && stderr.contains("retrying in 20ms"),
        "backoff doubles: {stderr}"
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(dir.active(), Some(id));
    assert!(dir.0.join("store/downloads/test/list.ftm.jsonl").is_file());
}

#[test]
fn a_source_that_keeps_failing_leaves_the_last_good_snapshot_active() {
    let (base, hits) = serve(HashMap::from([
        (
            "/good",
            Route {
                failures: 0,
                status: 200,
                body: fixture("lists-v1.ftm.jsonl"),
            },
        ),
        (
            "/down",
            Route {
                failures: 99,
                status: 500,
                body: vec![],
            },
        ),
    ]));
    let dir = Dir::new("down");
    let good = dir.update(&dir.sources(&base, "/good", None));
    assert!(good.status.success());
    let before = dir.active().unwrap();
    let out = dir.update(&dir.sources(&base, "/down", None));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error: source `test`: ") && stderr.contains("failed after 3 attempt(s): HTTP 500"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("nothing imported; the active snapshot is still {before}")),
        "{stderr}"
    );
    assert_eq!(hits.lock().unwrap()["/down"], 3);
    assert_eq!(dir.active(), Some(before));
    assert!(
        dir.0.join("store/downloads/test/list.ftm.jsonl").is_file(),
        "the last good download stays"
    );
}

#[test]
fn a_client_error_is_not_retried() {
    let (base, hits) = serve(HashMap::new());
    let dir = Dir::new("404");
    let out = dir.update(&dir.sources(&base, "/missing", None));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("/missing answered HTTP 404"));
    assert_eq!(hits.lock().unwrap()["/missing"], 1);
    assert_eq!(dir.active(), None);
}

#[test]
fn a_pinned_hash_that_does_not_match_fails_the_source() {
    let (base, _) = serve(HashMap::from([(
        "/v1",
        Route {
            failures: 0,
            status: 200,
            body: fixture("lists-v1.ftm.jsonl"),
        },
    )]));
    let dir = Dir::new("pin");
    let out = dir.update(&dir.sources(&base, "/v1", Some("sha256:00")));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("does not match its pinned sha256"));
    assert_eq!(dir.active(), None);
}

#[test]
fn offline_reads_the_files_from_a_folder() {
    let dir = Dir::new("offline");
    let folder = dir.0.join("offline");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("list.ftm.jsonl"), fixture("lists-v2.ftm.jsonl")).unwrap();
    let sources = dir.sources("http://127.0.0.1:9", "/never", None);
    let out = dir
        .cmd()
        .args(["lists", "update", "--only", "test", "--sources"])
        .arg(&sources)
        .arg("--offline")
        .arg(&folder)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.active().is_some());
    let out = dir.cmd().args(["lists", "update", "--only", "nope"]).output().unwrap();
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("error: --only: unknown source `nope`; known sources: ofac-sdn, ofac-consolidated, un-sc"));
}
