//! Every route, driven by a real HTTP client against servers started on
//! loopback.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use interdict_server::{Config, Running};
use interdict_store::{NewAllowEntry, Store};
use serde_json::{json, Value};

mod support;

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "interdict-server-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
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
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../interdict/tests/fixtures")
        .join(name)
}

/// Imports list files into the store in `dir` and returns the snapshot id.
fn import(dir: &Path, files: &[PathBuf]) -> String {
    let (dataset, read) =
        interdict_lists::files::read_files(files, None, interdict_lists::Strictness::Lenient).unwrap();
    let sources: Vec<_> = read
        .iter()
        .map(|f| {
            interdict_store::SourceFile::new(
                f.path.display().to_string(),
                f.format.to_string(),
                f.sha256.clone(),
                f.records,
                0,
                0,
                None,
            )
        })
        .collect();
    Store::open(dir).unwrap().import(&dataset, &sources).unwrap().id
}

struct Server {
    runtime: tokio::runtime::Runtime,
    running: Option<Running>,
    base: String,
    dir: TempDir,
    agent: ureq::Agent,
}

const TOKEN: &str = "test-admin-token";

/// A server on a fresh store holding the fixture list (fast to load), with
/// the admin token; `adjust` changes the settings.
fn server(name: &str, adjust: impl FnOnce(&mut Config)) -> Server {
    let dir = TempDir::new(name);
    import(&dir.0, &[fixture("lists-v1.ftm.jsonl")]);
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), dir.0.clone());
    config.admin_token = Some(TOKEN.to_string());
    adjust(&mut config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime.block_on(interdict_server::start(config)).unwrap();
    let base = format!("http://{}", running.addr);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    Server {
        runtime,
        running: Some(running),
        base,
        dir,
        agent,
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            self.runtime.block_on(r.stop());
        }
    }
}

/// An answer to a cross-origin request: the method, the status, and the
/// `Access-Control-*` headers, sorted.
type CorsAnswer = (String, u16, Vec<(String, String)>);

impl Server {
    fn get(&self, path: &str) -> (u16, Value) {
        let mut r = self.agent.get(format!("{}{path}", self.base)).call().unwrap();
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    fn get_text(&self, path: &str) -> (u16, String) {
        let mut r = self.agent.get(format!("{}{path}", self.base)).call().unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }

    fn post_raw(&self, path: &str, content_type: &str, token: Option<&str>, body: impl AsRef<[u8]>) -> (u16, String) {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type);
        if let Some(t) = token {
            req = req.header("Authorization", &format!("Bearer {t}"));
        }
        let mut r = req.send(body.as_ref()).unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    }

    /// GET `path` with an `Origin` header, first as a CORS preflight
    /// (OPTIONS): the status, and the `Access-Control-Allow-*` headers of each
    /// answer.
    fn cross_origin(&self, path: &str, origin: &str) -> Vec<CorsAnswer> {
        let allow = |r: &ureq::http::Response<ureq::Body>| -> Vec<(String, String)> {
            let mut headers: Vec<(String, String)> = r
                .headers()
                .iter()
                .filter(|(name, _)| name.as_str().starts_with("access-control-"))
                .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_string()))
                .collect();
            headers.sort();
            headers
        };
        let url = format!("{}{path}", self.base);
        let preflight = self
            .agent
            .options(&url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .call()
            .unwrap();
        let get = self.agent.get(&url).header("Origin", origin).call().unwrap();
        vec![
            ("OPTIONS".to_string(), preflight.status().as_u16(), allow(&preflight)),
            ("GET".to_string(), get.status().as_u16(), allow(&get)),
        ]
    }

    fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post_as(path, None, body)
    }

    fn post_as(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let (status, text) = self.post_raw(path, "application/json", token, body.to_string());
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}

fn alipay(as_of: &str) -> Value {
    json!({"names": ["Alipay.com Co., Ltd."], "type": "organization", "as_of": as_of})
}

#[test]
fn health_readiness_and_the_openapi_description() {
    let s = server("health", |_| {});
    assert_eq!(s.get("/healthz"), (200, json!({"status": "ok"})));
    let (status, ready) = s.get("/readyz");
    assert_eq!(status, 200);
    assert_eq!(ready["status"], "ready");
    assert!(ready["snapshot_id"].as_str().unwrap().starts_with("sha256:"));
    let (status, spec) = s.get("/openapi.json");
    assert_eq!(status, 200);
    assert_eq!(spec["openapi"], "3.1.0");
    let paths: Vec<&String> = spec["paths"].as_object().unwrap().keys().collect();
    for p in [
        "/v1/screen/party",
        "/v1/screen/payment",
        "/v1/screen/app",
        "/v1/screen/batch",
        "/v1/search",
        "/v1/entities/{id}",
        "/v1/orders",
        "/v1/orders/{id}",
        "/v1/decisions/{id}",
        "/v1/alerts",
        "/v1/alerts/{id}/disposition",
        "/v1/lists",
        "/v1/lists/import",
        "/v1/lists/activate",
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(paths.iter().any(|k| k.as_str() == p), "{p} missing from {paths:?}");
    }
    assert_eq!(paths.len(), 18, "{paths:?}");
    // The operations routes are described as they answer.
    let metrics = &spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"];
    assert_eq!(metrics["text/plain"]["schema"]["type"], "string", "{metrics}");
    let (status, text) = s.get_text("/metrics");
    assert!(
        status == 200 && text.contains("# TYPE interdict_http_requests_total counter"),
        "{text}"
    );
    assert_eq!(answer_schema(&spec, "get", "/openapi.json")["type"], "object");
    assert_eq!(
        spec["components"]["schemas"]["ErrorBody"]["required"],
        json!(["code", "message"])
    );
    let (status, body) = s.get("/v1/nowhere");
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
}

/// The bounds the description gives a query parameter or a request field
/// are the ones the server enforces: the edge is answered, one past it is
/// refused with 422 naming the field.
#[test]
fn the_described_bounds_are_the_enforced_ones() {
    let s = server("bounds", |_| {});
    let (_, spec) = s.get("/openapi.json");
    let param = |route: &str, name: &str| -> Value {
        spec["paths"][route]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{route} has no parameter {name}"))["schema"]
            .clone()
    };
    for (route, url) in [
        ("/v1/search", "/v1/search?q=alipay&limit="),
        ("/v1/alerts", "/v1/alerts?limit="),
    ] {
        let limit = param(route, "limit");
        let (low, high) = (limit["minimum"].as_u64().unwrap(), limit["maximum"].as_u64().unwrap());
        assert_eq!(s.get(&format!("{url}{low}")).0, 200, "{route}");
        assert_eq!(s.get(&format!("{url}{high}")).0, 200, "{route}");
        for out in [(low - 1).to_string(), (high + 1).to_string(), format!("%2B{low}")] {
            let (status, e) = s.get(&format!("{url}{out}"));
            assert_eq!(
                (status, e["field"].as_str()),
                (422, Some("limit")),
                "{route} limit={out}: {e}"
            );
        }
    }
    assert_eq!(param("/v1/orders", "as_of")["format"], "date");
    assert_eq!(s.get("/v1/orders?as_of=2021-02-28").0, 200);
    assert_eq!(s.get("/v1/orders?as_of=2021-02-30").0, 422);
    // The statuses are the store's `AlertStatus`, not a list written again.
    let status = param("/v1/alerts", "status");
    assert_eq!(status["$ref"], "#/components/schemas/AlertStatus");
    let statuses = spec["components"]["schemas"]["AlertStatus"]["enum"].as_array().unwrap();
    for (value, allowed) in [
        ("open", true),
        ("false_positive", true),
        ("closed", false),
        ("opened", false),
    ] {
        assert_eq!(statuses.contains(&json!(value)), allowed, "{value}");
        let want = if allowed { 200 } else { 422 };
        assert_eq!(s.get(&format!("/v1/alerts?status={value}")).0, want, "{value}");
    }
    let block = &spec["components"]["schemas"]["PartyRequest"]["properties"]["block"];
    assert_eq!(
        (block["minimum"].as_f64(), block["maximum"].as_f64()),
        (Some(0.0), Some(1.0)),
        "{block}"
    );
    let party = |block: f64| json!({"names": ["Nobody"], "block": block, "review": 0.0, "as_of": "2021-03-01"});
    assert_eq!(s.post("/v1/screen/party", &party(1.0)).0, 200);
    // Just past each bound, closer than an f32 can tell apart from it: a
    // check made after narrowing would take these as 0 and 1.
    for out in [1.01, 1.000_000_000_1, -1e-120] {
        let (status, e) = s.post("/v1/screen/party", &party(out));
        assert_eq!((status, e["field"].as_str()), (422, Some("block")), "block {out}: {e}");
    }
    let threshold = param("/v1/search", "threshold");
    assert_eq!(
        (threshold["minimum"].as_f64(), threshold["maximum"].as_f64()),
        (Some(0.0), Some(1.0)),
        "{threshold}"
    );
    // Numbers are read as JSON writes them: text that Rust's parsing takes
    // (`.5`, `+0.5`, `1.`, `inf`) is not a number the description allows.
    for (value, want) in [
        ("0", 200),
        ("1", 200),
        ("0.5", 200),
        ("5e-1", 200),
        ("-1e-120", 422),
        ("1.0000000001", 422),
        ("NaN", 422),
        ("inf", 422),
        (".5", 422),
        ("%2B0.5", 422),
        ("1.", 422),
    ] {
        let (status, e) = s.get(&format!("/v1/search?q=alipay&threshold={value}"));
        assert_eq!(status, want, "threshold={value}: {e}");
        if want == 422 {
            assert_eq!(e["field"], "threshold", "threshold={value}: {e}");
        }
    }
}

/// The request schemas say what the server reads: a request that breaks
/// one is refused with 422 naming the field, and each word an enum offers
/// is one the server takes. (A request that fits may still be refused: the
/// pattern of a country code is two letters, the list of codes is the
/// server's.) A schema looser than the server made generated requests fail
/// for reasons it did not say, so a fuzz pass from it rarely got past them.
#[test]
fn requests_that_break_the_described_schemas_are_refused_and_the_enums_are_read() {
    let s = server("request-schemas", |_| {});
    let (_, spec) = s.get("/openapi.json");
    let request_schema =
        |route: &str| spec["paths"][route]["post"]["requestBody"]["content"]["application/json"]["schema"].clone();
    let enum_of = |component: &str| -> Vec<String> {
        spec["components"]["schemas"][component]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{component} has no enum"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let party = request_schema("/v1/screen/party");
    let nobody = |field: &str, value: Value| {
        let mut body = json!({"names": ["Nobody"], "as_of": "2021-03-01"});
        body[field] = value;
        body
    };
    // (field, value, fits the schema, answered 200)
    let cases: Vec<(&str, Value, bool, bool)> = vec![
        ("type", json!("Person "), false, true),
        ("type", json!("robot"), false, false),
        ("policy", json!("strict"), true, true),
        ("policy", json!("lenient"), false, false),
        ("jurisdictions", json!(["gb", " EU "]), true, true),
        ("jurisdictions", json!(["GBR"]), false, false),
        ("jurisdictions", json!(["ZZ"]), true, false),
        // None at all was no US nexus: every order set aside, and allowed.
        ("jurisdictions", json!([]), false, false),
        ("countries", json!(["cn"]), true, true),
        ("countries", json!(["China"]), false, false),
        ("identifiers", json!(["lei:5493001KJTIIGC8Y1R12"]), true, true),
        ("identifiers", json!(["5493001KJTIIGC8Y1R12"]), false, false),
        ("identifiers", json!(["passport.US:X1234567"]), true, true),
        ("identifiers", json!(["vat:DE123456789"]), false, false),
        ("birth_date", json!("1973-03"), true, true),
        ("birth_date", json!("March 1973"), false, false),
        // The pattern takes any four digits; a birth before 1800 or after
        // the date screened for is refused all the same.
        ("birth_date", json!("0000"), true, false),
        ("birth_date", json!("2021-03-02"), true, false),
        ("birth_date", json!("2021-03"), true, true),
        ("extra", json!(1), false, false),
    ];
    for (field, value, fits, answered) in cases {
        let body = nobody(field, value);
        let broken = support::violations(&spec, &party, &body);
        assert_eq!(broken.is_empty(), fits, "{body}: {broken:?}");
        let (status, e) = s.post("/v1/screen/party", &body);
        assert_eq!(status == 200, answered, "{body}: {status} {e}");
        if !answered {
            let named = e["field"].as_str().is_some_and(|f| f.starts_with(field));
            assert_eq!((status, named), (422, true), "{body}: {e}");
        }
    }
    // Every type the description offers is read; the list is the screen's.
    let words: Vec<&str> = interdict_names::PartyKind::WORDS.iter().map(|(w, _)| *w).collect();
    assert_eq!(enum_of("PartyType"), words);
    for kind in enum_of("PartyType") {
        let (status, e) = s.post("/v1/screen/party", &nobody("type", json!(kind)));
        assert_eq!(status, 200, "{kind}: {e}");
    }

    // A payment is described field by field, as it is read.
    let payment = request_schema("/v1/screen/payment");
    for (body, fits, field) in [
        (json!({"payment": {"id": "p-1"}, "as_of": "2021-03-01"}), true, None),
        (
            json!({"payment": {"id": "p-1", "date": "2021-03-01", "jurisdiction": ["us"]}}),
            true,
            None,
        ),
        (json!({"payment": {"date": "2021-03-01"}}), false, Some("payment.id")),
        // An empty id named the decision after nothing.
        (
            json!({"payment": {"id": "", "date": "2021-03-01"}}),
            false,
            Some("payment.id"),
        ),
        // So does one of spaces, which the schema allowed.
        (
            json!({"payment": {"id": "   ", "date": "2021-03-01"}}),
            false,
            Some("payment.id"),
        ),
        (json!({"payment": {"id": "p-1", "memo": "x"}}), false, Some("payment")),
        (
            json!({"payment": {"id": "p-1", "beneficiary": {"name": "Nobody", "iban": "x"}}}),
            false,
            Some("payment"),
        ),
        (
            json!({"payment": {"id": "p-1", "jurisdiction": ["USA"]}}),
            false,
            Some("payment.jurisdiction"),
        ),
        // Only echoed, but a negative amount and a currency that is no
        // code were accepted as they were.
        (
            json!({"payment": {"id": "p-1", "amount": "-5"}}),
            false,
            Some("payment.amount"),
        ),
        (
            json!({"payment": {"id": "p-1", "currency": "XXXX"}}),
            false,
            Some("payment.currency"),
        ),
        (
            json!({"payment": {"id": "p-1", "date": "2021-03-01", "amount": "120.50", "currency": "EUR"}}),
            true,
            None,
        ),
        // A party with nothing to screen it by is still read: a bad type
        // is a bad payment (it was accepted). Its type, country and birth
        // date are described as a screened party's are.
        (
            json!({"payment": {"id": "p-1", "beneficiary": {"type": "robot"}}, "as_of": "2021-03-01"}),
            false,
            Some("payment.beneficiary.type"),
        ),
        (
            json!({"payment": {"id": "p-1", "originator": {"name": "Nobody", "type": "company", "country": " cn",
                "birth_date": "1973-03"}}, "as_of": "2021-03-01"}),
            true,
            None,
        ),
        (
            json!({"payment": {"id": "p-1", "originator": {"name": "Nobody", "country": "China"}},
                "as_of": "2021-03-01"}),
            false,
            Some("payment.originator.country"),
        ),
        (
            json!({"payment": {"id": "p-1", "originator": {"name": "Nobody", "birth_date": "March 1973"}},
                "as_of": "2021-03-01"}),
            false,
            Some("payment.originator.birth_date"),
        ),
        // `as_of` stands in for the date, but a bad date is still refused.
        (
            json!({"payment": {"id": "p-1", "date": ""}, "as_of": "2021-03-01"}),
            false,
            Some("payment.date"),
        ),
    ] {
        let broken = support::violations(&spec, &payment, &body);
        assert_eq!(broken.is_empty(), fits, "{body}: {broken:?}");
        let (status, e) = s.post("/v1/screen/payment", &body);
        match field {
            None => assert_eq!(status, 200, "{body}: {e}"),
            Some(field) => assert_eq!(
                (status, e["field"].as_str().map(|f| f.starts_with(field))),
                (422, Some(true)),
                "{body}: {e}"
            ),
        }
    }

    // The statuses a disposition takes are the store's, less `open`.
    let mut dispositions = enum_of("AlertStatus");
    dispositions.retain(|s| s != "open");
    assert_eq!(enum_of("DispositionStatus"), dispositions);

    // Every format the description offers is read: the import gets as far
    // as the file, which is not there.
    let formats = enum_of("ListFormat");
    assert!(formats.len() > 10 && formats[0] == "auto", "{formats:?}");
    let import = request_schema("/v1/lists/import");
    let missing = s.dir.0.join("no-such-list").display().to_string();
    for (format, fits) in formats.iter().map(|f| (f.as_str(), true)).chain([("pdf", false)]) {
        let body = json!({"files": [missing], "format": format, "activate": false});
        assert_eq!(support::violations(&spec, &import, &body).is_empty(), fits, "{body}");
        let (status, e) = s.post_as("/v1/lists/import", Some(TOKEN), &body);
        let want = if fits {
            ("import_failed", "files[0]")
        } else {
            ("invalid_field", "format")
        };
        assert_eq!(
            (status, e["code"].as_str(), e["field"].as_str()),
            (422, Some(want.0), Some(want.1)),
            "{body}: {e}"
        );
    }
    // What breaks a least length or count is refused as a bad field (an
    // empty path was `import_failed`, an empty snapshot 404).
    for (body, field) in [(json!({"files": []}), "files"), (json!({"files": [""]}), "files[0]")] {
        assert!(!support::violations(&spec, &import, &body).is_empty(), "{body}");
        let (status, e) = s.post_as("/v1/lists/import", Some(TOKEN), &body);
        assert_eq!(
            (status, e["code"].as_str(), e["field"].as_str()),
            (422, Some("invalid_field"), Some(field)),
            "{body}: {e}"
        );
    }
    let activate = request_schema("/v1/lists/activate");
    let body = json!({"snapshot": ""});
    assert!(!support::violations(&spec, &activate, &body).is_empty());
    let (status, e) = s.post_as("/v1/lists/activate", Some(TOKEN), &body);
    assert_eq!((status, e["field"].as_str()), (422, Some("snapshot")), "{e}");
    let (status, e) = s.get("/v1/alerts?after=");
    assert_eq!((status, e["field"].as_str()), (422, Some("after")), "{e}");
    // `q` is described and checked in characters: 1000 `é` are 2000 bytes.
    let q = |n: usize| format!("/v1/search?q={}", "%C3%A9".repeat(n));
    assert_eq!(s.get(&q(1000)).0, 200);
    assert_eq!(s.get(&q(1001)).1["field"], "q");
    // Spaces around it count too (a fuzzer's `ò` and 1000 vertical tabs
    // was accepted, though it breaks `maxLength`).
    let padded = format!("/v1/search?q=%C3%B2{}", "%0B".repeat(1000));
    assert_eq!(s.get(&padded).1["field"], "q");
    assert_eq!(
        spec["paths"]["/v1/search"]["get"]["parameters"][0]["schema"]["maxLength"],
        1000
    );
}

/// The schema `/openapi.json` gives for the 200 answer of `method` `route`.
fn answer_schema<'a>(spec: &'a Value, method: &str, route: &str) -> &'a Value {
    &spec["paths"][route][method]["responses"]["200"]["content"]["application/json"]["schema"]
}

/// [`answer_schema`], after checking that it is the component `component`.
fn component_schema<'a>(spec: &'a Value, method: &str, route: &str, component: &str) -> &'a Value {
    let schema = answer_schema(spec, method, route);
    assert_eq!(
        schema["$ref"],
        format!("#/components/schemas/{component}"),
        "{method} {route}"
    );
    schema
}

/// Fails, naming `what` and each violation, unless `value` fits `schema`.
fn assert_conforms(spec: &Value, schema: &Value, value: &Value, what: &str) {
    let broken = support::violations(spec, schema, value);
    assert!(broken.is_empty(), "{what}: {broken:#?}");
}

#[test]
fn decisions_orders_and_alerts_conform_to_the_schemas_the_openapi_description_gives_them() {
    let s = server("schemas", |_| {});
    let (_, spec) = s.get("/openapi.json");
    let party = component_schema(&spec, "post", "/v1/screen/party", "PartyDecisionBody");
    let payment: Value =
        serde_json::from_str(include_str!("../../../examples/payments.jsonl").lines().next().unwrap()).unwrap();
    let cases = [
        // A name hit with an order, its coverage path and features.
        ("/v1/screen/party", alipay("2021-03-01")),
        // An identifier hit on a listed entity.
        (
            "/v1/screen/party",
            json!({"names": ["Acme"], "identifiers": ["domain:acme.example"], "as_of": "2021-03-01"}),
        ),
        // Nothing met.
        (
            "/v1/screen/party",
            json!({"names": ["Nobody In Particular"], "as_of": "2021-03-01"}),
        ),
        ("/v1/screen/payment", json!({"payment": payment})),
        (
            "/v1/screen/app",
            json!({"app_id": "com.eg.android.AlipayGphone", "as_of": "2021-03-01"}),
        ),
        (
            "/v1/screen/app",
            json!({"app_id": "com.eg.android.AlipayGphone", "as_of": "2021-07-01"}),
        ),
    ];
    let mut decisions = Vec::new();
    for (route, body) in cases {
        let (status, decision) = s.post(route, &body);
        assert_eq!(status, 200, "{route} {body}: {decision}");
        assert_conforms(
            &spec,
            answer_schema(&spec, "post", route),
            &decision,
            &format!("{route} {body}"),
        );
        decisions.push(decision);
    }
    // Entities: a company an order covers (its path, relations sourced and
    // taken from the path), an app with identifiers, a listed person and a
    // listed organisation.
    let entity_schema = component_schema(&spec, "get", "/v1/entities/{id}", "EntityBody");
    let mut entities = Vec::new();
    for id in ["alipay_com_co", "alipay", "t-1", "t-2"] {
        let (status, e) = s.get(&format!("/v1/entities/{id}?as_of=2021-03-01"));
        assert_eq!(status, 200, "{id}: {e}");
        assert_conforms(&spec, entity_schema, &e, id);
        entities.push(e);
    }
    assert_eq!(entities[0]["coverage"][0]["role"], "developer");
    assert!(entities[0]["graph"]["relations"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    assert_eq!(entities[1]["entity"]["identifiers"][0]["type"], "app.android");
    assert_eq!(entities[2]["entity"]["nationalities"], json!(["RU"]));
    assert_eq!(entities[2]["designations"][0]["program"], "SDGT");
    assert_eq!(entities[3]["designations"][0]["authority"], "US BIS");
    // The cases reach the shapes they are there for.
    assert_eq!(decisions[0]["hits"][0]["by"], "name");
    assert_eq!(
        decisions[0]["hits"][0]["orders"][0]["path"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(decisions[1]["hits"][0]["by"], "identifier");
    assert_eq!(decisions[2]["hits"], json!([]));
    assert_eq!(decisions[3]["apps"][0]["decision"]["orders"][0]["id"], "EO13971");
    assert_eq!(decisions[3]["hits"][0]["field"], "beneficiary");
    assert_eq!(decisions[5]["warnings"][0]["code"], "revoked");
    let alipay_decision = decisions.swap_remove(0);
    let (status, orders) = s.get("/v1/orders?as_of=2021-03-01");
    assert_eq!(status, 200, "{orders}");
    let schema = component_schema(&spec, "get", "/v1/orders", "OrdersBody");
    assert_conforms(&spec, schema, &orders, "/v1/orders");
    let eo13971 = orders["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "EO13971")
        .unwrap();
    assert_eq!(
        (eo13971["status"].as_str(), eo13971["revoked"].as_str()),
        (Some("in_force"), Some("2021-06-09"))
    );
    // Every built-in order in full, with injunctions, an identification and
    // a revocation among them (none has exemptions).
    let schema = component_schema(&spec, "get", "/v1/orders/{id}", "OrderBody");
    let mut parts = std::collections::BTreeSet::new();
    for summary in orders["orders"].as_array().unwrap() {
        let id = summary["id"].as_str().unwrap();
        let (status, order) = s.get(&format!("/v1/orders/{id}?as_of=2020-10-01"));
        assert_eq!(status, 200, "{order}");
        assert_conforms(&spec, schema, &order, id);
        for part in ["enjoined", "identification", "revoked"] {
            if !order["order"][part].is_null() {
                parts.insert(part);
            }
        }
    }
    assert_eq!(parts.len(), 3, "the orders reach {parts:?}");
    // The Alipay decisions above opened alerts.
    let (status, alerts) = s.get("/v1/alerts?status=open");
    assert_eq!(status, 200, "{alerts}");
    let schema = component_schema(&spec, "get", "/v1/alerts", "AlertsBody");
    assert_conforms(&spec, schema, &alerts, "/v1/alerts");
    assert_eq!(alerts["alerts"][0]["id"], alipay_decision["decision_id"]);
    assert_eq!(alerts["next"], Value::Null);
    // The check sees a wrong value, a missing field and a wrong type deep
    // inside a hit.
    let mut wrong = alipay_decision;
    wrong["outcome"] = json!("maybe");
    wrong.as_object_mut().unwrap().remove("decision_id");
    wrong["hits"][0]["features"]["name_score"] = json!("high");
    let broken = support::violations(&spec, party, &wrong);
    assert_eq!(broken.len(), 3, "{broken:#?}");
    assert!(broken.iter().any(|b| b.starts_with("$.outcome: ")), "{broken:#?}");
    assert!(
        broken.iter().any(|b| b.contains("`decision_id` is missing")),
        "{broken:#?}"
    );
    assert!(broken.iter().any(|b| b.starts_with("$.hits[0]")), "{broken:#?}");
}

#[test]
fn a_party_is_decided_recorded_and_opens_an_alert_only_when_it_needs_review() {
    let s = server("party", |_| {});
    let (status, d) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["outcome"], "review");
    assert_eq!(d["hits"][0]["entity_id"], "alipay_com_co");
    assert_eq!(d["hits"][0]["orders"][0]["id"], "EO13971");
    let id = d["decision_id"].as_str().unwrap().to_string();
    let (seq, digits) = id.strip_prefix("d-").and_then(|rest| rest.split_once('-')).unwrap();
    assert!(seq.parse::<u64>().is_ok() && digits.len() == 16, "{id}");

    let (status, stored) = s.get(&format!("/v1/decisions/{id}"));
    assert_eq!(status, 200);
    assert_eq!(stored["kind"], "party");
    assert_eq!(stored["as_of"], "2021-03-01");
    assert_eq!(stored["decision"]["outcome"], "review");
    assert_eq!(stored["input"]["screened"]["party"]["names"][0], "Alipay.com Co., Ltd.");
    assert_eq!(stored["alert"]["status"], "open");

    // After the revocation: allowed, recorded, and no alert.
    let (_, later) = s.post("/v1/screen/party", &alipay("2021-07-01"));
    assert_eq!(later["outcome"], "allow");
    let (_, alerts) = s.get("/v1/alerts?status=open");
    let ids: Vec<&str> = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
    let (_, later_stored) = s.get(&format!("/v1/decisions/{}", later["decision_id"].as_str().unwrap()));
    assert_eq!(later_stored["alert"], Value::Null);

    // The chain holds both.
    let store = Store::open(&s.dir.0).unwrap();
    let check = store.verify_audit().unwrap();
    assert_eq!((check.records, check.first_broken), (2, None));
    let (status, missing) = s.get("/v1/decisions/d-0000000000000000");
    assert_eq!((status, missing["code"].as_str()), (404, Some("not_found")));
}

/// A full disk, or any other failure to append, must not let a decision
/// out unrecorded: the request gets 503 `audit_unavailable`, the log keeps
/// nothing of it, and the writer goes on once the store takes writes again.
#[test]
fn a_decision_that_cannot_be_recorded_is_not_returned_and_the_writer_recovers() {
    let s = server("audit-fails", |_| {});
    let db = rusqlite::Connection::open(s.dir.0.join(interdict_store::DB_FILE)).unwrap();
    // Stands in for a full disk: every append is refused.
    db.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
    )
    .unwrap();
    let (status, body) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["code"], "audit_unavailable");
    assert!(
        body["message"].as_str().unwrap().contains("database or disk is full"),
        "{body}"
    );
    assert_eq!(body.get("outcome"), None, "no decision in the answer: {body}");
    let (_, alerts) = s.get("/v1/alerts?status=open");
    assert_eq!(alerts["alerts"], json!([]));

    db.execute_batch("DROP TRIGGER refuse;").unwrap();
    let (status, d) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!((status, d["outcome"].as_str()), (200, Some("review")), "{d}");
    let check = Store::open(&s.dir.0).unwrap().verify_audit().unwrap();
    assert_eq!((check.records, check.first_broken), (1, None));
}

#[test]
fn bad_requests_get_one_error_shape_naming_the_field() {
    let s = server("errors", |c| c.max_body = 4096);
    let cases = [
        (json!({"names": ["x"], "bogus": 1}), 422, "unknown_field", Some("bogus")),
        (json!({"type": "person"}), 422, "missing_field", Some("names")),
        (
            json!({"names": ["x"], "as_of": "2021-02-30"}),
            422,
            "invalid_field",
            Some("as_of"),
        ),
        (json!({"names": "x"}), 422, "invalid_field", Some("names")),
        (
            json!({"names": ["x"], "identifiers": ["nope"]}),
            422,
            "invalid_field",
            Some("identifiers[0]"),
        ),
        (
            json!({"names": ["x"], "review": 0.99}),
            422,
            "invalid_field",
            Some("review"),
        ),
        (
            json!({"names": ["x"], "policy": "lenient"}),
            422,
            "invalid_field",
            Some("policy"),
        ),
        (json!({"names": [""]}), 422, "invalid_field", Some("names")),
        // serde reads a struct from an array of its fields; the API does not.
        (json!([["Alipay"]]), 422, "invalid_field", None),
    ];
    for (body, status, code, field) in cases {
        let (got, e) = s.post("/v1/screen/party", &body);
        assert_eq!(got, status, "{body}: {e}");
        assert_eq!(e["code"], code, "{body}: {e}");
        assert_eq!(e["field"].as_str(), field, "{body}: {e}");
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    // A field given twice is named (it was refused with no field).
    let (status, text) = s.post_raw(
        "/v1/screen/party",
        "application/json",
        None,
        r#"{"names": ["x"], "names": ["y"]}"#,
    );
    let e: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((status, e["field"].as_str()), (422, Some("names")), "{e}");
    // Cut short, or with more after the object: a second object was
    // dropped unread, so that `x` alone was screened.
    for body in [
        "{\"names\": [",
        "{\"names\": [\"x\"]}{\"names\": [\"Kim Jong Un\"]}",
        "{\"names\": [\"x\"]} garbage",
    ] {
        let (status, text) = s.post_raw("/v1/screen/party", "application/json", None, body);
        let e: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((status, e["code"].as_str()), (400, Some("invalid_json")), "{body}: {e}");
    }
    let (status, _) = s.post_raw(
        "/v1/screen/party",
        "application/json",
        None,
        "{\"names\": [\"x\"]}\r\n \n",
    );
    assert_eq!(status, 200, "white space after the object is fine");
    let (status, text) = s.post_raw("/v1/screen/party", "text/plain", None, "{}");
    let e: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((status, e["code"].as_str()), (415, Some("unsupported_media_type")));
    let big = json!({"names": ["x".repeat(5000)]}).to_string();
    let (status, text) = s.post_raw("/v1/screen/party", "application/json", None, &big);
    let e: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((status, e["code"].as_str()), (413, Some("body_too_large")));
    let (status, e) = s.post("/v1/screen/app", &json!({"app_id": "not an app id"}));
    assert_eq!((status, e["field"].as_str()), (422, Some("app_id")));
    let (status, e) = s.post("/v1/screen/payment", &json!({"payment": {"id": "p", "colour": "red"}}));
    assert_eq!(
        (status, e["code"].as_str(), e["field"].as_str()),
        (422, Some("unknown_field"), Some("payment.colour"))
    );
    for (route, body, field) in [
        ("/v1/screen/app", json!(["com.eg.android.AlipayGphone"]), None),
        (
            "/v1/screen/payment",
            json!({"payment": {"id": "p", "beneficiary": [null]}}),
            Some("payment.beneficiary"),
        ),
        (
            "/v1/screen/payment",
            json!({"payment": {"id": "p", "intermediaries": [["Nobody"]]}}),
            Some("payment.intermediaries[0]"),
        ),
        (
            "/v1/screen/payment",
            json!({"payment": {"id": "p", "beneficiary": {"identifiers": [["lei", "x"]]}}}),
            Some("payment.beneficiary.identifiers[0]"),
        ),
    ] {
        let (status, e) = s.post(route, &body);
        assert_eq!(
            (status, e["message"].as_str(), e["field"].as_str()),
            (422, Some("invalid type: sequence, expected an object"), field),
            "{body}"
        );
    }
    let batch = "{\"app\": [\"com.eg.android.AlipayGphone\"]}\n";
    let (status, text) = s.post_raw("/v1/screen/batch", "application/x-ndjson", None, batch);
    let line: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!((status, &line["error"]["field"]), (200, &json!("app")), "{text}");
    // Nothing bad was recorded: the one record is the good body's.
    assert_eq!(Store::open(&s.dir.0).unwrap().verify_audit().unwrap().records, 1);
}

#[test]
fn apps_and_payments_are_screened_on_their_dates() {
    let s = server("apps", |_| {});
    let (status, d) = s.post(
        "/v1/screen/app",
        &json!({"app_id": "com.eg.android.AlipayGphone", "as_of": "2021-03-01"}),
    );
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["outcome"], "review");
    assert_eq!(d["orders"][0]["id"], "EO13971");
    let (_, d) = s.post(
        "/v1/screen/app",
        &json!({"app_id": "com.eg.android.AlipayGphone", "as_of": "2021-06-09"}),
    );
    assert_eq!(d["outcome"], "allow");

    let payment: Value =
        serde_json::from_str(include_str!("../../../examples/payments.jsonl").lines().next().unwrap()).unwrap();
    let (status, d) = s.post("/v1/screen/payment", &json!({"payment": payment}));
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["outcome"], "review");
    assert_eq!(d["as_of"], "2021-03-01");
    // `as_of` replaces the payment's date: after the revocation it is allowed.
    let (_, d) = s.post(
        "/v1/screen/payment",
        &json!({"payment": payment, "as_of": "2021-07-01"}),
    );
    assert_eq!(d["outcome"], "allow");
    assert_eq!(d["as_of"], "2021-07-01");
}

#[test]
fn a_batch_streams_one_result_per_line_in_order() {
    let s = server("batch", |c| c.max_batch = 3);
    let body = [
        json!({"party": alipay("2021-03-01")}).to_string(),
        String::new(),
        json!({"app": {"app_id": "com.eg.android.AlipayGphone", "as_of": "2021-07-01"}}).to_string(),
        json!({"vessel": {}}).to_string(),
    ]
    .join("\n");
    let (status, text) = s.post_raw("/v1/screen/batch", "application/x-ndjson", None, &body);
    assert_eq!(status, 200, "{text}");
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (lines[0]["line"].as_u64(), lines[0]["decision"]["outcome"].as_str()),
        (Some(1), Some("review"))
    );
    assert_eq!(
        (lines[1]["line"].as_u64(), lines[1]["decision"]["outcome"].as_str()),
        (Some(3), Some("allow"))
    );
    assert!(lines[1]["decision"]["decision_id"].as_str().unwrap().starts_with("d-"));
    assert_eq!(
        (lines[2]["line"].as_u64(), lines[2]["error"]["code"].as_str()),
        (Some(4), Some("unknown_field"))
    );
    assert_eq!(lines[2]["error"]["field"], "vessel");
    assert!(
        lines[2]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("unknown field `vessel`, expected one of `party`, `payment`, `app`"),
        "{}",
        lines[2]
    );
    assert_eq!(Store::open(&s.dir.0).unwrap().verify_audit().unwrap().records, 2);

    // A bad line is named as a body is: codes as in the error table, fields
    // from the line's top (they were `invalid_json` "trailing comma" for a
    // second field, and a screen's errors lost their `party.`).
    for (line, code, field) in [
        (
            r#"{"party": {"names": ["x"]}, "bogus": 1}"#,
            "unknown_field",
            Some("bogus"),
        ),
        (
            r#"{"party": {"names": ["x"], "bogus": 1}}"#,
            "unknown_field",
            Some("party.bogus"),
        ),
        ("{}", "missing_field", None),
        (
            r#"{"party": {"names": ["x"]}, "app": {"app_id": "a.b"}}"#,
            "invalid_field",
            None,
        ),
        (
            r#"{"party": {"names": ["x"], "as_of": "2021-02-30"}}"#,
            "invalid_field",
            Some("party.as_of"),
        ),
        (
            r#"{"app": {"app_id": "a.b", "jurisdictions": ["ZZZ"]}}"#,
            "invalid_field",
            Some("app.jurisdictions[0]"),
        ),
        (
            r#"{"app": {"app_id": "a.b"}}{"party": {"names": ["Kim Jong Un"]}}"#,
            "invalid_json",
            None,
        ),
        (r#"[{"app_id": "a.b"}]"#, "invalid_field", None),
    ] {
        let (status, text) = s.post_raw("/v1/screen/batch", "application/x-ndjson", None, line);
        assert_eq!(status, 200, "{text}");
        let answer: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (answer["error"]["code"].as_str(), answer["error"]["field"].as_str()),
            (Some(code), field),
            "{line}: {answer}"
        );
    }
    assert_eq!(Store::open(&s.dir.0).unwrap().verify_audit().unwrap().records, 2);

    let four = vec![json!({"app": {"app_id": "com.example.a"}}).to_string(); 4].join("\n");
    let (status, text) = s.post_raw("/v1/screen/batch", "application/x-ndjson", None, &four);
    let e: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((status, e["code"].as_str()), (422, Some("batch_too_large")));
    let (status, _) = s.post_raw("/v1/screen/batch", "application/json", None, &body);
    assert_eq!(status, 415);
}

#[test]
fn search_entities_and_orders_answer_on_the_date() {
    let s = server("reads", |_| {});
    let (status, r) = s.get("/v1/search?q=Alipay.com%20Co&limit=3");
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["hits"][0]["entity_id"], "alipay_com_co");
    assert!(r["hits"].as_array().unwrap().len() <= 3);
    let (status, e) = s.get("/v1/search?limit=3");
    assert_eq!(
        (status, e["code"].as_str(), e["field"].as_str()),
        (422, Some("missing_field"), Some("q"))
    );
    let (status, e) = s.get("/v1/search?q=x&limit=0");
    assert_eq!((status, e["field"].as_str()), (422, Some("limit")));

    let (status, e) = s.get("/v1/entities/alipay_com_co?as_of=2021-03-01");
    assert_eq!(status, 200, "{e}");
    assert_eq!(e["entity"]["name"], "Alipay.com Co., Ltd.");
    let cov = &e["coverage"][0];
    assert_eq!(cov["order"], "EO13971");
    assert_eq!(cov["path"][0]["entity_id"], "alipay");
    let nodes: Vec<&str> = e["graph"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        nodes.contains(&"alipay") && nodes.contains(&"alipay_com_co"),
        "{nodes:?}"
    );
    // Listed as of the date asked about: `t-1` is designated from
    // 2019-05-01, and was drawn as listed before it too.
    for (as_of, listed) in [("2019-04-30", false), ("2019-05-01", true)] {
        let (status, e) = s.get(&format!("/v1/entities/t-1?as_of={as_of}"));
        assert_eq!(status, 200, "{e}");
        assert_eq!(e["listed"], listed, "{as_of}");
        let node = e["graph"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == "t-1")
            .unwrap()
            .clone();
        assert_eq!(node["listed"], listed, "{as_of}");
        assert_eq!(e["designations"].as_array().unwrap().len(), 1);
    }
    let (status, _) = s.get("/v1/entities/no-such-entity");
    assert_eq!(status, 404);
    let (status, e) = s.get("/v1/entities/alipay_com_co?as_of=yesterday");
    assert_eq!((status, e["field"].as_str()), (422, Some("as_of")));

    let (_, orders) = s.get("/v1/orders?as_of=2021-03-01");
    let eo = orders["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "EO13971")
        .unwrap()
        .clone();
    assert_eq!(
        (eo["status"].as_str(), eo["effective"].as_str()),
        (Some("in_force"), Some("2021-02-19"))
    );
    let (status, o) = s.get("/v1/orders/EO13971?as_of=2021-07-01");
    assert_eq!(status, 200);
    assert_eq!(o["status"], "revoked");
    let events: Vec<(&str, &str)> = o["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["date"].as_str().unwrap(), e["event"].as_str().unwrap()))
        .collect();
    assert_eq!(
        events,
        [
            ("2021-01-05", "signed"),
            ("2021-02-19", "effective"),
            ("2021-06-09", "revoked")
        ]
    );
    assert_eq!(s.get("/v1/orders/EO99999").0, 404);
}

/// The records, lists, health and readiness answers fit their schemas too,
/// each with its optional parts present: a decision with its alert and a
/// disposition carrying an allowlist entry, a stored snapshot's sources.
#[test]
fn records_dispositions_lists_and_health_conform_to_their_schemas() {
    let s = server("schemas-admin", |_| {});
    let (_, spec) = s.get("/openapi.json");
    let check = |method: &str, route: &str, component: &str, value: &Value| {
        assert_conforms(&spec, component_schema(&spec, method, route, component), value, route);
    };
    let (_, d) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    let id = d["decision_id"].as_str().unwrap().to_string();
    let fp = json!({
        "status": "false_positive", "comment": "a different company", "author": "analyst-1",
        "allowlist": {"expires": "2030-01-01"}
    });
    let (status, done) = s.post_as(&format!("/v1/alerts/{id}/disposition"), Some(TOKEN), &fp);
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["allow_entry"]["expires"], "2030-01-01");
    check("post", "/v1/alerts/{id}/disposition", "Disposition", &done);

    let (status, record) = s.get(&format!("/v1/decisions/{id}"));
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["alert"]["status"], "false_positive");
    assert_eq!(record["dispositions"][0]["id"], done["id"]);
    check("get", "/v1/decisions/{id}", "DecisionRecordBody", &record);

    let (status, imported) = s.post_as(
        "/v1/lists/import",
        Some(TOKEN),
        &json!({"files": [fixture("lists-v2.ftm.jsonl")], "activate": false}),
    );
    assert_eq!(status, 200, "{imported}");
    assert_eq!(imported["live_snapshot_id"], Value::Null);
    assert_eq!(imported["snapshot"]["sources"][0]["format"], "ftm");
    check("post", "/v1/lists/import", "ImportBody", &imported);
    let stored = imported["snapshot"]["id"].as_str().unwrap();
    let (status, activated) = s.post_as("/v1/lists/activate", Some(TOKEN), &json!({"snapshot": stored}));
    assert_eq!(status, 200, "{activated}");
    check("post", "/v1/lists/activate", "ActivateBody", &activated);

    let (status, lists) = s.get("/v1/lists");
    assert_eq!(status, 200, "{lists}");
    assert_eq!(lists["live"]["store_snapshot"], stored);
    assert_eq!(lists["snapshots"].as_array().map(Vec::len), Some(2), "{lists}");
    check("get", "/v1/lists", "ListsBody", &lists);
    check("get", "/healthz", "HealthBody", &s.get("/healthz").1);
    let (_, ready) = s.get("/readyz");
    assert_eq!(ready["snapshot_id"], activated["live_snapshot_id"]);
    check("get", "/readyz", "ReadyBody", &ready);

    // A record whose alert is missing its status, and a lists answer
    // whose entity count is text, are caught.
    let mut wrong = record;
    wrong["alert"].as_object_mut().unwrap().remove("status");
    let broken = support::violations(&spec, answer_schema(&spec, "get", "/v1/decisions/{id}"), &wrong);
    assert!(broken.iter().any(|b| b.starts_with("$.alert")), "{broken:#?}");
    let mut wrong = lists;
    wrong["live"]["entities"] = json!("many");
    let broken = support::violations(&spec, answer_schema(&spec, "get", "/v1/lists"), &wrong);
    assert_eq!(broken.len(), 1, "{broken:#?}");
}

#[test]
fn dispositions_need_the_admin_token_are_audited_and_a_false_positive_allowlists() {
    let s = server("dispose", |_| {});
    let (_, d) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    let id = d["decision_id"].as_str().unwrap().to_string();
    let path = format!("/v1/alerts/{id}/disposition");
    let fp = json!({
        "status": "false_positive", "comment": "our customer is a different company", "author": "analyst-1",
        "allowlist": {"expires": "2030-01-01"}
    });
    let (status, e) = s.post(&path, &fp);
    assert_eq!((status, e["code"].as_str()), (401, Some("unauthorized")));
    let (status, _) = s.post_as(&path, Some("wrong-token"), &fp);
    assert_eq!(status, 401);
    let (status, e) = s.post_as(
        &path,
        Some(TOKEN),
        &json!({"status": "maybe", "comment": "c", "author": "a"}),
    );
    assert_eq!((status, e["field"].as_str()), (422, Some("status")));
    let (status, e) = s.post_as(
        "/v1/alerts/d-0000000000000000/disposition",
        Some(TOKEN),
        &json!({"status": "confirmed", "comment": "c", "author": "a"}),
    );
    assert_eq!(status, 404, "{e}");

    // An entry that would never apply is refused, and so is a comment over
    // 4000 characters (not bytes: 4000 `€` are 12000 bytes and pass).
    for expires in ["2021-01-01".to_string(), chrono::Utc::now().date_naive().to_string()] {
        let body = json!({"status": "false_positive", "comment": "c", "author": "a",
            "allowlist": {"expires": expires}});
        let (status, e) = s.post_as(&path, Some(TOKEN), &body);
        assert_eq!((status, e["field"].as_str()), (422, Some("allowlist.expires")), "{e}");
    }
    for (comment, status) in [("€".repeat(4000), 200), ("€".repeat(4001), 422)] {
        let body = json!({"status": "escalated", "comment": comment, "author": "a"});
        assert_eq!(s.post_as(&path, Some(TOKEN), &body).0, status);
    }

    // Screened with the entity's own country and no reference, the party
    // may be the entity: an entry on its name would never clear it (and the
    // alert would come back at every screen), so it is refused.
    let (_, same_country) = s.post(
        "/v1/screen/party",
        &json!({"names": ["Alipay.com Co., Ltd."], "countries": ["CN"], "as_of": "2021-03-01"}),
    );
    assert!(
        same_country["hits"][0]["evidence"]["country"].as_f64().unwrap_or(0.0) > 0.0,
        "{same_country}"
    );
    let other = format!(
        "/v1/alerts/{}/disposition",
        same_country["decision_id"].as_str().unwrap()
    );
    let (status, e) = s.post_as(&other, Some(TOKEN), &fp);
    assert_eq!((status, e["field"].as_str()), (422, Some("allowlist")), "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("screen the party with a `reference`"),
        "{e}"
    );
    let escalate = json!({"status": "escalated", "comment": "same country", "author": "analyst-1"});
    assert_eq!(s.post_as(&other, Some(TOKEN), &escalate).0, 200);

    let (status, done) = s.post_as(&path, Some(TOKEN), &fp);
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["status"], "false_positive");
    assert_eq!(done["allow_entry"]["entity_id"], "alipay_com_co");
    assert_eq!(done["allow_entry"]["input_key"], "alipay.com co., ltd.");
    assert_eq!(done["allow_entry"]["key_kind"], "name");
    let audit_id = done["audit_decision_id"].as_str().unwrap();
    let (_, audited) = s.get(&format!("/v1/decisions/{audit_id}"));
    assert_eq!(audited["kind"], "disposition");
    assert_eq!(audited["input"]["alert"], id.as_str());

    let (_, open) = s.get("/v1/alerts?status=open");
    assert!(open["alerts"].as_array().unwrap().is_empty(), "{open}");
    let (_, fps) = s.get("/v1/alerts?status=false_positive");
    assert_eq!(fps["alerts"][0]["id"], id.as_str());
    // The entry now suppresses the hit: the same party is allowed.
    let (_, again) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!(again["outcome"], "allow", "{again}");
    assert_eq!(again["suppressed"][0]["suppressed_by"]["author"], "analyst-1");

    // Confirmed after all: the false positive's entry is withdrawn, and the
    // party is no longer allowed.
    let (status, confirmed) = s.post_as(
        &path,
        Some(TOKEN),
        &json!({"status": "confirmed", "comment": "it is the listed company after all", "author": "analyst-2"}),
    );
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["withdrawn_allow_entries"], json!([done["allow_entry"]["id"]]));
    let (_, after) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!(after["outcome"], d["outcome"], "{after}");
    assert_eq!(after["suppressed"], Value::Null, "{after}");
    assert_eq!(
        Store::open(&s.dir.0).unwrap().verify_audit().unwrap().first_broken,
        None
    );
}

/// Adds an entry for Alipay's name to the store in `dir` through a
/// connection of its own, as `interdict allowlist add` does beside a
/// running server.
fn allow_alipay_outside(dir: &Path, author: &str) {
    let mut store = Store::open(dir).unwrap();
    let active = store.active().unwrap().expect("an active snapshot");
    // The entity is the built-in order's, as the server's snapshot has it.
    let mut dataset = interdict_lists::native::load_with_builtin(&[]).unwrap();
    dataset.extend(store.load(&active.id).unwrap());
    let snapshot = interdict_index::Snapshot::build(dataset).unwrap();
    store
        .add_allow_entry(
            &NewAllowEntry {
                input_key: "alipay.com co., ltd.".to_string(),
                key_kind: interdict_model::AllowKeyKind::Name,
                entity_id: "alipay_com_co".to_string(),
                entity_digest: snapshot.entity_digest("alipay_com_co").unwrap(),
                reason: "our customer is a different company".to_string(),
                author: author.to_string(),
                expires: None,
            },
            snapshot.id(),
            "2021-03-01",
        )
        .unwrap();
}

#[test]
fn an_allowlist_entry_added_outside_the_server_applies_at_its_next_refresh() {
    let s = server("allow-refresh", |c| {
        c.allowlist_refresh = Some(Duration::from_millis(50))
    });
    let (_, before) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!(before["outcome"], "review", "{before}");
    let loaded = s.get("/readyz").1["loaded"].clone();
    // `loaded` is to the second: a swap a second later would show.
    std::thread::sleep(Duration::from_millis(1100));
    allow_alipay_outside(&s.dir.0, "analyst-2");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, after) = s.post("/v1/screen/party", &alipay("2021-03-01"));
        assert_eq!(status, 200, "{after}");
        if after["outcome"] == "allow" {
            assert_eq!(
                after["suppressed"][0]["suppressed_by"]["author"], "analyst-2",
                "{after}"
            );
            // The allowlist swapped, the lists did not load again.
            assert_eq!(s.get("/readyz").1["loaded"], loaded);
            break;
        }
        assert!(Instant::now() < deadline, "the entry never applied: {after}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `interdict lists import` beside a running server made a new snapshot
/// active in the store, and the server screened on the old one until a
/// restart while the CLI said "active". It now follows the store's active
/// snapshot on the refresh interval.
#[test]
fn a_snapshot_made_active_outside_the_server_goes_live_at_its_next_refresh() {
    let s = server("follow-active", |c| {
        c.allowlist_refresh = Some(Duration::from_millis(50))
    });
    let first = s.get("/v1/lists").1["live"]["store_snapshot"].clone();
    let second = import(&s.dir.0, &[fixture("lists-v2.ftm.jsonl")]);
    assert_ne!(first, second.as_str());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, lists) = s.get("/v1/lists");
        assert_eq!(status, 200, "{lists}");
        if lists["live"]["store_snapshot"] == second.as_str() {
            break;
        }
        assert!(Instant::now() < deadline, "never followed: {lists}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn without_refreshes_an_entry_added_outside_waits_for_the_next_activation() {
    let s = server("allow-no-refresh", |c| c.allowlist_refresh = None);
    allow_alipay_outside(&s.dir.0, "analyst-3");
    std::thread::sleep(Duration::from_millis(300));
    let (_, still) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!(still["outcome"], "review", "{still}");
    let active = Store::open(&s.dir.0).unwrap().active().unwrap().unwrap().id;
    let (status, activated) = s.post_as("/v1/lists/activate", Some(TOKEN), &json!({"snapshot": active}));
    assert_eq!(status, 200, "{activated}");
    let (_, after) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!(after["outcome"], "allow", "{after}");
    assert_eq!(
        after["suppressed"][0]["suppressed_by"]["author"], "analyst-3",
        "{after}"
    );
}

#[test]
fn without_an_admin_token_admin_routes_are_off_and_a_screen_token_guards_screening() {
    let s = server("tokens", |c| {
        c.admin_token = None;
        c.screen_token = Some("screen-token".to_string());
    });
    let (status, e) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!((status, e["code"].as_str()), (401, Some("unauthorized")));
    let (status, _) = s.post_as("/v1/screen/party", Some("screen-token"), &alipay("2021-03-01"));
    assert_eq!(status, 200);
    let (status, e) = s.post_as(
        "/v1/lists/activate",
        Some("screen-token"),
        &json!({"snapshot": "sha256"}),
    );
    assert_eq!((status, e["code"].as_str()), (403, Some("admin_disabled")));
    // Health stays open for probes.
    assert_eq!(s.get("/readyz").0, 200);
}

#[test]
fn beyond_the_in_flight_limit_requests_are_shed_with_429() {
    let s = server("shed", |c| c.max_in_flight = 0);
    let (status, e) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!((status, e["code"].as_str()), (429, Some("overloaded")));
    assert_eq!(s.get("/healthz").0, 200);
    let (_, metrics) = s.get_text("/metrics");
    assert!(
        metrics.contains("interdict_shed_total{reason=\"in_flight\"}"),
        "{metrics}"
    );
}

#[test]
fn import_and_activation_swap_the_live_snapshot_without_failing_requests() {
    let s = server("swap", |_| {});
    let (_, before) = s.get("/v1/lists");
    let first = before["live"]["snapshot_id"].as_str().unwrap().to_string();
    let first_store = before["live"]["store_snapshot"].as_str().unwrap().to_string();

    let (status, e) = s.post_as(
        "/v1/lists/import",
        Some(TOKEN),
        &json!({"files": ["/no/such/list.csv"]}),
    );
    assert_eq!(
        (status, e["code"].as_str(), e["field"].as_str()),
        (422, Some("import_failed"), Some("files[0]"))
    );
    let (status, imported) = s.post_as(
        "/v1/lists/import",
        Some(TOKEN),
        &json!({"files": [fixture("lists-v2.ftm.jsonl")]}),
    );
    assert_eq!(status, 200, "{imported}");
    let second = imported["live_snapshot_id"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    assert_eq!(s.get("/readyz").1["snapshot_id"], second.as_str());

    // Screen from four threads while the snapshot is swapped back and forth.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut seen = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        seen.push(s.post("/v1/screen/party", &json!({"names": ["Acme Trading LLC"]})).0);
                    }
                    seen
                })
            })
            .collect();
        for i in 0..6 {
            let target = if i % 2 == 0 {
                &first_store
            } else {
                imported["snapshot"]["id"].as_str().unwrap()
            };
            let (status, r) = s.post_as("/v1/lists/activate", Some(TOKEN), &json!({"snapshot": target}));
            assert_eq!(status, 200, "{r}");
        }
        stop.store(true, Ordering::Relaxed);
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    assert!(!statuses.is_empty());
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let (_, after) = s.get("/v1/lists");
    assert_eq!(after["live"]["snapshot_id"], second.as_str());
    assert_eq!(after["snapshots"].as_array().unwrap().len(), 2);
    let (status, e) = s.post_as("/v1/lists/activate", Some(TOKEN), &json!({"snapshot": "sha256:ffff"}));
    assert_eq!((status, e["code"].as_str()), (404, Some("not_found")));
}

/// An import with `activate: false` made its snapshot the store's active
/// one all the same (the next start would have loaded it); and a list that
/// no snapshot could be built from (an id the built-in data has) was stored
/// and made active, for the next start to fail on.
#[test]
fn an_import_activates_only_when_asked_and_only_what_loads() {
    let s = server("import-active", |_| {});
    let active = |s: &Server| {
        let (_, lists) = s.get("/v1/lists");
        let active: Vec<String> = lists["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|snapshot| snapshot["active"] == true)
            .map(|snapshot| snapshot["id"].as_str().unwrap().to_string())
            .collect();
        (
            active,
            lists["live"]["snapshot_id"].clone(),
            lists["snapshots"].as_array().unwrap().len(),
        )
    };
    let before = active(&s);
    assert_eq!(before.0.len(), 1, "{before:?}");

    let (status, imported) = s.post_as(
        "/v1/lists/import",
        Some(TOKEN),
        &json!({"files": [fixture("lists-v2.ftm.jsonl")], "activate": false}),
    );
    assert_eq!(status, 200, "{imported}");
    assert_eq!(imported["live_snapshot_id"], Value::Null);
    assert_eq!(imported["snapshot"]["active"], false, "{imported}");
    let stored = imported["snapshot"]["id"].as_str().unwrap().to_string();
    let after = active(&s);
    assert_eq!((&after.0, &after.1, after.2), (&before.0, &before.1, 2));

    let clash = fixture("clashes-with-builtin.toml");
    let (status, e) = s.post_as("/v1/lists/import", Some(TOKEN), &json!({"files": [clash]}));
    assert_eq!(
        (status, e["code"].as_str(), e["field"].as_str()),
        (422, Some("import_failed"), Some("files[0]")),
        "{e}"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("entity `ant_group`: the built-in data"),
        "{e}"
    );
    assert_eq!(active(&s), after, "nothing stored, nothing activated");

    let (status, activated) = s.post_as("/v1/lists/activate", Some(TOKEN), &json!({"snapshot": stored}));
    assert_eq!(status, 200, "{activated}");
    let now = active(&s);
    assert_eq!(now.0, vec![stored]);
    assert_eq!(now.1, activated["live_snapshot_id"]);
}

#[test]
fn metrics_count_requests_by_route_and_decisions_by_outcome() {
    let s = server("metrics", |_| {});
    s.post("/v1/screen/party", &alipay("2021-03-01"));
    s.get("/v1/entities/alipay_com_co");
    let (status, text) = s.get_text("/metrics");
    assert_eq!(status, 200);
    assert!(
        text.lines().any(|l| l.starts_with("interdict_http_requests_total")
            && l.contains("route=\"/v1/screen/party\"")
            && l.contains("status=\"200\"")),
        "{text}"
    );
    assert!(
        text.contains("route=\"/v1/entities/{id}\""),
        "routes, not raw paths: {text}"
    );
    assert!(!text.contains("alipay_com_co"), "no ids or names in metrics");
    assert!(
        text.contains("interdict_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("interdict_decisions_total") && l.contains("outcome=\"review\"")),
        "{text}"
    );
    // Every metric says what it counts, and the counters whose labels are
    // known are there from the start, at zero if nothing happened yet.
    for name in [
        "interdict_http_requests_total",
        "interdict_http_request_duration_seconds",
        "interdict_decisions_total",
        "interdict_shed_total",
        "interdict_dispositions_total",
    ] {
        assert!(text.contains(&format!("# HELP {name} ")), "{name}: {text}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("interdict_shed_total{reason=\"audit_queue\"}")),
        "{text}"
    );
}

#[test]
fn an_import_that_reads_no_record_is_refused_and_the_live_lists_stay() {
    let s = server("empty-import", |_| {});
    let before = s.get("/readyz").1["snapshot_id"].clone();
    let bad = s.dir.0.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("sdn.csv"), "hello\nworld\n").unwrap();
    let (status, e) = s.post_as("/v1/lists/import", Some(TOKEN), &json!({"files": [bad]}));
    assert_eq!(
        (status, e["code"].as_str(), e["field"].as_str()),
        (422, Some("import_failed"), Some("files[0]")),
        "{e}"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("none of its 2 records could be read"),
        "{e}"
    );
    assert_eq!(s.get("/readyz").1["snapshot_id"], before);
    assert_eq!(s.get("/v1/lists").1["snapshots"].as_array().unwrap().len(), 1);
}

/// docs/api.md: unknown fields are refused in query strings as in bodies,
/// with the same code, on routes with parameters and on routes without.
#[test]
fn an_unknown_query_parameter_is_refused_on_every_api_route_as_unknown_field() {
    let s = server("unknown-query", |_| {});
    let (_, d) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    let id = d["decision_id"].as_str().unwrap().to_string();
    let active = s.get("/v1/lists").1["live"]["store_snapshot"]
        .as_str()
        .unwrap()
        .to_string();
    let expect_unknown = |what: &str, (status, e): (u16, Value), field: &str| {
        assert_eq!(
            (status, e["code"].as_str(), e["field"].as_str()),
            (422, Some("unknown_field"), Some(field)),
            "{what}: {e}"
        );
    };
    // Routes with parameters of their own: one more is refused.
    for (path, field) in [
        ("/v1/search?q=alipay&limt=3", "limt"),
        ("/v1/entities/alipay_com_co?as_of=2021-03-01&asof=2021-03-01", "asof"),
        ("/v1/orders?bogus=1", "bogus"),
        ("/v1/orders/EO13971?as_of=2021-03-01&x", "x"),
        ("/v1/alerts?status=open&colour=red", "colour"),
    ] {
        expect_unknown(path, s.get(path), field);
    }
    // Routes without: any parameter is refused.
    for path in [
        format!("/v1/decisions/{id}?bogus=1"),
        "/v1/lists?bogus=1".to_string(),
        "/healthz?bogus=1".to_string(),
        "/readyz?bogus=1".to_string(),
        "/metrics?bogus=1".to_string(),
        "/openapi.json?bogus=1".to_string(),
    ] {
        expect_unknown(&path, s.get(&path), "bogus");
    }
    assert_eq!(
        s.get("/v1/lists?bogus=1").1["message"],
        "unknown query parameter `bogus`: this route takes none"
    );
    // A name serde's messages could not name, and a parameter without a
    // value, are refused alike.
    expect_unknown("a b", s.get("/v1/lists?a%20b=1"), "a b");
    expect_unknown("x", s.get("/healthz?x"), "x");
    assert_eq!(s.get("/healthz?").0, 200);
    let app = json!({"app_id": "com.eg.android.AlipayGphone", "as_of": "2021-03-01"});
    for (path, body) in [
        ("/v1/screen/party?bogus=1", alipay("2021-03-01")),
        ("/v1/screen/app?bogus=1", app.clone()),
        ("/v1/screen/payment?bogus=1", json!({"payment": {"id": "p"}})),
    ] {
        expect_unknown(path, s.post(path, &body), "bogus");
    }
    let batch = json!({"app": app}).to_string();
    let (status, text) = s.post_raw("/v1/screen/batch?bogus=1", "application/x-ndjson", None, &batch);
    expect_unknown("batch", (status, serde_json::from_str(&text).unwrap()), "bogus");
    let confirm = json!({"status": "confirmed", "comment": "c", "author": "a"});
    let disposition = format!("/v1/alerts/{id}/disposition?bogus=1");
    for (path, body) in [
        (disposition.as_str(), confirm),
        ("/v1/lists/activate?bogus=1", json!({"snapshot": active})),
        (
            "/v1/lists/import?bogus=1",
            json!({"files": [fixture("lists-v2.ftm.jsonl")]}),
        ),
    ] {
        expect_unknown(path, s.post_as(path, Some(TOKEN), &body), "bogus");
    }
    // Refused before anything was done: one decision recorded, the alert
    // still open, one snapshot stored.
    assert_eq!(Store::open(&s.dir.0).unwrap().verify_audit().unwrap().records, 1);
    assert_eq!(s.get(&format!("/v1/decisions/{id}")).1["alert"]["status"], "open");
    assert_eq!(s.get("/v1/lists").1["snapshots"].as_array().map(Vec::len), Some(1));
    // An empty query string is no parameter at all.
    assert_eq!(s.get("/v1/lists?").0, 200);
    assert_eq!(s.get("/healthz?").0, 200);
}

#[test]
fn a_batch_with_no_item_or_that_is_not_utf8_is_refused() {
    let s = server("batch-errors", |_| {});
    for body in ["", "\n\n", " \n\t\n"] {
        let (status, text) = s.post_raw("/v1/screen/batch", "application/x-ndjson", None, body);
        let e: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (status, e["code"].as_str(), e.get("field")),
            (422, Some("empty_batch"), None),
            "{body:?}: {e}"
        );
    }
    let latin1 = b"{\"party\": {\"names\": [\"Fran\xe7ois\"]}}\n";
    let (status, text) = s.post_raw("/v1/screen/batch", "application/x-ndjson", None, latin1);
    let e: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (status, e["code"].as_str(), e.get("field")),
        (400, Some("invalid_body"), None),
        "{e}"
    );
    assert!(
        e["message"].as_str().unwrap().starts_with("the body is not UTF-8"),
        "{e}"
    );
    assert_eq!(Store::open(&s.dir.0).unwrap().verify_audit().unwrap().records, 0);
}

/// An order file that breaks after the server started fails the next
/// load: the activation answers 422 `load_failed` naming the file, and the
/// live snapshot stays.
#[test]
fn a_snapshot_that_cannot_be_built_is_load_failed_and_the_live_one_stays() {
    let s = server("load-failed", |c| {
        let orders = c.data_dir.join("orders.toml");
        std::fs::write(&orders, "format = \"interdict/1\"\n").unwrap();
        c.orders = vec![orders];
    });
    let before = s.get("/readyz").1["snapshot_id"].clone();
    let active = s.get("/v1/lists").1["live"]["store_snapshot"].clone();
    let orders = s.dir.0.join("orders.toml");
    std::fs::write(
        &orders,
        "format = \"interdict/1\"\n[[orders]]\nid = \"X\"\nsigned = \"2021-13-01\"\n",
    )
    .unwrap();
    let (status, e) = s.post_as("/v1/lists/activate", Some(TOKEN), &json!({"snapshot": active}));
    assert_eq!(
        (status, e["code"].as_str(), e.get("field")),
        (422, Some("load_failed"), None),
        "{e}"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{}:4:10", orders.display())),
        "{e}"
    );
    assert_eq!(s.get("/readyz").1["snapshot_id"], before);
    let (status, d) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!((status, d["outcome"].as_str()), (200, Some("review")), "{d}");
}

/// With room for one request waiting on the audit writer, and the writer
/// held by a lock on the log, a third screening request finds the queue
/// full: 429 `overloaded` at once, while the first two are answered once
/// the lock goes.
#[test]
fn when_the_audit_queue_is_full_screening_is_shed_with_429() {
    let s = server("audit-queue", |c| c.audit_queue = 1);
    let db = rusqlite::Connection::open(s.dir.0.join(interdict_store::DB_FILE)).unwrap();
    // The writer waits for this lock (for up to the store's busy timeout,
    // 10 s), holding the first request; the second waits in the queue.
    db.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let app = json!({"app_id": "com.eg.android.AlipayGphone", "as_of": "2021-03-01"});
    let (shed, waited) = std::thread::scope(|scope| {
        let first = scope.spawn(|| s.post("/v1/screen/app", &app));
        std::thread::sleep(Duration::from_millis(300));
        let second = scope.spawn(|| s.post("/v1/screen/app", &app));
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        let shed = s.post("/v1/screen/app", &app);
        let shed_after = started.elapsed();
        db.execute_batch("COMMIT;").unwrap();
        let waited = [first.join().unwrap(), second.join().unwrap()];
        assert!(shed_after < Duration::from_secs(2), "refused at once: {shed_after:?}");
        (shed, waited)
    });
    assert_eq!(
        (shed.0, shed.1["code"].as_str(), shed.1.get("field")),
        (429, Some("overloaded"), None),
        "{}",
        shed.1
    );
    for (status, d) in waited {
        assert_eq!((status, d["outcome"].as_str()), (200, Some("review")), "{d}");
    }
    assert_eq!(Store::open(&s.dir.0).unwrap().verify_audit().unwrap().records, 2);
    let (_, metrics) = s.get_text("/metrics");
    assert!(
        metrics.contains("interdict_shed_total{reason=\"audit_queue\"}"),
        "{metrics}"
    );
}

#[test]
fn cors_is_off_unless_origins_are_configured() {
    let allowed = |origin: &str| {
        vec![
            (
                "access-control-allow-headers".to_string(),
                "authorization, content-type".to_string(),
            ),
            ("access-control-allow-methods".to_string(), "GET, POST".to_string()),
            ("access-control-allow-origin".to_string(), origin.to_string()),
            ("access-control-max-age".to_string(), "600".to_string()),
        ]
    };
    let off = server("cors-off", |_| {});
    assert_eq!(
        off.cross_origin("/v1/lists", "https://elsewhere.example"),
        [("OPTIONS".to_string(), 204, vec![]), ("GET".to_string(), 200, vec![])]
    );
    let on = server("cors-on", |c| c.cors_origins = vec!["https://ui.example".to_string()]);
    assert_eq!(
        on.cross_origin("/v1/lists", "https://ui.example"),
        [
            ("OPTIONS".to_string(), 204, allowed("https://ui.example")),
            ("GET".to_string(), 200, allowed("https://ui.example"))
        ]
    );
    assert_eq!(
        on.cross_origin("/v1/lists", "https://elsewhere.example"),
        [("OPTIONS".to_string(), 204, vec![]), ("GET".to_string(), 200, vec![])]
    );
    let any = server("cors-any", |c| c.cors_origins = vec!["*".to_string()]);
    assert_eq!(
        any.cross_origin("/healthz", "https://elsewhere.example")[1],
        ("GET".to_string(), 200, allowed("https://elsewhere.example"))
    );
}

/// Set by [`the_access_log_names_routes_and_never_ids_names_or_queries`]
/// for the run of [`requests_for_the_access_log`] it starts: `on` turns
/// the access log on.
const ACCESS_LOG: &str = "INTERDICT_TEST_ACCESS_LOG";

/// Requests that carry a name, a reference and ids in their bodies, paths
/// and query strings. Run in a child process by the test below, which
/// reads what the server wrote to stderr.
#[test]
#[ignore = "run in a child process by the_access_log_names_routes_and_never_ids_names_or_queries"]
fn requests_for_the_access_log() {
    let access_log = std::env::var(ACCESS_LOG).is_ok_and(|v| v == "on");
    let s = server("access-log", |c| c.access_log = access_log);
    let party = json!({"names": ["Alipay.com Co., Ltd."], "reference": "customer-4711", "as_of": "2021-03-01"});
    let (status, d) = s.post("/v1/screen/party", &party);
    assert_eq!(status, 200, "{d}");
    let id = d["decision_id"].as_str().unwrap();
    assert_eq!(s.get(&format!("/v1/decisions/{id}")).0, 200);
    assert_eq!(s.get("/v1/entities/alipay_com_co?as_of=2021-03-01").0, 200);
    assert_eq!(s.get("/v1/search?q=Kim%20Jong%20Un").0, 200);
    assert_eq!(s.get("/v1/entities/Kim%20Jong%20Un").0, 404);
}

#[test]
fn the_access_log_names_routes_and_never_ids_names_or_queries() {
    let stderr_of = |setting: &str| -> String {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["requests_for_the_access_log", "--exact", "--ignored", "--nocapture"])
            .env(ACCESS_LOG, setting)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(stdout.contains("1 passed"), "the requests ran: {stdout}");
        stderr
    };
    // By default nothing is written at all.
    assert_eq!(stderr_of("off"), "");
    let log = stderr_of("on");
    let lines: Vec<(&str, &str, &str)> = log
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            assert!(
                fields.len() == 4
                    && fields[3].ends_with("ms")
                    && fields[3].trim_end_matches("ms").parse::<f64>().is_ok(),
                "METHOD ROUTE STATUS TIME: {line:?}"
            );
            (fields[0], fields[1], fields[2])
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("POST", "/v1/screen/party", "200"),
            ("GET", "/v1/decisions/{id}", "200"),
            ("GET", "/v1/entities/{id}", "200"),
            ("GET", "/v1/search", "200"),
            ("GET", "/v1/entities/{id}", "404"),
        ]
    );
    for secret in ["alipay", "Alipay", "4711", "Kim", "Jong", "d-1-"] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
}

/// The two dispositions besides a false positive: each sets its alert's
/// status, takes it out of the open queue, adds no allowlist entry, and is
/// recorded in the audit log with what was decided, by whom and why.
#[test]
fn confirmed_and_escalated_dispositions_set_the_alerts_status_and_are_audited() {
    let s = server("confirm-escalate", |_| {});
    let mut alerts = Vec::new();
    for _ in 0..2 {
        let (status, d) = s.post("/v1/screen/party", &alipay("2021-03-01"));
        assert_eq!((status, d["outcome"].as_str()), (200, Some("review")), "{d}");
        alerts.push(d["decision_id"].as_str().unwrap().to_string());
    }
    let (_, open) = s.get("/v1/alerts?status=open");
    let open_ids: Vec<&str> = open["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(open_ids, [alerts[0].as_str(), alerts[1].as_str()]);

    // An allowlist entry goes only with a false positive.
    let (status, e) = s.post_as(
        &format!("/v1/alerts/{}/disposition", alerts[0]),
        Some(TOKEN),
        &json!({"status": "confirmed", "comment": "c", "author": "a", "allowlist": {}}),
    );
    assert_eq!(
        (status, e["code"].as_str(), e["field"].as_str()),
        (422, Some("invalid_field"), Some("allowlist")),
        "{e}"
    );

    for (alert, status, comment) in [
        (&alerts[0], "confirmed", "the operator of Alipay, named in EO 13971"),
        (&alerts[1], "escalated", "unsure which Alipay entity; to compliance"),
    ] {
        let body = json!({"status": status, "comment": comment, "author": "analyst-7"});
        let (code, done) = s.post_as(&format!("/v1/alerts/{alert}/disposition"), Some(TOKEN), &body);
        assert_eq!(code, 200, "{done}");
        assert_eq!(
            (
                done["alert_id"].as_str(),
                done["status"].as_str(),
                done["comment"].as_str(),
                done["author"].as_str()
            ),
            (Some(alert.as_str()), Some(status), Some(comment), Some("analyst-7")),
            "{done}"
        );
        assert_eq!(done["allow_entry"], Value::Null, "{done}");

        let (_, record) = s.get(&format!("/v1/decisions/{alert}"));
        assert_eq!(record["alert"]["status"], status, "{record}");
        assert_eq!(record["dispositions"].as_array().map(Vec::len), Some(1), "{record}");
        assert_eq!(record["dispositions"][0]["id"], done["id"]);
        let (_, queue) = s.get(&format!("/v1/alerts?status={status}"));
        let ids: Vec<&str> = queue["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [alert.as_str()], "{queue}");

        let audit_id = done["audit_decision_id"].as_str().unwrap();
        let (status_code, audited) = s.get(&format!("/v1/decisions/{audit_id}"));
        assert_eq!(status_code, 200, "{audited}");
        assert_eq!(audited["kind"], "disposition");
        assert_eq!(
            (
                audited["input"]["alert"].as_str(),
                audited["input"]["status"].as_str(),
                audited["input"]["comment"].as_str(),
                audited["input"]["author"].as_str()
            ),
            (Some(alert.as_str()), Some(status), Some(comment), Some("analyst-7")),
            "{audited}"
        );
    }
    assert_eq!(s.get("/v1/alerts?status=open").1["alerts"], json!([]));
    // Neither allowlisted anything: the same party is still for review.
    let (_, again) = s.post("/v1/screen/party", &alipay("2021-03-01"));
    assert_eq!(again["outcome"], "review", "{again}");
    let check = Store::open(&s.dir.0).unwrap().verify_audit().unwrap();
    assert_eq!((check.records, check.first_broken), (5, None));
}

/// A request refused before its body arrived (here for an unknown query
/// parameter) left the connection looking reusable while the server
/// closed it after answering: the client's next request on it, a POST it
/// may not send again, failed with "peer disconnected" (seen as a rare
/// failure of `an_unknown_query_parameter_is_refused_on_every_api_route_as_unknown_field`
/// on a loaded machine, when the body came in a packet of its own). The
/// answer must say the connection closes, or the connection must serve the
/// next request.
#[test]
fn a_request_refused_before_its_body_arrives_says_the_connection_closes() {
    use std::io::{Read, Write};
    let s = server("unread-body", |_| {});
    let body = alipay("2021-03-01").to_string();
    let address = s.base.trim_start_matches("http://");
    let mut stream = connect(address);
    // The head alone: the body is sent only after the answer.
    write!(
        stream,
        "POST /v1/screen/party?bogus=1 HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    let head_end = read_head(&mut stream, &mut answer);
    let head = String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 422"), "{head}");
    // A request whose body was read keeps its connection.
    let (status, kept) = raw_exchange(address, &body);
    assert_eq!(status, 200);
    assert!(!kept.contains("connection: close"), "{kept}");
    if head.contains("\r\nconnection: close\r\n") {
        return;
    }
    // Kept open: then it must serve the next request once the body is in.
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    let mut chunk = [0u8; 4096];
    while answer.len() < head_end + length {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "closed inside the answer");
        answer.extend_from_slice(&chunk[..n]);
    }
    stream.write_all(body.as_bytes()).unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").unwrap();
    let n = stream.read(&mut chunk).unwrap_or(0);
    assert!(
        chunk[..n].starts_with(b"HTTP/1.1 200"),
        "the connection was kept open without saying so, but did not serve the next request: {:?}",
        String::from_utf8_lossy(&chunk[..n])
    );
}

/// A connection to `address` whose reads give up after 10 s.
fn connect(address: &str) -> std::net::TcpStream {
    let stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// Reads from `stream` into `answer` until it holds an answer's head, and
/// returns where the head ends.
fn read_head(stream: &mut std::net::TcpStream, answer: &mut Vec<u8>) -> usize {
    use std::io::Read;
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(at) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            return at + 4;
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the server closed before the answer's head");
        answer.extend_from_slice(&chunk[..n]);
    }
}

/// POSTs `body` to /v1/screen/party in one write on a new connection:
/// the status and the answer's head, lower-cased.
fn raw_exchange(address: &str, body: &str) -> (u16, String) {
    use std::io::Write;
    let mut stream = connect(address);
    let request = format!(
        "POST /v1/screen/party HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let head_end = read_head(&mut stream, &mut answer);
    let head = String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    (status, head)
}

/// A client that sent its headers and then stalled in its body held one of
/// the places in flight for as long as it liked: `max_in_flight` of them
/// kept every other client at 429. The body has `body_timeout` to arrive;
/// then 408 in the one error shape, the connection closed, the place free.
#[test]
fn a_body_that_stalls_gets_408_and_frees_its_place() {
    use std::io::{Read, Write};
    let s = server("stall", |c| {
        c.max_in_flight = 1;
        c.body_timeout = Duration::from_millis(300);
    });
    let address = s.base.trim_start_matches("http://").to_string();
    let mut stalled = connect(&address);
    stalled
        .write_all(
            b"POST /v1/screen/party HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na",
        )
        .unwrap();
    // While it stalls, it holds the one place; a 429 says when to retry.
    std::thread::sleep(Duration::from_millis(100));
    let shed = s
        .agent
        .post(format!("{}/v1/screen/party", s.base))
        .header("Content-Type", "application/json")
        .send(r#"{"names": ["x"]}"#)
        .unwrap();
    assert_eq!(
        (shed.status().as_u16(), shed.headers()["retry-after"].to_str().unwrap()),
        (429, "1")
    );
    let started = Instant::now();
    let mut answer = Vec::new();
    let head_end = read_head(&mut stalled, &mut answer);
    let head = String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 408"), "{head}");
    assert!(head.contains("connection: close"), "{head}");
    let mut rest = Vec::new();
    let _ = stalled.read_to_end(&mut rest);
    answer.extend_from_slice(&rest);
    let body: Value = serde_json::from_slice(&answer[head_end..]).unwrap();
    assert_eq!(body["code"], "body_timeout", "{body}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(s.post("/v1/screen/party", &json!({"names": ["x"]})).0, 200);
}

/// A client that opened a connection and trickled its request's head (or
/// sent none) kept the connection for good: it is closed after
/// `header_timeout`, and the server goes on answering.
#[test]
fn a_head_that_stalls_is_cut_off() {
    use std::io::{Read, Write};
    let s = server("head-stall", |c| c.header_timeout = Duration::from_millis(300));
    let address = s.base.trim_start_matches("http://").to_string();
    let mut trickling = connect(&address);
    trickling
        .write_all(b"POST /v1/screen/party HTTP/1.1\r\nHost: t\r\n")
        .unwrap();
    let silent = connect(&address);
    let started = Instant::now();
    for mut stream in [trickling, silent] {
        let mut rest = Vec::new();
        // Closed by the server (a read error after a reset counts too).
        let _ = stream.read_to_end(&mut rest);
        assert!(!String::from_utf8_lossy(&rest).contains("200 OK"), "{rest:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(s.post("/v1/screen/party", &json!({"names": ["x"]})).0, 200);
}

/// What an HTTP client may count on, each found missing by a review: a
/// method a route does not take, and an id that is not UTF-8, are answered
/// in the one error shape (they were an empty 405 and a plain-text 400);
/// `bearer` in any case is the scheme (it was 401); a 401 says which
/// scheme and a 429 when to try again; `application/JSON` is JSON (it was
/// 415); with CORS on, answers vary by origin.
#[test]
fn the_http_details_a_client_counts_on() {
    let s = server("http", |c| c.cors_origins = vec!["https://ui.example".to_string()]);
    let url = |path: &str| format!("{}{path}", s.base);
    let shape = |r: &mut ureq::http::Response<ureq::Body>| -> Value {
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap()
    };

    let mut r = s.agent.put(url("/v1/orders")).send("").unwrap();
    assert_eq!(r.status().as_u16(), 405);
    assert_eq!(r.headers()["allow"], "GET,HEAD");
    let e = shape(&mut r);
    assert_eq!(e["code"], "method_not_allowed", "{e}");

    for path in ["/v1/entities/%FF", "/v1/orders/%FF", "/v1/decisions/%FF"] {
        let mut r = s.agent.get(url(path)).call().unwrap();
        assert_eq!(r.status().as_u16(), 404, "{path}");
        assert_eq!(shape(&mut r)["code"], "not_found", "{path}");
    }

    let body = json!({"status": "confirmed", "comment": "c", "author": "a"}).to_string();
    let dispose = |authorization: &str| {
        let mut r = s
            .agent
            .post(url("/v1/alerts/d-0000000000000000/disposition"))
            .header("Content-Type", "application/json")
            .header("Authorization", authorization)
            .send(body.as_str())
            .unwrap();
        let challenge = r
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_string());
        (r.status().as_u16(), challenge, shape(&mut r)["code"].clone())
    };
    assert_eq!(dispose(&format!("bearer {TOKEN}")), (404, None, json!("not_found")));
    assert_eq!(dispose(&format!("BEARER {TOKEN}")).0, 404);
    assert_eq!(
        dispose("Bearer wrong"),
        (
            401,
            Some("Bearer realm=\"interdict\"".to_string()),
            json!("unauthorized")
        )
    );

    let (status, _) = s.post_raw(
        "/v1/screen/party",
        "Application/JSON; charset=utf-8",
        None,
        r#"{"names": ["x"]}"#,
    );
    assert_eq!(status, 200);
    let r = s.agent.get(url("/healthz")).call().unwrap();
    assert_eq!(r.headers()["vary"], "origin");
}

/// A value not read from a record that is kept (a misspelt FtM property)
/// is returned with the import as a warning; strict mode refuses the file.
#[test]
fn an_import_returns_its_warnings_and_a_strict_one_refuses_them() {
    let s = server("import-warnings", |_| {});
    let list = s.dir.0.join("misspelt.ftm.jsonl");
    std::fs::write(
        &list,
        concat!(
            r#"{"id": "m-1", "schema": "Person", "properties": {"name": ["DOE, John"], "birthdate": ["1970-01-02"]}}"#,
            "\n",
        ),
    )
    .unwrap();
    let message = format!(
        "{}:1: field `birthdate`: `birthdate` is not a property of Person (is it `birthDate`?); its values would not be read",
        list.display()
    );
    let (status, e) = s.post_as(
        "/v1/lists/import",
        Some(TOKEN),
        &json!({"files": [list], "strict": true}),
    );
    assert_eq!(
        (status, e["code"].as_str(), e["field"].as_str(), e["message"].as_str()),
        (422, Some("import_failed"), Some("files[0]"), Some(message.as_str()))
    );
    let (status, imported) = s.post_as("/v1/lists/import", Some(TOKEN), &json!({"files": [list]}));
    assert_eq!(status, 200, "{imported}");
    assert_eq!(
        imported["warnings"],
        json!([format!(
            "{}:1: field `birthdate`: `birthdate` is not a property of Person (is it `birthDate`?); its values are \
             not read (1 record(s), the first here)",
            list.display()
        )])
    );
    assert_eq!(imported["rejected"], json!([]));
}
