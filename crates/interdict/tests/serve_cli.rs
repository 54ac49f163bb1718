//! `interdict serve` as the README starts it: on the bundled data, tokens
//! from the environment, stopped by SIGTERM; its decisions replay from the
//! command line.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn serve_screens_on_the_bundled_data_and_its_decisions_replay_from_the_cli() {
    let dir = TempDir(std::env::temp_dir().join(format!("interdict-serve-cli-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&dir.0);
    let bin = assert_cmd::cargo::cargo_bin("interdict");
    let mut server = Command::new(&bin)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("INTERDICT_DATA_DIR", &dir.0)
        .env("INTERDICT_ADMIN_TOKEN", "t0ken")
        .env_remove("INTERDICT_ORDERS")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();
    assert!(first.contains("lists: bundled"), "{first}");
    assert!(!first.contains("t0ken"), "the token is never printed");

    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut r = agent
        .post(format!("http://{addr}/v1/screen/party"))
        .header("Content-Type", "application/json")
        .send(json!({"names": ["Alipay.com Co., Ltd."], "as_of": "2021-03-01"}).to_string())
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let d: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(d["outcome"], "review");
    let id = d["decision_id"].as_str().unwrap().to_string();

    // SIGTERM drains and exits 0.
    let kill = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.contains("shutting down"), "{rest}");

    let replay = Command::new(&bin)
        .args(["replay", &id])
        .env("INTERDICT_DATA_DIR", &dir.0)
        .env_remove("INTERDICT_ORDERS")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&replay.stdout);
    assert!(
        replay.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    assert!(out.contains("the same decision (review)"), "{out}");
}
