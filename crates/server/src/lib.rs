//! `interdict serve`: the screening API under `/v1`, its OpenAPI
//! description at `/openapi.json`, health and metrics, and the analysts'
//! web UI, from one process on the embedded store.
//!
//! Requests run on the live snapshot they start with; `POST
//! /v1/lists/activate` swaps a new one in atomically. Every decision is
//! appended to the hash-chained audit log before it is returned (group
//! commit, see [`audit`]). Load beyond the limits is refused with 429, not
//! queued without end.

mod api;
mod audit;
mod connections;
mod error;
mod extract;
mod screening;
mod state;
mod ui;
mod unread;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

pub use api::ApiDoc;
pub use error::{Error, ErrorBody};
use state::AppState;

/// How the server runs. Its `Debug` leaves the tokens out.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// The store's folder.
    pub data_dir: PathBuf,
    /// Order files loaded with the built-in orders (`--orders`).
    pub orders: Vec<PathBuf>,
    /// Needed for list import and activation, and for dispositions; those
    /// routes are off without it.
    pub admin_token: Option<String>,
    /// When set, screening and read routes need it (or the admin token).
    pub screen_token: Option<String>,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// How long a request's body may take to arrive once its headers have;
    /// past it, 408. A client that stalls mid-body would otherwise hold
    /// one of the `max_in_flight` places for as long as it likes.
    pub body_timeout: std::time::Duration,
    /// How long a request's head may take to arrive; past it the
    /// connection is closed. A client trickling its headers, or sending
    /// none, would otherwise keep its connection for good.
    pub header_timeout: std::time::Duration,
    /// Most items in one batch.
    pub max_batch: usize,
    /// Most requests in flight at once; beyond it, 429.
    pub max_in_flight: usize,
    /// Requests waiting for the audit writer at most; beyond it, 429.
    pub audit_queue: usize,
    /// How the audit log's commits reach the disk (`Commit` by default).
    pub audit_durability: interdict_store::Durability,
    /// Origins allowed by CORS; empty = CORS off.
    pub cors_origins: Vec<String>,
    /// One line per request on stderr (method, route, status, time; never
    /// bodies or query strings, which may hold names).
    pub access_log: bool,
    /// How often the store's allowlist and active snapshot are read again,
    /// so that entries added and snapshots made active outside the server
    /// (`interdict allowlist add`, `lists import`, another server on the
    /// same store) apply without an activation; `None`: never.
    pub allowlist_refresh: Option<std::time::Duration>,
}

impl Config {
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> Config {
        Config {
            listen,
            data_dir,
            orders: Vec::new(),
            admin_token: None,
            screen_token: None,
            max_body: 1 << 20,
            body_timeout: std::time::Duration::from_secs(10),
            header_timeout: std::time::Duration::from_secs(10),
            max_batch: 1000,
            max_in_flight: 512,
            audit_queue: 1024,
            audit_durability: interdict_store::Durability::Commit,
            cors_origins: Vec::new(),
            access_log: false,
            allowlist_refresh: Some(std::time::Duration::from_secs(5)),
        }
    }
}

/// Says whether a token is set, never what it is: a configuration gets
/// printed (in a log line, a panic, an error report), a token must not be.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured so that a field added later has to be placed here.
        let Config {
            listen,
            data_dir,
            orders,
            admin_token,
            screen_token,
            max_body,
            body_timeout,
            header_timeout,
            max_batch,
            max_in_flight,
            audit_queue,
            audit_durability,
            cors_origins,
            access_log,
            allowlist_refresh,
        } = self;
        let redacted = |token: &Option<String>| token.as_ref().map(|_| "<redacted>");
        f.debug_struct("Config")
            .field("listen", listen)
            .field("data_dir", data_dir)
            .field("orders", orders)
            .field("admin_token", &redacted(admin_token))
            .field("screen_token", &redacted(screen_token))
            .field("max_body", max_body)
            .field("body_timeout", body_timeout)
            .field("header_timeout", header_timeout)
            .field("max_batch", max_batch)
            .field("max_in_flight", max_in_flight)
            .field("audit_queue", audit_queue)
            .field("audit_durability", audit_durability)
            .field("cors_origins", cors_origins)
            .field("access_log", access_log)
            .field("allowlist_refresh", allowlist_refresh)
            .finish()
    }
}

/// The metrics recorder is process-wide: installed once, shared by every
/// server the process starts (tests start several).
pub(crate) fn metrics_handle() -> PrometheusHandle {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("interdict_http_request_duration_seconds".to_string()),
                    &[0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0],
                )
                .expect("valid buckets")
                .build_recorder();
            let handle = recorder.handle();
            // Another recorder may be installed already (an embedding
            // program's); then this handle just renders nothing of ours.
            if metrics::set_global_recorder(recorder).is_ok() {
                describe_metrics();
            }
            handle
        })
        .clone()
}

/// Says what each metric counts (the `# HELP` lines), and starts the
/// counters whose labels are known at zero, so that a rate over them has a
/// start, and a dashboard a series, before the first event.
fn describe_metrics() {
    use metrics::{counter, describe_counter, describe_histogram, Unit};
    describe_counter!(
        "interdict_http_requests_total",
        "HTTP requests answered, by route, method and status"
    );
    describe_histogram!(
        "interdict_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by route"
    );
    describe_counter!(
        "interdict_decisions_total",
        "Decisions returned, by kind of input and outcome"
    );
    describe_counter!("interdict_dispositions_total", "Alert dispositions recorded, by status");
    describe_counter!(
        "interdict_shed_total",
        "Requests refused with 429 to shed load, by reason (in_flight, audit_queue)"
    );
    describe_counter!("interdict_audit_records_total", "Decisions appended to the audit log");
    describe_counter!("interdict_snapshot_swaps_total", "Screening snapshots swapped in");
    describe_counter!(
        "interdict_allowlist_swaps_total",
        "Allowlists swapped in without a snapshot swap"
    );
    for status in ["confirmed", "false_positive", "escalated"] {
        counter!("interdict_dispositions_total", "status" => status).absolute(0);
    }
    for reason in ["in_flight", "audit_queue"] {
        counter!("interdict_shed_total", "reason" => reason).absolute(0);
    }
    for name in [
        "interdict_audit_records_total",
        "interdict_snapshot_swaps_total",
        "interdict_allowlist_swaps_total",
    ] {
        counter!(name).absolute(0);
    }
}

/// A started server: its address, and its state for tests.
pub struct Running {
    pub addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    refresh: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) {
        if let Some(refresh) = self.refresh.take() {
            refresh.abort();
        }
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        let _ = self.task.await;
    }

    /// Whether a snapshot is loaded.
    pub fn ready(&self) -> bool {
        self.state.live.load().is_some()
    }
}

/// Binds, starts serving (routes answer 503 `not_ready` until the snapshot
/// is loaded), loads the active snapshot, and returns.
pub async fn start(config: Config) -> Result<Running, Error> {
    let listener =
        listen(config.listen).map_err(|e| Error::internal(format!("cannot listen on {}: {e}", config.listen)))?;
    let addr = listener.local_addr().map_err(|e| Error::internal(e.to_string()))?;
    let state = Arc::new(AppState::open(config)?);
    let app = router(state.clone());
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(connections::serve(listener, app, state.config.header_timeout, stopped));
    state.reload(None).await?;
    let refresh = state.config.allowlist_refresh.map(|every| {
        let state = state.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                // The error names the store, never an entry: entries hold
                // names.
                if let Err(e) = state.refresh_allowlist().await {
                    eprintln!("warning: allowlist not read again: {}", e.body.message);
                }
                match state.follow_active_snapshot().await {
                    Ok(true) => {
                        let id = state.live.load_full().and_then(|l| l.store_snapshot.clone());
                        eprintln!(
                            "the store's active snapshot changed: now screening with {}",
                            id.unwrap_or_default()
                        );
                    }
                    Ok(false) => {}
                    Err(e) => eprintln!(
                        "warning: the store's new active snapshot cannot be loaded; still screening with the \
                         live one: {}",
                        e.body.message
                    ),
                }
            }
        })
    });
    Ok(Running {
        addr,
        state,
        shutdown: Some(shutdown),
        task,
        refresh,
    })
}

/// Connections the kernel holds for `accept` at most. The default (128)
/// drops connection attempts under a burst, and a dropped SYN costs the
/// client a retry after 1, 2, 4 s: a larger queue keeps overload answered
/// with 429s rather than with connect timeouts.
const LISTEN_BACKLOG: u32 = 4096;

fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Runs until Ctrl-C or SIGTERM, then drains requests in flight.
pub async fn serve(config: Config) -> Result<(), Error> {
    let running = start(config).await?;
    let live = running.state.live()?;
    eprintln!(
        "interdict serving on http://{} (snapshot {}; {}); UI at http://{}/",
        running.addr,
        live.snapshot.id(),
        live.lists,
        running.addr
    );
    shutdown_signal().await;
    eprintln!("shutting down: finishing requests in flight");
    running.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn router(state: Arc<AppState>) -> Router {
    // Installed before the first request, so that every request is counted.
    metrics_handle();
    let max_in_flight = state.config.max_in_flight;
    let in_flight = Arc::new(tokio::sync::Semaphore::new(max_in_flight));
    let v1 = Router::new()
        .route("/v1/screen/party", post(api::screen_party))
        .route("/v1/screen/payment", post(api::screen_payment))
        .route("/v1/screen/app", post(api::screen_app))
        .route("/v1/screen/batch", post(api::screen_batch))
        .route("/v1/search", get(api::search))
        .route("/v1/entities/{id}", get(api::entity))
        .route("/v1/orders", get(api::orders))
        .route("/v1/orders/{id}", get(api::order))
        .route("/v1/decisions/{id}", get(api::decision))
        .route("/v1/alerts", get(api::alerts))
        .route("/v1/alerts/{id}/disposition", post(api::dispose))
        .route("/v1/lists", get(api::lists))
        .route("/v1/lists/import", post(api::import))
        .route("/v1/lists/activate", post(api::activate))
        .merge(ui::routes())
        .layer(middleware::from_fn(move |req, next| shed(in_flight.clone(), req, next)));
    Router::new()
        .merge(v1)
        .route("/healthz", get(api::healthz))
        .route("/readyz", get(api::readyz))
        .route("/openapi.json", get(api::openapi_json))
        .route("/metrics", get(api::metrics))
        .fallback(not_found)
        .layer(middleware::from_fn(method_not_allowed))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(DefaultBodyLimit::max(state.config.max_body))
        .layer(axum::Extension(extract::BodyTimeout(state.config.body_timeout)))
        .layer(middleware::from_fn(unread::close_if_body_unread))
        .with_state(state)
}

/// axum answers a method a route does not take with an empty 405 (and
/// adds the `Allow` header after this layer): it gets the one error shape.
async fn method_not_allowed(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != axum::http::StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    Error::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take this method: the `Allow` header says which it takes",
    )
    .into_response()
}

async fn not_found() -> Error {
    Error::not_found("no such route; GET /openapi.json describes the API")
}

/// Refuses a request with 429 when `max_in_flight` are already running,
/// rather than letting them queue without end.
async fn shed(in_flight: Arc<tokio::sync::Semaphore>, req: Request, next: Next) -> Response {
    match in_flight.try_acquire() {
        Ok(_permit) => next.run(req).await,
        Err(_) => {
            metrics::counter!("interdict_shed_total", "reason" => "in_flight").increment(1);
            Error::overloaded().into_response()
        }
    }
}

/// Counts and times every request by route (never by raw path, which may
/// hold ids), writes the access log line, and applies CORS when configured.
async fn observe(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let origin = req.headers().get(header::ORIGIN).cloned();
    let preflight = method == Method::OPTIONS && origin.is_some();
    let mut response = if preflight {
        axum::http::StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let elapsed = started.elapsed();
    let status = response.status().as_u16().to_string();
    metrics::counter!("interdict_http_requests_total", "route" => route.clone(), "method" => method.to_string(), "status" => status.clone()).increment(1);
    metrics::histogram!("interdict_http_request_duration_seconds", "route" => route.clone())
        .record(elapsed.as_secs_f64());
    if state.config.access_log {
        eprintln!("{method} {route} {status} {:.3}ms", elapsed.as_secs_f64() * 1000.0);
    }
    if !state.config.cors_origins.is_empty() {
        // With CORS on, an answer depends on the origin asked from: a cache
        // must keep one per origin.
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("origin"));
    }
    if let Some(origin) = origin {
        let allowed = origin
            .to_str()
            .map(|o| state.config.cors_origins.iter().any(|a| a == o || a == "*"))
            .unwrap_or(false);
        if allowed {
            let h = response.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization, content-type"),
            );
            h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(600u32));
        }
    }
    response
}

/// A list file as read, as the store records it.
pub(crate) fn source_file(file: &interdict_lists::files::ReadFile) -> interdict_store::SourceFile {
    interdict_store::SourceFile::new(
        file.recorded_path(),
        file.format.to_string(),
        file.sha256.clone(),
        file.records,
        file.rejected.len() as u64,
        file.warnings.len() as u64,
        file.modified,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    #[test]
    fn a_configurations_debug_form_says_a_token_is_set_but_not_what_it_is() {
        let mut config = Config::new("127.0.0.1:8080".parse().unwrap(), PathBuf::from("/srv/interdict"));
        config.admin_token = Some("admin-s3cret-token".to_string());
        config.screen_token = Some("screen-s3cret-token".to_string());
        let text = format!("{config:?}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(
            text.contains("admin_token: Some(\"<redacted>\"), screen_token: Some(\"<redacted>\")"),
            "{text}"
        );
        // Everything else is shown.
        assert!(
            text.contains("listen: 127.0.0.1:8080, data_dir: \"/srv/interdict\""),
            "{text}"
        );
        assert!(text.contains("max_in_flight: 512, audit_queue: 1024"), "{text}");
        config.screen_token = None;
        assert!(format!("{config:?}").contains("screen_token: None"));
        assert!(!format!("{config:#?}").contains("s3cret"));
    }

    /// The window between binding and the first load, which `start` closes
    /// before it returns: the state is opened and no snapshot loaded.
    #[tokio::test]
    async fn before_a_snapshot_is_loaded_readiness_and_screening_answer_503_not_ready() {
        let dir = std::env::temp_dir().join(format!("interdict-not-ready-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let state = Arc::new(AppState::open(Config::new("127.0.0.1:0".parse().unwrap(), dir.clone())).unwrap());
        let app = router(state);
        let answer = |request: Request| {
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await.unwrap();
                let status = response.status().as_u16();
                let close = response.headers().get(header::CONNECTION).cloned();
                let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
                (
                    status,
                    close,
                    serde_json::from_slice::<serde_json::Value>(&body).unwrap(),
                )
            }
        };
        let (status, close, body) = answer(Request::get("/readyz").body(Body::empty()).unwrap()).await;
        assert_eq!((status, body["code"].as_str()), (503, Some("not_ready")), "{body}");
        assert_eq!(body.get("field"), None);
        // Nothing of the request is left unread: the connection stays.
        assert_eq!(close, None);
        let party = Request::post("/v1/screen/party")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"names": ["Alipay.com Co., Ltd."]}"#))
            .unwrap();
        let (status, close, body) = answer(party).await;
        assert_eq!((status, body["code"].as_str()), (503, Some("not_ready")), "{body}");
        // Its body was read before it was refused: the connection stays
        // (an answer before the body says it closes; tests/api.rs).
        assert_eq!(close, None);
        // Liveness does not wait for the lists.
        let (status, _, body) = answer(Request::get("/healthz").body(Body::empty()).unwrap()).await;
        assert_eq!((status, body), (200, serde_json::json!({"status": "ok"})));
        std::fs::remove_dir_all(&dir).ok();
    }
}
