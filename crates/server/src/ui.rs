//! The analysts' web UI: pages rendered on the server from the same
//! functions as the `/v1` API, with one small stylesheet and one small
//! script (no build step).
//!
//! - `/`: screen a party and look names up;
//! - `/ui/alerts`: the review queue, with a disposition form per alert;
//! - `/ui/entities/{id}`: an entity, its designations, how orders and
//!   ownership rules reach it, and its ownership and control graph (SVG);
//! - `/ui/decisions/{id}`: a recorded decision, feature by feature;
//! - `/ui/orders`, `/ui/orders/{id}`: the orders, and one order's timeline
//!   (SVG).
//!
//! Pages only read. Screening and dispositions are posted to `/v1` by the
//! browser, with the token the analyst typed in (kept in
//! `sessionStorage`). When the server has a screening token, pages need it
//! too: as a bearer token, or as the `interdict_token` cookie that the
//! pages' token form sets.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::Datelike;
use interdict_model::{Date, Order};
use interdict_store::{Alert, AlertStatus};
use serde_json::Value;

use crate::api;
use crate::extract::{authorize, date_or_today, Role};
use crate::state::AppState;
use crate::Error;

type Shared = State<Arc<AppState>>;
type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// `write!` into a `String`, which cannot fail.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{
        let _ = write!($dst, $($arg)*);
    }};
}

const CSS: &str = include_str!("../assets/ui.css");
const JS: &str = include_str!("../assets/ui.js");
const ICON: &str = include_str!("../assets/icon.svg");

/// Scripts and styles come from this server only; no inline script runs.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Alerts shown on one page of the queue.
const ALERTS_PAGE: usize = 100;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(screen_page))
        .route("/ui", get(|| async { Redirect::to("/") }))
        .route("/ui/", get(|| async { Redirect::to("/") }))
        .route("/ui/alerts", get(alerts_page))
        .route("/ui/entities/{id}", get(entity_page))
        .route("/ui/decisions/{id}", get(decision_page))
        .route("/ui/orders", get(orders_page))
        .route("/ui/orders/{id}", get(order_page))
        .route(
            "/ui/assets/ui.css",
            get(|| async { asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            "/ui/assets/ui.js",
            get(|| async { asset("text/javascript; charset=utf-8", JS) }),
        )
        .route("/ui/assets/icon.svg", get(|| async { asset("image/svg+xml", ICON) }))
        .route("/ui/{*rest}", get(unknown_page))
}

// ---------------------------------------------------------------------------
// Text, links and the page around every view

/// `s` escaped for HTML and SVG text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `s` percent-encoded for one path segment or query value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            w!(out, "%{b:02X}");
        }
    }
    out
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn entity_href(id: &str, as_of: &str) -> String {
    if as_of.is_empty() {
        format!("/ui/entities/{}", enc(id))
    } else {
        format!("/ui/entities/{}?as_of={}", enc(id), enc(as_of))
    }
}

fn order_href(id: &str, as_of: &str) -> String {
    if as_of.is_empty() {
        format!("/ui/orders/{}", enc(id))
    } else {
        format!("/ui/orders/{}?as_of={}", enc(id), enc(as_of))
    }
}

fn decision_href(id: &str) -> String {
    format!("/ui/decisions/{}", enc(id))
}

/// A JSON scalar as text: strings as they are, `null` as nothing.
fn st(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// `in_force` → `in force`.
fn human(s: &str) -> String {
    s.replace('_', " ")
}

/// A share in percent: `33%`, `22.42%`.
fn pct(p: f64) -> String {
    let text = format!("{p:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}%")
}

fn score(v: &Value) -> String {
    v.as_f64().map(|s| format!("{s:.3}")).unwrap_or_default()
}

/// A class name made of `[a-z0-9_-]` only.
fn class_word(s: &str) -> String {
    s.chars()
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

/// A coloured label: `badge(\"outcome\", \"review\")` is an amber REVIEW.
fn badge(family: &str, value: &str) -> String {
    let text = match family {
        "outcome" => value.to_uppercase(),
        _ => human(value),
    };
    format!(
        "<span class=\"badge {}-{}\">{}</span>",
        class_word(family),
        class_word(value),
        esc(&text)
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Nav {
    Screen,
    Alerts,
    Orders,
    None,
}

/// The page around a view: head, navigation bar, and `body` (HTML).
fn page(title: &str, nav: Nav, body: &str) -> String {
    let link = |href: &str, label: &str, this: Nav| {
        let current = if nav == this { " aria-current=\"page\"" } else { "" };
        format!("<a href=\"{href}\"{current}>{label}</a>")
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} · interdict</title>\n<link rel=\"stylesheet\" href=\"/ui/assets/ui.css\">\n\
         <link rel=\"icon\" href=\"/ui/assets/icon.svg\" type=\"image/svg+xml\">\n\
         <script src=\"/ui/assets/ui.js\" defer></script>\n</head>\n<body>\n\
         <header class=\"top\"><nav class=\"nav\" aria-label=\"Main\"><span class=\"brand\">interdict</span>{}{}{}</nav></header>\n\
         <main>\n{}\n</main>\n</body>\n</html>\n",
        esc(title),
        link("/", "Screen", Nav::Screen),
        link("/ui/alerts", "Alerts", Nav::Alerts),
        link("/ui/orders", "Orders", Nav::Orders),
        body
    )
}

/// The token form: the token stays in this tab's `sessionStorage` (and a
/// session cookie for the pages), never in the page.
fn token_form(purpose: &str) -> String {
    format!(
        "<form class=\"token-form\" id=\"token-form\" autocomplete=\"off\">\
         <label for=\"token-input\">Token</label> \
         <input type=\"password\" id=\"token-input\" name=\"token\" placeholder=\"{}\" size=\"28\"> \
         <button type=\"submit\">Save token</button> \
         <button type=\"button\" id=\"token-forget\" class=\"secondary\">Forget</button> \
         <span id=\"token-state\" class=\"muted\" role=\"status\"></span></form>",
        esc(purpose)
    )
}

fn html_response(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    let mut response = text.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// An error as an HTML page with the error's status.
fn error_page(e: &Error) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::UNAUTHORIZED => "Token needed",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "Not understood",
        StatusCode::SERVICE_UNAVAILABLE => "Not ready",
        StatusCode::TOO_MANY_REQUESTS => "Busy",
        _ => "Error",
    };
    let mut body = format!(
        "<h1>{}</h1>\n<p class=\"error-message\" data-code=\"{}\">{}</p>\n",
        esc(title),
        esc(e.body.code),
        esc(&e.body.message)
    );
    if e.status == StatusCode::UNAUTHORIZED {
        body.push_str("<p>Enter the screening or admin token; the page reloads with it.</p>\n");
        body.push_str(&token_form("token"));
        body.push_str("<span id=\"token-reload\" hidden></span>\n");
    }
    body.push_str("<p><a href=\"/\">Screen a party</a> · <a href=\"/ui/alerts\">Alerts</a> · <a href=\"/ui/orders\">Orders</a></p>\n");
    html_response(e.status, page(title, Nav::None, &body))
}

fn respond(result: Result<String, Error>) -> Response {
    match result {
        Ok(html) => html_response(StatusCode::OK, html),
        Err(e) => error_page(&e),
    }
}

/// A page's query parameters. Pages read the ones they use and ignore the
/// rest, so that a link carrying more still opens. Any query string reads
/// as a map of strings (bad escapes decode lossily), but should one not,
/// it is a bad parameter like any other: a 422 page.
fn query(params: Params) -> Result<HashMap<String, String>, Error> {
    params.map(|Query(q)| q).map_err(|e| Error::from_query(&e))
}

/// The `as_of` parameter, or today.
fn as_of_param(q: &HashMap<String, String>) -> Result<Date, Error> {
    date_or_today(q.get("as_of").map(|s| s.trim()).filter(|s| !s.is_empty()), "as_of")
}

/// The token from the `interdict_token` cookie, if any.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix("interdict_token="))
        .find_map(percent_decode)
        .filter(|t| !t.is_empty())
}

/// Pages show what the read routes show, so they need what those need:
/// the screening token when one is set (as a bearer token or the cookie).
fn allow_page(state: &AppState, headers: &HeaderMap) -> Result<(), Error> {
    if state.config.screen_token.is_none() {
        return Ok(());
    }
    let mut req = axum::http::Request::new(());
    if let Some(v) = headers.get(header::AUTHORIZATION) {
        req.headers_mut().insert(header::AUTHORIZATION, v.clone());
    } else if let Some(token) = cookie_token(headers) {
        if let Ok(v) = HeaderValue::from_str(&format!("Bearer {token}")) {
            req.headers_mut().insert(header::AUTHORIZATION, v);
        }
    }
    let (parts, ()) = req.into_parts();
    authorize(state, &parts, Role::Screen)
}

// ---------------------------------------------------------------------------
// Handlers

async fn screen_page(State(state): Shared) -> Response {
    let body = render_screen(state.config.screen_token.is_some());
    html_response(StatusCode::OK, page("Screen", Nav::Screen, &body))
}

async fn unknown_page() -> Response {
    error_page(&Error::not_found("no such page"))
}

async fn entity_page(State(state): Shared, headers: HeaderMap, Path(id): Path<String>, params: Params) -> Response {
    respond((|| {
        allow_page(&state, &headers)?;
        let q = query(params)?;
        let as_of = as_of_param(&q)?;
        let live = state.live()?;
        let view = page_view(api::entity_view(&live, &id, as_of)?)?;
        let name = st(&view["entity"]["name"]);
        Ok(page(&name, Nav::None, &render_entity(&view)))
    })())
}

/// An API body as the JSON the page renders from: the pages read the
/// same answers the API gives.
fn page_view(body: impl serde::Serialize) -> Result<Value, Error> {
    serde_json::to_value(body).map_err(|e| Error::internal(e.to_string()))
}

async fn decision_page(State(state): Shared, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let result = async {
        allow_page(&state, &headers)?;
        let record = api::decision_record(&state, id.clone()).await?;
        let view = page_view(record)?;
        Ok(page(&format!("Decision {id}"), Nav::None, &render_decision(&view)))
    };
    respond(result.await)
}

async fn alerts_page(State(state): Shared, headers: HeaderMap, params: Params) -> Response {
    let result = async {
        allow_page(&state, &headers)?;
        let q = query(params)?;
        let filter = q.get("status").map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let filter = filter.unwrap_or_else(|| "open".to_string());
        let status = match filter.as_str() {
            "all" => None,
            s => Some(s.parse::<AlertStatus>().map_err(|m| Error::invalid("status", m))?),
        };
        let after = q.get("after").cloned().filter(|s| !s.is_empty());
        let alerts = state
            .with_store(move |s| Ok(s.alerts(status, ALERTS_PAGE, after.as_deref())?))
            .await?;
        let next = (alerts.len() == ALERTS_PAGE)
            .then(|| alerts.last().map(|a| a.id.clone()))
            .flatten();
        let admin = state.config.admin_token.is_some();
        Ok(page(
            "Alerts",
            Nav::Alerts,
            &render_alerts(&alerts, &filter, next.as_deref(), admin),
        ))
    };
    respond(result.await)
}

async fn orders_page(State(state): Shared, headers: HeaderMap, params: Params) -> Response {
    respond((|| {
        allow_page(&state, &headers)?;
        let q = query(params)?;
        let as_of = as_of_param(&q)?;
        let live = state.live()?;
        let orders: Vec<&Order> = live.snapshot.orders().iter().collect();
        Ok(page("Orders", Nav::Orders, &render_orders(&orders, as_of)))
    })())
}

async fn order_page(State(state): Shared, headers: HeaderMap, Path(id): Path<String>, params: Params) -> Response {
    respond((|| {
        allow_page(&state, &headers)?;
        let q = query(params)?;
        let as_of = as_of_param(&q)?;
        let live = state.live()?;
        let view = page_view(api::order_view(&live, &id, as_of)?)?;
        let order = live
            .snapshot
            .order(&id)
            .ok_or_else(|| Error::not_found(format!("no order `{id}`")))?;
        let events: Vec<Event> = api::timeline(order)
            .into_iter()
            .map(|(date, kind, text)| Event {
                date,
                kind: kind.to_string(),
                text,
            })
            .collect();
        let (start, end) = axis_range(&events, as_of);
        let spans = status_spans(order, start, end);
        let chart = timeline_svg(&events, &spans, start, end, as_of);
        Ok(page(
            &format!("{} {}", order.id, order.title),
            Nav::Orders,
            &render_order(&view, &chart),
        ))
    })())
}

// ---------------------------------------------------------------------------
// Screening

/// The screening form and the name search; with the token form when the
/// server asks for a screening token.
fn render_screen(token: bool) -> String {
    let mut out = String::new();
    if token {
        out.push_str("<div class=\"card\"><p>Screening and search need the screening (or admin) token.</p>");
        out.push_str(&token_form("screening token"));
        out.push_str("</div>\n");
    }
    out.push_str(
        "<h1>Screen a party</h1>\n\
         <form id=\"screen-form\" class=\"card form-grid\" autocomplete=\"off\">\n\
         <label class=\"wide\">Names <span class=\"muted\">(one a line: the name and any aliases)</span>\
         <textarea name=\"names\" id=\"screen-names\" rows=\"2\" required></textarea></label>\n\
         <label>Type <select name=\"type\" id=\"screen-type\">\
         <option value=\"\">any</option><option value=\"person\">person</option>\
         <option value=\"organization\">organization</option><option value=\"vessel\">vessel</option>\
         <option value=\"aircraft\">aircraft</option></select></label>\n\
         <label>Birth date <input name=\"birth_date\" id=\"screen-birth-date\" placeholder=\"YYYY, YYYY-MM or YYYY-MM-DD\"></label>\n\
         <label>Countries <input name=\"countries\" id=\"screen-countries\" placeholder=\"CN, Hong Kong\"></label>\n\
         <label>As of <input type=\"date\" name=\"as_of\" id=\"screen-as-of\"></label>\n\
         <label>Jurisdictions <input name=\"jurisdictions\" id=\"screen-jurisdictions\" value=\"US\"></label>\n\
         <div class=\"actions wide\"><button type=\"submit\" id=\"screen-submit\">Screen</button>\
         <span class=\"muted\">Every screening is recorded in the audit log; review and block open an alert.</span></div>\n\
         </form>\n\
         <section id=\"screen-result\" class=\"result\" aria-live=\"polite\"></section>\n",
    );
    out.push_str(
        "<h2>Look a name up</h2>\n\
         <form id=\"search-form\" class=\"card inline-form\" role=\"search\" autocomplete=\"off\">\
         <label for=\"search-q\">Name</label> <input id=\"search-q\" name=\"q\" required size=\"40\"> \
         <button type=\"submit\">Search</button></form>\n\
         <section id=\"search-result\" class=\"result\" aria-live=\"polite\"></section>\n",
    );
    out
}

// ---------------------------------------------------------------------------
// Alerts

const FILTERS: [&str; 5] = ["open", "escalated", "confirmed", "false_positive", "all"];

fn render_alerts(alerts: &[Alert], filter: &str, next: Option<&str>, admin: bool) -> String {
    let mut out = String::from("<h1>Alerts</h1>\n");
    out.push_str("<nav class=\"filters\" aria-label=\"Status\">");
    for f in FILTERS {
        let current = if f == filter { " aria-current=\"page\"" } else { "" };
        w!(
            out,
            "<a href=\"/ui/alerts?status={}\"{current}>{}</a>",
            enc(f),
            esc(&human(f))
        );
    }
    out.push_str("</nav>\n");
    if admin {
        out.push_str("<div class=\"card\"><p>Dispositions need the admin token.</p>");
        out.push_str(&token_form("admin token"));
        out.push_str("</div>\n");
    } else {
        out.push_str(
            "<p class=\"notice\">Dispositions are off: the server was started without an admin token \
             (<code>INTERDICT_ADMIN_TOKEN</code>).</p>\n",
        );
    }
    out.push_str("<div id=\"flash\" class=\"flash\" role=\"status\" aria-live=\"polite\"></div>\n");
    let shown = if filter == "all" {
        String::new()
    } else {
        format!("{} ", human(filter))
    };
    w!(
        out,
        "<p class=\"muted\"><span id=\"alert-count\">{}</span> {}alert{} shown, oldest first.</p>\n",
        alerts.len(),
        esc(&shown),
        if alerts.len() == 1 { "" } else { "s" }
    );
    w!(
        out,
        "<ul id=\"alert-list\" class=\"alerts\" data-filter=\"{}\">\n",
        esc(filter)
    );
    for a in alerts {
        out.push_str(&render_alert(a, admin));
    }
    out.push_str("</ul>\n");
    if alerts.is_empty() {
        w!(
            out,
            "<p class=\"empty\" id=\"no-alerts\">No {}alerts.</p>\n",
            esc(&shown)
        );
    }
    if let Some(next) = next {
        w!(
            out,
            "<p><a href=\"/ui/alerts?status={}&amp;after={}\">Next page</a></p>\n",
            enc(filter),
            enc(next)
        );
    }
    out
}

fn render_alert(a: &Alert, admin: bool) -> String {
    let id = esc(&a.id);
    let mut out = String::new();
    w!(
        out,
        "<li class=\"alert-card card\" data-alert=\"{id}\" data-status=\"{}\">\n\
         <div class=\"alert-head\"><a class=\"alert-id\" href=\"{}\">{id}</a> {} \
         <span class=\"alert-subject\">{}</span> <span class=\"alert-status\">{}</span> \
         <span class=\"muted\">{} · {}</span></div>\n",
        a.status.as_str(),
        esc(&decision_href(&a.id)),
        badge("outcome", &a.outcome),
        esc(&a.subject),
        badge("status", a.status.as_str()),
        esc(&a.kind),
        esc(&a.created),
    );
    if admin {
        w!(
            out,
            "<form class=\"dispose form-grid\" data-alert=\"{id}\" autocomplete=\"off\">\
             <label>Disposition <select name=\"status\">\
             <option value=\"escalated\">escalated</option><option value=\"confirmed\">confirmed</option>\
             <option value=\"false_positive\">false positive</option></select></label>\
             <label>Author <input name=\"author\" required maxlength=\"200\"></label>\
             <label class=\"wide\">Comment <textarea name=\"comment\" rows=\"2\" required maxlength=\"4000\"></textarea></label>\
             <fieldset class=\"allow wide\" disabled><legend>False positive only</legend>\
             <label class=\"check\"><input type=\"checkbox\" name=\"allowlist\"> Add allowlist entry</label> \
             <label>Expires <input type=\"date\" name=\"expires\"></label></fieldset>\
             <div class=\"actions wide\"><button type=\"submit\">Record disposition</button> \
             <span class=\"form-message\" role=\"status\"></span></div></form>\n"
        );
    }
    out.push_str("</li>\n");
    out
}

// ---------------------------------------------------------------------------
// Orders

fn render_orders(orders: &[&Order], as_of: Date) -> String {
    let mut out = String::from("<h1>Orders</h1>\n");
    w!(
        out,
        "<form class=\"inline-form\" method=\"get\" action=\"/ui/orders\"><label for=\"orders-as-of\">Status as of</label> \
         <input type=\"date\" id=\"orders-as-of\" name=\"as_of\" value=\"{as_of}\"> <button type=\"submit\">Show</button></form>\n"
    );
    out.push_str(
        "<table id=\"orders\" class=\"table\"><thead><tr><th>Order</th><th>Title</th><th>Citation</th>\
         <th>Signed</th><th>Effective</th><th>Revoked</th><th>Status</th></tr></thead><tbody>\n",
    );
    let day = as_of.to_string();
    for o in orders {
        let status = o.status_on(as_of);
        w!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"date\">{}</td><td class=\"date\">{}</td><td>{}</td><td>{} <span class=\"muted\">{}</span></td></tr>\n",
            esc(&order_href(&o.id, &day)),
            esc(&o.id),
            esc(&o.title),
            esc(o.citation.as_deref().unwrap_or("")),
            o.signed,
            o.effective_date(),
            esc(&o
                .revoked
                .map(|r| match &o.revoked_by {
                    Some(by) => format!("{r} by {by}"),
                    None => r.to_string(),
                })
                .unwrap_or_default()),
            badge("order", status.as_str()),
            esc(&o.status_reason(as_of)),
        );
    }
    out.push_str("</tbody></table>\n");
    out
}

fn render_order(view: &Value, chart: &str) -> String {
    let o = &view["order"];
    let id = st(&o["id"]);
    let as_of = st(&view["as_of"]);
    let mut out = String::new();
    w!(
        out,
        "<h1><span class=\"order-id\">{}</span> {}</h1>\n",
        esc(&id),
        esc(&st(&o["title"]))
    );
    w!(
        out,
        "<p class=\"lead\" id=\"order-status\">On {}: {} {}</p>\n",
        esc(&as_of),
        badge("order", &st(&view["status"])),
        esc(&st(&view["reason"]))
    );
    w!(
        out,
        "<form class=\"inline-form\" method=\"get\" action=\"{}\"><label for=\"order-as-of\">As of</label> \
         <input type=\"date\" id=\"order-as-of\" name=\"as_of\" value=\"{}\"> <button type=\"submit\">Show</button></form>\n",
        esc(&format!("/ui/orders/{}", enc(&id))),
        esc(&as_of)
    );
    out.push_str("<h2>Timeline</h2>\n<div class=\"chart-wrap\">");
    out.push_str(chart);
    out.push_str("</div>\n");
    out.push_str("<table id=\"order-events\" class=\"table\"><thead><tr><th>Date</th><th>Event</th><th>What</th></tr></thead><tbody>\n");
    for e in view["timeline"].as_array().into_iter().flatten() {
        w!(
            out,
            "<tr><td class=\"date\">{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&st(&e["date"])),
            esc(&human(&st(&e["event"]))),
            esc(&st(&e["text"]))
        );
    }
    out.push_str("</tbody></table>\n");
    out.push_str("<h2>Summary</h2>\n<dl class=\"facts\">\n");
    let mut fact = |label: &str, html: String| {
        if !html.is_empty() {
            w!(out, "<dt>{}</dt><dd>{}</dd>\n", esc(label), html);
        }
    };
    fact("Issuer", esc(&st(&o["issuer"])));
    fact("Citation", esc(&st(&o["citation"])));
    fact("Signed", esc(&st(&o["signed"])));
    fact("Effective", esc(&st(&o["effective"])));
    let revoked = st(&o["revoked"]);
    let revoked_by = st(&o["revoked_by"]);
    fact(
        "Revoked",
        match (revoked.is_empty(), revoked_by.is_empty()) {
            (true, _) => String::new(),
            (false, true) => esc(&revoked),
            (false, false) => format!(
                "{} by <a href=\"{}\">{}</a>",
                esc(&revoked),
                esc(&order_href(&revoked_by, &as_of)),
                esc(&revoked_by)
            ),
        },
    );
    fact("Jurisdiction", esc(&st(&o["jurisdiction"])));
    let links = |key: &str| -> String {
        o["scope"][key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let e = st(e);
                format!("<a href=\"{}\">{}</a>", esc(&entity_href(&e, &as_of)), esc(&e))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    fact("Names", links("entities"));
    fact("Apps (developers and controllers covered)", links("apps"));
    fact("Related apps", links("related_apps"));
    let scope = &o["scope"];
    if scope["subsidiaries"].as_bool() == Some(true) {
        fact(
            "Subsidiaries",
            esc(&format!(
                "covered (owned {}); controllers {}",
                st(&scope["subsidiary_threshold"]),
                st(&scope["controller_threshold"])
            )),
        );
    }
    let ident = &o["identification"];
    if ident.is_object() {
        fact(
            "Identification",
            esc(&format!(
                "{} by {}{}{}",
                human(&st(&ident["status"])),
                st(&ident["authority"]),
                if ident["date"].is_null() {
                    String::new()
                } else {
                    format!(" on {}", st(&ident["date"]))
                },
                if ident["citation"].is_null() {
                    String::new()
                } else {
                    format!(" ({})", st(&ident["citation"]))
                },
            )),
        );
    }
    out.push_str("</dl>\n");
    w!(out, "<p class=\"summary\">{}</p>\n", esc(&st(&o["summary"])));
    if let Some(reason) = o["reason"].as_str() {
        w!(out, "<p class=\"muted\">{}</p>\n", esc(reason));
    }
    let transactions = ident["transactions"].as_array().cloned().unwrap_or_default();
    if !transactions.is_empty() {
        out.push_str("<h2>Identified transactions</h2>\n<table class=\"table\"><thead><tr><th>Type</th><th>Effective</th><th>Description</th></tr></thead><tbody>\n");
        for t in &transactions {
            w!(
                out,
                "<tr><td>{}</td><td class=\"date\">{}</td><td>{}</td></tr>\n",
                esc(&human(&st(&t["type"]))),
                esc(&st(&t["effective"])),
                esc(&st(&t["description"]))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    let injunctions = o["enjoined"].as_array().cloned().unwrap_or_default();
    if !injunctions.is_empty() {
        out.push_str("<h2>Injunctions</h2>\n<table class=\"table\"><thead><tr><th>Case</th><th>Court</th><th>From</th><th>Until</th><th>Transactions</th></tr></thead><tbody>\n");
        for i in &injunctions {
            let types: Vec<String> = i["transactions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| human(&st(t)))
                .collect();
            w!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"date\">{}</td><td class=\"date\">{}</td><td>{}</td></tr>\n",
                esc(&st(&i["case"])),
                esc(&st(&i["court"])),
                esc(&st(&i["from"])),
                esc(&st(&i["until"])),
                esc(&if types.is_empty() {
                    "all".to_string()
                } else {
                    types.join(", ")
                })
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out
}

// ---------------------------------------------------------------------------
// The order timeline (SVG)

/// One dated event of an order, as [`api::timeline`] gives it.
#[derive(Clone, Debug, PartialEq)]
struct Event {
    date: Date,
    kind: String,
    text: String,
}

/// Days when the order's status stays the same: `[from, to)`.
#[derive(Clone, Debug, PartialEq)]
struct Span {
    from: Date,
    to: Date,
    status: &'static str,
}

fn days(from: Date, to: Date) -> i64 {
    (to.as_naive() - from.as_naive()).num_days()
}

/// The dates the chart's axis runs between: the events and `as_of`, with a
/// margin on each side.
fn axis_range(events: &[Event], as_of: Date) -> (Date, Date) {
    let first = events.iter().map(|e| e.date).chain([as_of]).min().unwrap_or(as_of);
    let last = events.iter().map(|e| e.date).chain([as_of]).max().unwrap_or(as_of);
    let pad = (days(first, last) / 12).max(20);
    (first.add_days(-pad), last.add_days(pad))
}

/// The order's status from `start` to `end`, as spans over which it does
/// not change (by [`Order::status_on`] at each date it could change).
fn status_spans(order: &Order, start: Date, end: Date) -> Vec<Span> {
    let mut points = vec![start, end, order.signed, order.effective_date()];
    for injunction in &order.enjoined {
        points.push(injunction.from);
        points.extend(injunction.until);
    }
    points.extend(order.revoked);
    points.retain(|p| *p >= start && *p <= end);
    points.sort();
    points.dedup();
    let mut spans: Vec<Span> = Vec::new();
    for pair in points.windows(2) {
        let status = order.status_on(pair[0]).as_str();
        match spans.last_mut() {
            Some(last) if last.status == status => last.to = pair[1],
            _ => spans.push(Span {
                from: pair[0],
                to: pair[1],
                status,
            }),
        }
    }
    spans
}

fn status_fill(status: &str) -> &'static str {
    match status {
        "pending" => "#fde68a",
        "in_force" => "#22c55e",
        "enjoined" => "#fb923c",
        "revoked" => "#9ca3af",
        _ => "#f3f4f6",
    }
}

fn event_colour(kind: &str) -> &'static str {
    match kind {
        "signed" => "#1d4ed8",
        "effective" => "#15803d",
        "enjoined" => "#c2410c",
        "injunction_ends" => "#7c3aed",
        "revoked" => "#374151",
        _ => "#4b5563",
    }
}

const TL_WIDTH: f64 = 960.0;
const TL_LEFT: f64 = 30.0;
const TL_RIGHT: f64 = 30.0;
const TL_ROW: f64 = 34.0;
const TL_CHAR: f64 = 6.8;
const TL_MAX_ROWS: usize = 6;

/// The order's timeline: a time axis, the status spans as a bar (in force
/// shaded green), each event marked and labelled, and `as_of` marked.
fn timeline_svg(events: &[Event], spans: &[Span], start: Date, end: Date, as_of: Date) -> String {
    let total = days(start, end).max(1) as f64;
    let inner = TL_WIDTH - TL_LEFT - TL_RIGHT;
    let x = |d: Date| TL_LEFT + inner * (days(start, d) as f64 / total).clamp(0.0, 1.0);

    let labels = place_labels(
        &events
            .iter()
            .map(|e| (x(e.date), human(&e.kind).len().max(10) as f64 * TL_CHAR + 6.0))
            .collect::<Vec<_>>(),
        TL_WIDTH,
    );
    let rows = labels.iter().map(|l| l.row + 1).max().unwrap_or(1);
    let top = 12.0;
    let bar_y = top + rows as f64 * TL_ROW + 12.0;
    let bar_h = 28.0;
    let axis_y = bar_y + bar_h + 6.0;
    let as_of_y = axis_y + 40.0;
    let key_y = as_of_y + 28.0;
    let height = key_y + 18.0;

    let mut out = String::new();
    w!(
        out,
        "<svg id=\"order-timeline\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{TL_WIDTH}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {TL_WIDTH} {height:.0}\" role=\"img\" aria-labelledby=\"order-timeline-title\" \
         font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\" font-size=\"12\">\n\
         <title id=\"order-timeline-title\">Timeline from {start} to {end}, as of {as_of}</title>\n"
    );
    // The in-force spans shaded across the chart, then the status bar.
    for s in spans.iter().filter(|s| s.status == "in_force") {
        w!(
            out,
            "<rect class=\"in-force\" x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#dcfce7\"/>\n",
            x(s.from),
            (x(s.to) - x(s.from)).max(1.0),
            axis_y - top
        );
    }
    for s in spans {
        let (x0, x1) = (x(s.from), x(s.to));
        w!(
            out,
            "<g class=\"span span-{}\"><title>{}: {} to {}</title>\
             <rect x=\"{x0:.1}\" y=\"{bar_y:.1}\" width=\"{:.1}\" height=\"{bar_h}\" fill=\"{}\"/>",
            class_word(s.status),
            esc(&human(s.status)),
            s.from,
            s.to,
            (x1 - x0).max(1.0),
            status_fill(s.status)
        );
        let text = human(s.status);
        if x1 - x0 > text.len() as f64 * TL_CHAR + 8.0 && s.status != "not_signed" {
            w!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{}\">{}</text>",
                (x0 + x1) / 2.0,
                bar_y + bar_h / 2.0 + 4.0,
                if s.status == "in_force" { "#ffffff" } else { "#111827" },
                esc(&text)
            );
        }
        out.push_str("</g>\n");
    }
    // The axis, with ticks by month or by year.
    w!(
        out,
        "<line class=\"axis\" x1=\"{TL_LEFT}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"#374151\" stroke-width=\"1.5\"/>\n",
        TL_WIDTH - TL_RIGHT
    );
    for (d, label) in ticks(start, end) {
        let tx = x(d);
        w!(
            out,
            "<g class=\"tick\"><line x1=\"{tx:.1}\" y1=\"{axis_y:.1}\" x2=\"{tx:.1}\" y2=\"{:.1}\" stroke=\"#374151\"/>",
            axis_y + 5.0
        );
        if let Some(label) = label {
            w!(
                out,
                "<text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#4b5563\" font-size=\"11\">{}</text>",
                axis_y + 18.0,
                esc(&label)
            );
        }
        out.push_str("</g>\n");
    }
    // The events.
    for (e, l) in events.iter().zip(&labels) {
        let colour = event_colour(&e.kind);
        let label_bottom = bar_y - 10.0 - l.row as f64 * TL_ROW;
        let label_top = label_bottom - TL_ROW + 6.0;
        let (tx, anchor) = if l.anchor_end {
            (l.x - 4.0, "end")
        } else {
            (l.x + 4.0, "start")
        };
        w!(
            out,
            "<g class=\"event event-{}\" data-event=\"{}\" data-date=\"{}\"><title>{}: {}</title>\
             <line x1=\"{:.1}\" y1=\"{label_top:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"{colour}\" stroke-width=\"1.5\"/>\
             <circle cx=\"{:.1}\" cy=\"{axis_y:.1}\" r=\"4.5\" fill=\"{colour}\"/>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-weight=\"600\" fill=\"{colour}\">{}</text>\
             <text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#374151\" font-size=\"11\">{}</text></g>\n",
            class_word(&e.kind),
            esc(&e.kind),
            e.date,
            e.date,
            esc(&e.text),
            l.x,
            l.x,
            l.x,
            label_top + 11.0,
            esc(&human(&e.kind)),
            label_top + 24.0,
            e.date,
        );
    }
    // The date asked about.
    let ax = x(as_of);
    let status = spans
        .iter()
        .find(|s| s.from <= as_of && as_of < s.to)
        .map(|s| human(s.status))
        .unwrap_or_default();
    let text = if status.is_empty() {
        format!("as of {as_of}")
    } else {
        format!("as of {as_of}: {status}")
    };
    let half = text.len() as f64 * TL_CHAR / 2.0;
    let text_x = ax.clamp(TL_LEFT + half, TL_WIDTH - TL_RIGHT - half);
    w!(
        out,
        "<g class=\"as-of\" data-date=\"{as_of}\"><line x1=\"{ax:.1}\" y1=\"{:.1}\" x2=\"{ax:.1}\" y2=\"{:.1}\" stroke=\"#dc2626\" \
         stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text x=\"{text_x:.1}\" y=\"{as_of_y:.1}\" text-anchor=\"middle\" \
         font-weight=\"600\" fill=\"#dc2626\">{}</text></g>\n",
        bar_y - 8.0,
        as_of_y - 12.0,
        esc(&text)
    );
    // The key.
    let mut kx = TL_LEFT;
    out.push_str("<g class=\"key\">");
    for status in ["pending", "in_force", "enjoined", "revoked"] {
        w!(
            out,
            "<rect x=\"{kx:.1}\" y=\"{:.1}\" width=\"14\" height=\"10\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{key_y:.1}\" fill=\"#374151\" font-size=\"11\">{}</text>",
            key_y - 9.0,
            status_fill(status),
            kx + 18.0,
            human(status)
        );
        kx += 18.0 + human(status).len() as f64 * TL_CHAR + 18.0;
    }
    out.push_str("</g>\n</svg>");
    out
}

/// Where an event's label goes: in a row above the bar (0 nearest it),
/// written rightwards from the event's line or, with `anchor_end`,
/// leftwards.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Label {
    x: f64,
    left: f64,
    right: f64,
    anchor_end: bool,
    row: usize,
}

/// Places the labels of events at `(x, width)`: each in the lowest row,
/// rightwards if it can be, else leftwards, where its text overlaps no
/// other label's text, no line of a label above it crosses its text, and
/// its own line crosses no label's text below it. Events are placed from
/// the right; after [`TL_MAX_ROWS`] rows a label goes on the top row.
fn place_labels(events: &[(f64, f64)], chart_width: f64) -> Vec<Label> {
    let mut labels: Vec<Label> = Vec::with_capacity(events.len());
    for &(x, width) in events.iter().rev() {
        let box_at = |anchor_end: bool, row: usize| {
            let (left, right) = if anchor_end {
                (x - 4.0 - width, x - 4.0)
            } else {
                (x + 4.0, x + 4.0 + width)
            };
            Label {
                x,
                left,
                right,
                anchor_end,
                row,
            }
        };
        let fits = |c: &Label| {
            c.left >= 0.0
                && c.right <= chart_width
                && !labels.iter().any(|l| {
                    (l.row == c.row && c.left < l.right + 6.0 && l.left < c.right + 6.0)
                        || (l.row > c.row && l.x >= c.left - 1.0 && l.x <= c.right + 1.0)
                        || (l.row < c.row && x >= l.left - 1.0 && x <= l.right + 1.0)
                })
        };
        let placed = (0..TL_MAX_ROWS)
            .flat_map(|row| [box_at(false, row), box_at(true, row)])
            .find(|c| fits(c))
            .unwrap_or_else(|| box_at(x + 4.0 + width > chart_width, TL_MAX_ROWS - 1));
        labels.push(placed);
    }
    labels.reverse();
    labels
}

/// Axis ticks from `start` to `end`: the first of each month (a label on
/// every few) for short spans, else the first of each year.
fn ticks(start: Date, end: Date) -> Vec<(Date, Option<String>)> {
    let span = days(start, end).max(1) as f64;
    let inner = TL_WIDTH - TL_LEFT - TL_RIGHT;
    let mut out = Vec::new();
    if span <= 1000.0 {
        let month_px = inner * 30.4 / span;
        let every = ((56.0 / month_px).ceil() as u32).clamp(1, 12);
        let every = [1, 2, 3, 6, 12].into_iter().find(|e| *e >= every).unwrap_or(12);
        let (mut y, mut m) = (start.year(), start.as_naive().month());
        while let Some(d) = Date::from_ymd(y, m, 1).filter(|d| *d <= end) {
            if d >= start {
                let label = ((m - 1) % every == 0).then(|| format!("{y}-{m:02}"));
                out.push((d, label));
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    } else {
        let year_px = inner * 365.25 / span;
        let every = ((40.0 / year_px).ceil() as i32).max(1);
        for y in start.year()..=end.year() {
            if let Some(d) = Date::from_ymd(y, 1, 1) {
                if d >= start && d <= end {
                    out.push((d, (y % every == 0).then(|| y.to_string())));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Entities

fn render_entity(view: &Value) -> String {
    let e = &view["entity"];
    let id = st(&e["id"]);
    let as_of = st(&view["as_of"]);
    let mut out = String::new();
    w!(
        out,
        "<h1 id=\"entity-name\">{}</h1>\n<p class=\"lead\"><code>{}</code> · {}{}</p>\n",
        esc(&st(&e["name"])),
        esc(&id),
        esc(&st(&e["kind"])),
        if view["listed"].as_bool() == Some(true) {
            format!(" {}", badge("flag", "listed"))
        } else if view["designations"].as_array().is_some_and(|d| !d.is_empty()) {
            " <span class=\"badge flag-inactive\">not listed on this date</span>".to_string()
        } else {
            String::new()
        }
    );
    w!(
        out,
        "<form class=\"inline-form\" method=\"get\" action=\"{}\"><label for=\"entity-as-of\">As of</label> \
         <input type=\"date\" id=\"entity-as-of\" name=\"as_of\" value=\"{}\"> <button type=\"submit\">Show</button> \
         <span class=\"muted\">snapshot {}</span></form>\n",
        esc(&format!("/ui/entities/{}", enc(&id))),
        esc(&as_of),
        esc(&st(&view["snapshot_id"]))
    );

    out.push_str("<dl class=\"facts\">\n");
    let list = |key: &str| -> Vec<String> {
        e[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| match v {
                Value::Object(o) if o.contains_key("name") => {
                    let kind = o.get("kind").map(st).unwrap_or_default();
                    let name = o.get("name").map(st).unwrap_or_default();
                    if kind.is_empty() || kind == "alias" {
                        name
                    } else {
                        format!("{name} ({})", human(&kind))
                    }
                }
                Value::Object(o) if o.contains_key("value") => {
                    let kind = o.get("type").map(st).unwrap_or_default();
                    format!("{kind}: {}", o.get("value").map(st).unwrap_or_default())
                }
                other => st(other),
            })
            .collect()
    };
    for (label, key) in [
        ("Aliases", "aliases"),
        ("Countries", "countries"),
        ("Nationalities", "nationalities"),
        ("Identifiers", "identifiers"),
        ("Birth dates", "birth_dates"),
        ("Birth places", "birth_places"),
        ("Positions", "positions"),
        ("Addresses", "addresses"),
        ("Datasets", "datasets"),
        ("Sources", "sources"),
    ] {
        let items = list(key);
        if !items.is_empty() {
            w!(out, "<dt>{}</dt><dd>{}</dd>\n", esc(label), esc(&items.join("; ")));
        }
    }
    if let Some(notes) = e["notes"].as_str() {
        w!(out, "<dt>Notes</dt><dd>{}</dd>\n", esc(notes));
    }
    out.push_str("</dl>\n");

    out.push_str("<h2>Designations</h2>\n");
    let designations = view["designations"].as_array().cloned().unwrap_or_default();
    if designations.is_empty() {
        out.push_str("<p class=\"empty\" id=\"designations\">Not listed.</p>\n");
    } else {
        out.push_str("<table class=\"table\" id=\"designations\"><thead><tr><th>Authority</th><th>Program</th><th>Listed</th><th>From</th><th>Until</th><th>On the date</th></tr></thead><tbody>\n");
        for d in &designations {
            let start = st(&d["start"]);
            let end = st(&d["end"]);
            let active = (start.is_empty() || start <= as_of) && (end.is_empty() || as_of < end);
            w!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"date\">{}</td><td class=\"date\">{}</td><td class=\"date\">{}</td><td>{}</td></tr>\n",
                esc(&st(&d["authority"])),
                esc(&st(&d["program"])),
                esc(&st(&d["listed"])),
                esc(&start),
                esc(&end),
                if active {
                    badge("flag", "active")
                } else {
                    badge("flag", "inactive")
                }
            );
        }
        out.push_str("</tbody></table>\n");
    }

    out.push_str("<h2>Orders and ownership rules</h2>\n");
    let coverage = view["coverage"].as_array().cloned().unwrap_or_default();
    let ownership = view["ownership"].as_array().cloned().unwrap_or_default();
    if coverage.is_empty() && ownership.is_empty() {
        w!(
            out,
            "<p class=\"empty\" id=\"coverage\">No order or ownership rule reaches this entity on {}.</p>\n",
            esc(&as_of)
        );
    } else {
        out.push_str("<ul class=\"paths\" id=\"coverage\">\n");
        for c in &coverage {
            let order = st(&c["order"]);
            w!(
                out,
                "<li><a href=\"{}\">{}</a> {} covers it as <strong>{}</strong>: <span class=\"path\">{}</span>\
                 <div class=\"muted\">{}</div></li>\n",
                esc(&order_href(&order, &as_of)),
                esc(&order),
                badge("order", &st(&c["status"])),
                esc(&human(&st(&c["role"]))),
                esc(&st(&c["path_text"])),
                esc(&st(&c["title"]))
            );
        }
        for o in &ownership {
            let f = &o["finding"];
            w!(
                out,
                "<li><strong>{}</strong> ({}): blocked owners hold {}: <span class=\"path\">{}</span></li>\n",
                esc(&st(&o["title"])),
                esc(&st(&o["rule"])),
                esc(&f["share"].as_f64().map(pct).unwrap_or_default()),
                esc(&st(&f["path_text"]))
            );
        }
        out.push_str("</ul>\n");
    }

    out.push_str("<h2>Ownership and control</h2>\n");
    let graph = graph_input(view);
    let omitted = graph.omitted;
    out.push_str("<div class=\"graph-wrap\">");
    out.push_str(&graph_svg(&graph));
    out.push_str("</div>\n");
    if omitted > 0 {
        w!(
            out,
            "<p class=\"muted\">{omitted} relation{} to entities beyond the {} shown are left out.</p>\n",
            if omitted == 1 { "" } else { "s" },
            api::NEIGHBOURS
        );
    }
    let names: HashMap<&str, &str> = graph.nodes.iter().map(|n| (n.id.as_str(), n.name.as_str())).collect();
    let relations = view["graph"]["relations"].as_array().cloned().unwrap_or_default();
    if !relations.is_empty() {
        out.push_str("<table class=\"table\" id=\"relations\"><thead><tr><th>From</th><th>Relation</th><th>To</th><th>Share</th><th>Basis</th><th>Note</th></tr></thead><tbody>\n");
        for r in &relations {
            let (from, to) = (st(&r["from"]), st(&r["to"]));
            let cell = |e: &str| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    esc(&entity_href(e, &as_of)),
                    esc(names.get(e).copied().unwrap_or(e))
                )
            };
            w!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                cell(&from),
                esc(&human(&st(&r["kind"]))),
                cell(&to),
                esc(&r["percent"].as_f64().map(pct).unwrap_or_default()),
                esc(&st(&r["basis"])),
                esc(&st(&r["note"]))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out
}

/// An entity in the graph.
#[derive(Clone, Debug)]
struct GraphNode {
    id: String,
    name: String,
    kind: String,
    listed: bool,
}

/// A relation in the graph, read as "`from` KIND `to`".
#[derive(Clone, Debug)]
struct GraphEdge {
    kind: String,
    from: String,
    to: String,
    percent: Option<f64>,
}

/// What the graph draws.
struct GraphInput {
    focus: String,
    as_of: String,
    nodes: Vec<GraphNode>,
    edges: Vec<GraphEdge>,
    /// `(from, kind, to)` of the relations on a coverage path.
    coverage_edges: BTreeSet<(String, String, String)>,
    /// The entities on a coverage path.
    coverage_nodes: BTreeSet<String>,
    /// One line per order or rule that reaches the entity, and through whom.
    legend: Vec<String>,
    /// Relations to entities not among the nodes.
    omitted: usize,
}

/// The relations a path of steps (`[{entity_id, link: {relation,
/// direction}}]`) goes along, as `(from, kind, to)`: a step up goes from
/// the step's entity to the one before it (`Alipay ←operates— X` is `X
/// operates Alipay`), a step down the other way.
fn path_edges(path: &Value) -> Vec<(String, String, String)> {
    let steps = path.as_array().map(Vec::as_slice).unwrap_or_default();
    steps
        .windows(2)
        .filter_map(|pair| {
            let link = pair[1].get("link")?;
            let (a, b) = (st(&pair[0]["entity_id"]), st(&pair[1]["entity_id"]));
            let kind = st(&link["relation"]);
            Some(match link["direction"].as_str() {
                Some("down") => (a, kind, b),
                _ => (b, kind, a),
            })
        })
        .collect()
}

fn graph_input(view: &Value) -> GraphInput {
    let nodes: Vec<GraphNode> = view["graph"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|n| GraphNode {
            id: st(&n["id"]),
            name: st(&n["name"]),
            kind: st(&n["kind"]),
            listed: n["listed"].as_bool().unwrap_or(false),
        })
        .collect();
    let ids: BTreeSet<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let mut edges = Vec::new();
    let mut omitted = 0;
    for r in view["graph"]["relations"].as_array().into_iter().flatten() {
        let edge = GraphEdge {
            kind: st(&r["kind"]),
            from: st(&r["from"]),
            to: st(&r["to"]),
            percent: r["percent"].as_f64(),
        };
        if ids.contains(edge.from.as_str()) && ids.contains(edge.to.as_str()) {
            edges.push(edge);
        } else {
            omitted += 1;
        }
    }
    let mut coverage_edges = BTreeSet::new();
    let mut coverage_nodes = BTreeSet::new();
    let mut legend = Vec::new();
    let paths = view["coverage"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (c, &c["path"]))
        .chain(
            view["ownership"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| (o, &o["finding"]["path"])),
        );
    for (c, path) in paths {
        coverage_edges.extend(path_edges(path));
        coverage_nodes.extend(path.as_array().into_iter().flatten().map(|s| st(&s["entity_id"])));
        if c.get("order").is_some() {
            legend.push(format!(
                "{} ({}) covers it as {}: {}",
                st(&c["order"]),
                human(&st(&c["status"])),
                human(&st(&c["role"])),
                st(&c["path_text"])
            ));
        } else {
            let f = &c["finding"];
            legend.push(format!(
                "{} ({}, blocked owners {}): {}",
                st(&c["rule"]),
                st(&c["title"]),
                f["share"].as_f64().map(pct).unwrap_or_default(),
                st(&f["path_text"])
            ));
        }
    }
    GraphInput {
        focus: st(&view["entity"]["id"]),
        as_of: st(&view["as_of"]),
        nodes,
        edges,
        coverage_edges,
        coverage_nodes,
        legend,
        omitted,
    }
}

/// Which end of a relation is drawn above: `1` when `from` is (an owner,
/// controller, developer, operator or director above what it holds), `-1`
/// when `to` is (a parent above its subsidiary, a host app above its
/// feature), `0` for links between equals.
fn orientation(kind: &str) -> i32 {
    match kind {
        "develops" | "operates" | "owns" | "controls" | "director_of" => 1,
        "subsidiary_of" | "feature_of" => -1,
        _ => 0,
    }
}

/// The layer of each node, by breadth-first search from the focus (layer
/// 0): an owner one layer above what it owns, a subsidiary one below. Nodes
/// not connected to the focus start their own search at layer 0. An owner
/// the search left level with or below what it holds (it reached the owner
/// another way first) is then lifted above it, in a few passes at most
/// (cross-holdings never settle). Layers are renumbered from 0 at the top.
/// Returns the layers in order, each with its nodes in the order they were
/// reached.
fn layering(focus: &str, nodes: &[GraphNode], edges: &[GraphEdge]) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut neighbours: Vec<Vec<(usize, i32)>> = vec![Vec::new(); nodes.len()];
    for e in edges {
        let (Some(&f), Some(&t)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else {
            continue;
        };
        if f == t {
            continue;
        }
        let o = orientation(&e.kind);
        neighbours[f].push((t, o));
        neighbours[t].push((f, -o));
    }
    let mut layer: Vec<Option<i32>> = vec![None; nodes.len()];
    let mut reached: Vec<usize> = Vec::with_capacity(nodes.len());
    let starts = index.get(focus).copied().into_iter().chain(0..nodes.len());
    for start in starts {
        if layer[start].is_some() {
            continue;
        }
        layer[start] = Some(0);
        let mut queue = VecDeque::from([start]);
        while let Some(at) = queue.pop_front() {
            reached.push(at);
            let here = layer[at].unwrap_or(0);
            for &(next, delta) in &neighbours[at] {
                if layer[next].is_none() {
                    layer[next] = Some(here + delta);
                    queue.push_back(next);
                }
            }
        }
    }
    let above: Vec<(usize, usize)> = neighbours
        .iter()
        .enumerate()
        .flat_map(|(n, list)| list.iter().filter(|(_, o)| *o == 1).map(move |&(m, _)| (n, m)))
        .collect();
    for _ in 0..LIFT_PASSES {
        let mut moved = false;
        for &(upper, lower) in &above {
            if let (Some(u), Some(l)) = (layer[upper], layer[lower]) {
                if u >= l {
                    layer[upper] = Some(l - 1);
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
    let top = layer.iter().flatten().copied().min().unwrap_or(0);
    let depth = layer.iter().flatten().map(|l| l - top).max().unwrap_or(0) as usize;
    let mut layers = vec![Vec::new(); if nodes.is_empty() { 0 } else { depth + 1 }];
    for n in reached {
        layers[(layer[n].unwrap_or(0) - top) as usize].push(n);
    }
    layers
}

/// Orders each layer by the mean position of its neighbours in the layer
/// above (then, sweeping back, below), to keep lines from crossing.
fn order_layers(layers: &mut [Vec<usize>], nodes: usize, edges: &[(usize, usize)]) {
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    for &(a, b) in edges {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    let mut position = vec![0.0f64; nodes];
    let place = |layers: &[Vec<usize>], position: &mut Vec<f64>| {
        for layer in layers {
            for (i, &n) in layer.iter().enumerate() {
                position[n] = (i as f64 + 0.5) / layer.len() as f64;
            }
        }
    };
    place(layers, &mut position);
    let mut layer_of = vec![0usize; nodes];
    for (l, layer) in layers.iter().enumerate() {
        for &n in layer {
            layer_of[n] = l;
        }
    }
    for sweep in 0..4 {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in order {
            let other = if down { l - 1 } else { l + 1 };
            let key = |n: usize| {
                let near: Vec<f64> = neighbours[n]
                    .iter()
                    .filter(|m| layer_of[**m] == other)
                    .map(|m| position[*m])
                    .collect();
                if near.is_empty() {
                    position[n]
                } else {
                    near.iter().sum::<f64>() / near.len() as f64
                }
            };
            let mut keyed: Vec<(f64, usize)> = layers[l].iter().map(|&n| (key(n), n)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[l] = keyed.into_iter().map(|(_, n)| n).collect();
            for (i, &n) in layers[l].iter().enumerate() {
                position[n] = (i as f64 + 0.5) / layers[l].len() as f64;
            }
        }
    }
}

/// `text` in lines of at most `width` characters, broken at spaces where
/// it can be, at most `max` lines (the last cut short with `…`).
fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let (width, max) = (width.max(2), max.max(1));
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let room = if used == 0 {
                width
            } else {
                width.saturating_sub(used + 1)
            };
            if word.len() <= room {
                if used > 0 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            let rest = word.split_off(width);
            lines.push(word.iter().collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > max {
        lines.truncate(max);
        let last = &mut lines[max - 1];
        let mut chars: Vec<char> = last.chars().collect();
        chars.truncate(width.saturating_sub(1));
        *last = chars.into_iter().collect::<String>().trim_end().to_string() + "…";
    }
    lines
}

const NODE_CHARS: usize = 24;
/// Passes lifting owners above what they hold, at most.
const LIFT_PASSES: usize = 6;
const NODE_CHAR_W: f64 = 7.0;
const NODE_MIN_W: f64 = 112.0;
const ROW_MAX: usize = 5;
const GAP_X: f64 = 34.0;
const GAP_Y: f64 = 78.0;
const MARGIN: f64 = 20.0;
const LEGEND_CHARS: usize = 112;
const COVERAGE: &str = "#d9480f";
const EDGE: &str = "#8792a2";

/// A node's box.
#[derive(Clone, Debug, Default)]
struct Placed {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    row: usize,
    lines: Vec<String>,
}

impl Placed {
    fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
}

#[derive(Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

fn bezier(p: [(f64, f64); 4], t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (
        a * p[0].0 + b * p[1].0 + c * p[2].0 + d * p[3].0,
        a * p[0].1 + b * p[1].1 + c * p[2].1 + d * p[3].1,
    )
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "application" => "app",
        other => other,
    }
}

/// Where a line may cross a row with boxes at `spans` (left, right): the
/// point nearest `x` that keeps 8 pixels from every box.
fn channel(spans: &[(f64, f64)], x: f64, width: f64) -> f64 {
    let pad = 8.0;
    let mut free = Vec::with_capacity(spans.len() + 1);
    let mut at = 2.0;
    for &(left, right) in spans {
        if left - pad > at {
            free.push((at, left - pad));
        }
        at = at.max(right + pad);
    }
    if width - 2.0 > at {
        free.push((at, width - 2.0));
    }
    free.into_iter()
        .map(|(a, b)| x.clamp(a, b))
        .min_by(|p, q| (p - x).abs().total_cmp(&(q - x).abs()))
        .unwrap_or(x)
}

/// The curves of a line from `start` (on a box of row `rows.0`) to `end`
/// (on a box of row `rows.1`): across each row in between, straight down
/// (or up) through the gap between boxes nearest the way; an arc over the
/// row between boxes of the same row.
fn route(
    start: (f64, f64),
    end: (f64, f64),
    rows: (usize, usize),
    bands: &[(f64, f64)],
    spans: &[Vec<(f64, f64)>],
    width: f64,
) -> Vec<[(f64, f64); 4]> {
    let (from, to) = rows;
    if from == to {
        let lift = (30.0 + 0.1 * (end.0 - start.0).abs()).min(GAP_Y);
        return vec![[start, (start.0, start.1 - lift), (end.0, end.1 - lift), end]];
    }
    let between: Vec<usize> = if from < to {
        (from + 1..to).collect()
    } else {
        (to + 1..from).rev().collect()
    };
    let mut points = vec![start];
    for r in between {
        let (top, bottom) = bands[r];
        let prev = points[points.len() - 1];
        let mid = (top + bottom) / 2.0;
        let along = if end.1 == prev.1 {
            0.5
        } else {
            (mid - prev.1) / (end.1 - prev.1)
        };
        let x = channel(&spans[r], prev.0 + (end.0 - prev.0) * along, width);
        if from < to {
            points.extend([(x, top - 8.0), (x, bottom + 8.0)]);
        } else {
            points.extend([(x, bottom + 8.0), (x, top - 8.0)]);
        }
    }
    points.push(end);
    points
        .windows(2)
        .map(|pair| {
            let (p, q) = (pair[0], pair[1]);
            let mid = (p.1 + q.1) / 2.0;
            [p, (p.0, mid), (q.0, mid), q]
        })
        .collect()
}

/// The ownership and control graph as SVG: entities as boxes in layers
/// (owners, controllers and developers above, subsidiaries and apps
/// below), relations as arrows labelled with their kind and share, those
/// on a coverage path in their own colour with class `coverage`, and a
/// legend saying which order or rule reaches the entity through whom.
fn graph_svg(g: &GraphInput) -> String {
    let index: HashMap<&str, usize> = g.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let drawn: Vec<(&GraphEdge, usize, usize)> = g
        .edges
        .iter()
        .filter_map(|e| Some((e, *index.get(e.from.as_str())?, *index.get(e.to.as_str())?)))
        .filter(|(_, f, t)| f != t)
        .collect();
    let pairs: Vec<(usize, usize)> = drawn.iter().map(|&(_, f, t)| (f, t)).collect();
    let mut layers = layering(&g.focus, &g.nodes, &g.edges);
    order_layers(&mut layers, g.nodes.len(), &pairs);

    // The legend, on top.
    let mut legend_lines: Vec<(bool, String)> = Vec::new();
    if g.legend.is_empty() {
        legend_lines.push((
            false,
            format!("No order or ownership rule reaches this entity on {}.", g.as_of),
        ));
    }
    for item in &g.legend {
        for (i, line) in wrap(item, LEGEND_CHARS, 4).into_iter().enumerate() {
            legend_lines.push((i == 0, line));
        }
    }
    let key_y = MARGIN + 10.0;
    let legend_top = key_y + 22.0;
    let legend_h = legend_lines.len() as f64 * 17.0;
    let graph_top = legend_top + legend_h + 22.0;

    // Boxes: each layer in rows of at most ROW_MAX, rows one under another.
    let mut placed: Vec<Placed> = vec![Placed::default(); g.nodes.len()];
    let mut rows: Vec<Vec<usize>> = Vec::new();
    for layer in &layers {
        let count = layer.len().div_ceil(ROW_MAX).max(1);
        let per_row = layer.len().div_ceil(count).max(1);
        rows.extend(layer.chunks(per_row).map(<[usize]>::to_vec));
    }
    for &n in rows.iter().flatten() {
        let lines = wrap(&g.nodes[n].name, NODE_CHARS, 3);
        let longest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        placed[n].w = (longest as f64 * NODE_CHAR_W + 22.0).max(NODE_MIN_W);
        placed[n].h = 26.0 + 15.0 * lines.len() as f64;
        placed[n].lines = lines;
    }
    let row_widths: Vec<f64> = rows
        .iter()
        .map(|row| row.iter().map(|&n| placed[n].w).sum::<f64>() + GAP_X * row.len().saturating_sub(1) as f64)
        .collect();
    let legend_w = legend_lines.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(0) as f64 * 6.6 + 24.0;
    let content_w = row_widths.iter().copied().fold(legend_w.max(560.0), f64::max);
    let width = content_w + 2.0 * MARGIN;
    let mut y = graph_top;
    // Each row's band (top, bottom) and its boxes' spans (left, right).
    let mut bands: Vec<(f64, f64)> = Vec::with_capacity(rows.len());
    let mut spans: Vec<Vec<(f64, f64)>> = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let mut x = MARGIN + (content_w - row_widths[r]) / 2.0;
        let h = row.iter().map(|&n| placed[n].h).fold(0.0, f64::max);
        let mut row_spans = Vec::with_capacity(row.len());
        for &n in row {
            placed[n].x = x;
            placed[n].y = y + (h - placed[n].h) / 2.0;
            placed[n].row = r;
            row_spans.push((x, x + placed[n].w));
            x += placed[n].w + GAP_X;
        }
        bands.push((y, y + h));
        spans.push(row_spans);
        y += h + GAP_Y;
    }
    let height = (y - GAP_Y + MARGIN).max(graph_top + MARGIN);

    // Where each edge leaves and enters its boxes: ports spread along the
    // side, ordered by where the other end is, so arrows do not overlap.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    enum Side {
        Top,
        Bottom,
    }
    let mut ends: Vec<((usize, Side), (usize, Side))> = Vec::with_capacity(pairs.len());
    for &(f, t) in &pairs {
        let (pf, pt) = (&placed[f], &placed[t]);
        ends.push(if pf.row < pt.row {
            ((f, Side::Bottom), (t, Side::Top))
        } else if pf.row > pt.row {
            ((f, Side::Top), (t, Side::Bottom))
        } else {
            ((f, Side::Top), (t, Side::Top))
        });
    }
    // (node, side) → (the other end's x, edge, whether this end is its source)
    type Ends = Vec<(f64, usize, bool)>;
    let mut at_side: BTreeMap<(usize, Side), Ends> = BTreeMap::new();
    for (i, &((f, fs), (t, ts))) in ends.iter().enumerate() {
        at_side.entry((f, fs)).or_default().push((placed[t].cx(), i, true));
        at_side.entry((t, ts)).or_default().push((placed[f].cx(), i, false));
    }
    let mut port: HashMap<(usize, bool), (f64, f64)> = HashMap::new();
    for ((n, side), mut list) in at_side {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let p = &placed[n];
        let k = list.len() as f64;
        let spread = (p.w - 24.0).min(26.0 * k);
        for (j, (_, edge, is_from)) in list.into_iter().enumerate() {
            let x = if k == 1.0 {
                p.cx()
            } else {
                p.cx() - spread / 2.0 + spread * j as f64 / (k - 1.0)
            };
            let y = if side == Side::Top { p.y } else { p.y + p.h };
            port.insert((edge, is_from), (x, y));
        }
    }

    let mut out = String::new();
    w!(
        out,
        "<svg id=\"ownership-graph\" class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"ownership-graph-title\" \
         font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\" font-size=\"12\">\n\
         <title id=\"ownership-graph-title\">Ownership and control around {} on {}</title>\n\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" \
         markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{EDGE}\"/></marker>\
         <marker id=\"arrow-coverage\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" markerHeight=\"10\" \
         markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{COVERAGE}\"/></marker></defs>\n\
         <rect x=\"0\" y=\"0\" width=\"{width:.0}\" height=\"{height:.0}\" fill=\"#ffffff\"/>\n",
        esc(g.nodes.get(index.get(g.focus.as_str()).copied().unwrap_or(usize::MAX)).map(|n| n.name.as_str()).unwrap_or(&g.focus)),
        esc(&g.as_of)
    );
    // The key and the legend.
    let kx = MARGIN;
    w!(
        out,
        "<g class=\"legend\"><rect x=\"{kx:.1}\" y=\"{:.1}\" width=\"22\" height=\"13\" rx=\"3\" fill=\"#e8f0fe\" stroke=\"#1a56db\" stroke-width=\"2\"/>\
         <text x=\"{:.1}\" y=\"{key_y:.1}\">this entity</text>\
         <rect x=\"{:.1}\" y=\"{:.1}\" width=\"22\" height=\"13\" rx=\"3\" fill=\"#fff5f5\" stroke=\"#c81e1e\" stroke-width=\"2\"/>\
         <text x=\"{:.1}\" y=\"{key_y:.1}\">listed</text>\
         <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{COVERAGE}\" stroke-width=\"3\"/>\
         <text x=\"{:.1}\" y=\"{key_y:.1}\">on a coverage path</text>\
         <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{EDGE}\" stroke-width=\"1.5\"/>\
         <text x=\"{:.1}\" y=\"{key_y:.1}\">other relation</text>\n",
        key_y - 10.0,
        kx + 28.0,
        kx + 110.0,
        key_y - 10.0,
        kx + 138.0,
        kx + 200.0,
        key_y - 4.0,
        kx + 230.0,
        key_y - 4.0,
        kx + 236.0,
        kx + 370.0,
        key_y - 4.0,
        kx + 400.0,
        key_y - 4.0,
        kx + 406.0,
    );
    for (i, (first, line)) in legend_lines.iter().enumerate() {
        let ly = legend_top + 12.0 + i as f64 * 17.0;
        if *first {
            w!(
                out,
                "<line x1=\"{kx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{COVERAGE}\" stroke-width=\"3\"/>",
                ly - 4.0,
                kx + 14.0,
                ly - 4.0
            );
        }
        w!(
            out,
            "<text class=\"legend-line\" x=\"{:.1}\" y=\"{ly:.1}\" fill=\"#1f2937\">{}</text>\n",
            kx + if *first || g.legend.is_empty() { 20.0 } else { 32.0 },
            esc(line)
        );
    }
    out.push_str("</g>\n");

    // Edges: lines first (plain ones, then those on a coverage path), then
    // boxes, then the edges' labels over everything.
    let boxes: Vec<Rect> = placed
        .iter()
        .map(|p| Rect {
            x: p.x - 2.0,
            y: p.y - 2.0,
            w: p.w + 4.0,
            h: p.h + 4.0,
        })
        .collect();
    let mut label_rects: Vec<Rect> = Vec::new();
    let mut lines_plain = String::new();
    let mut lines_coverage = String::new();
    let mut labels = String::new();
    for (i, &(e, f, t)) in drawn.iter().enumerate() {
        let on_path = g
            .coverage_edges
            .contains(&(e.from.clone(), e.kind.clone(), e.to.clone()));
        let (sx, sy) = port[&(i, true)];
        let (ex, ey) = port[&(i, false)];
        let segments = route(
            (sx, sy),
            (ex, ey),
            (placed[f].row, placed[t].row),
            &bands,
            &spans,
            width,
        );
        let mut d = format!("M{sx:.1},{sy:.1}");
        for c in &segments {
            w!(
                d,
                " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                c[1].0,
                c[1].1,
                c[2].0,
                c[2].1,
                c[3].0,
                c[3].1
            );
        }
        let class = if on_path { "edge coverage" } else { "edge" };
        let (stroke, stroke_width, marker) = if on_path {
            (COVERAGE, 2.75, "arrow-coverage")
        } else {
            (EDGE, 1.5, "arrow")
        };
        let target = if on_path { &mut lines_coverage } else { &mut lines_plain };
        w!(
            target,
            "<path class=\"{class}\" data-from=\"{}\" data-kind=\"{}\" data-to=\"{}\" \
             d=\"{d}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{stroke_width}\" \
             marker-end=\"url(#{marker})\"><title>{} {} {}</title></path>\n",
            esc(&e.from),
            esc(&e.kind),
            esc(&e.to),
            esc(&g.nodes[f].name),
            esc(&human(&e.kind)),
            esc(&g.nodes[t].name),
        );
        let text = match e.percent {
            Some(p) => format!("{} {}", human(&e.kind), pct(p)),
            None => human(&e.kind),
        };
        let lw = text.chars().count() as f64 * 6.3 + 10.0;
        let lh = 16.0;
        let rect_at = |(c, t): (&[(f64, f64); 4], f64)| {
            let (cx, cy) = bezier(*c, t);
            Rect {
                x: cx - lw / 2.0,
                y: cy - lh / 2.0,
                w: lw,
                h: lh,
            }
        };
        // Along the first curve (from the source), else the last, else
        // any between: the first spot clear of boxes and other labels.
        let mut order: Vec<&[(f64, f64); 4]> = Vec::with_capacity(segments.len());
        order.extend(segments.first());
        if segments.len() > 1 {
            order.extend(segments.last());
            order.extend(&segments[1..segments.len() - 1]);
        }
        let spot = order
            .iter()
            .flat_map(|c| [0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8].map(|t| (*c, t)))
            .map(rect_at)
            .find(|r| !label_rects.iter().chain(&boxes).any(|o| o.overlaps(r)))
            .unwrap_or_else(|| rect_at((&segments[0], 0.5)));
        label_rects.push(spot);
        w!(
            labels,
            "<g class=\"edge-label{}\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{lw:.1}\" height=\"{lh}\" rx=\"3\" fill=\"#ffffff\" \
             stroke=\"{}\" stroke-width=\"0.75\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{}\">{}</text></g>\n",
            if on_path { " coverage" } else { "" },
            spot.x,
            spot.y,
            if on_path { COVERAGE } else { "#d1d5db" },
            spot.x + lw / 2.0,
            spot.y + 11.5,
            if on_path { COVERAGE } else { "#374151" },
            esc(&text)
        );
    }
    out.push_str(&lines_plain);
    out.push_str(&lines_coverage);

    for (n, p) in g.nodes.iter().zip(&placed) {
        let focus = n.id == g.focus;
        let on_path = g.coverage_nodes.contains(&n.id);
        let mut class = String::from("node");
        for (yes, word) in [(focus, " focus"), (n.listed, " listed"), (on_path, " coverage")] {
            if yes {
                class.push_str(word);
            }
        }
        let (fill, stroke, width) = if focus {
            ("#e8f0fe", "#1a56db", 2.5)
        } else if n.listed {
            ("#fff5f5", "#c81e1e", 2.0)
        } else if on_path {
            ("#fff7ed", COVERAGE, 2.0)
        } else {
            ("#ffffff", "#9aa5b1", 1.25)
        };
        w!(
            out,
            "<a href=\"{}\"><g class=\"{class}\" data-id=\"{}\"><title>{} ({})</title>\
             <rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>",
            esc(&entity_href(&n.id, &g.as_of)),
            esc(&n.id),
            esc(&n.name),
            esc(&n.id),
            p.x,
            p.y,
            p.w,
            p.h
        );
        for (i, line) in p.lines.iter().enumerate() {
            w!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"{}\" fill=\"#111827\">{}</text>",
                p.cx(),
                p.y + 18.0 + 15.0 * i as f64,
                if focus { 700 } else { 600 },
                esc(line)
            );
        }
        let mut sub = kind_label(&n.kind).to_string();
        if n.listed {
            sub.push_str(" · LISTED");
        }
        w!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"{}\">{}</text></g></a>\n",
            p.cx(),
            p.y + p.h - 9.0,
            if n.listed { "#c81e1e" } else { "#6b7280" },
            esc(&sub)
        );
    }
    out.push_str(&labels);
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------
// Decisions

fn render_decision(view: &Value) -> String {
    let d = &view["decision"];
    let id = st(&view["decision_id"]);
    let kind = st(&view["kind"]);
    let as_of = st(&view["as_of"]);
    let mut out = String::new();
    w!(out, "<h1>Decision <code id=\"decision-id\">{}</code></h1>\n", esc(&id));
    if kind == "disposition" {
        out.push_str(&render_disposition_record(view));
        out.push_str(&render_audit(view));
        return out;
    }
    if kind == "allowlist" {
        out.push_str(&render_allowlist_record(view));
        out.push_str(&render_audit(view));
        return out;
    }
    w!(
        out,
        "<p class=\"lead\"><span id=\"decision-outcome\">{}</span> {} decision as of <strong id=\"decision-as-of\">{}</strong></p>\n",
        badge("outcome", &st(&d["outcome"])),
        esc(&kind),
        esc(&as_of)
    );
    out.push_str("<dl class=\"facts\">\n");
    let input = &view["input"]["screened"];
    let mut fact = |label: &str, text: String| {
        if !text.is_empty() {
            w!(out, "<dt>{}</dt><dd>{}</dd>\n", esc(label), esc(&text));
        }
    };
    let joined = |v: &Value| -> String {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|x| match x {
                        Value::Object(o) if o.contains_key("value") => {
                            format!(
                                "{}:{}",
                                o.get("type").map(st).unwrap_or_default(),
                                o.get("value").map(st).unwrap_or_default()
                            )
                        }
                        other => st(other),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_else(|| st(v))
    };
    match kind.as_str() {
        "party" => {
            let p = &input["party"];
            fact("Names", joined(&p["names"]));
            fact("Type", st(&p["type"]));
            fact("Birth date", st(&p["birth_date"]));
            fact("Countries", joined(&p["countries"]));
            fact("Identifiers", joined(&p["identifiers"]));
            fact("Reference", st(&p["reference"]));
        }
        "app" => fact("App", st(&input["app_id"])),
        "payment" => {
            fact("Payment", st(&d["id"]));
        }
        _ => {}
    }
    fact("Jurisdictions", joined(&input["jurisdictions"]));
    fact("Policy", st(&input["policy"]));
    if !input["block"].is_null() {
        fact(
            "Thresholds",
            format!("block {}, review {}", st(&input["block"]), st(&input["review"])),
        );
    }
    fact("Recorded", st(&view["created"]));
    fact("Snapshot", st(&view["snapshot_id"]));
    fact("Engine", st(&d["engine_version"]));
    out.push_str("</dl>\n");

    let hits = d["hits"].as_array().cloned().unwrap_or_default();
    if kind != "app" {
        w!(
            out,
            "<h2>Hits <span class=\"muted\">({})</span></h2>\n<div id=\"hits\">\n",
            hits.len()
        );
        if hits.is_empty() {
            out.push_str("<p class=\"empty\">No hit.</p>\n");
        }
        for hit in &hits {
            out.push_str(&render_hit(hit, &as_of));
        }
        out.push_str("</div>\n");
    }
    let suppressed = d["suppressed"].as_array().cloned().unwrap_or_default();
    if !suppressed.is_empty() {
        out.push_str("<h2>Suppressed by the allowlist</h2>\n<ul class=\"plain\">\n");
        for s in &suppressed {
            let by = &s["suppressed_by"];
            w!(
                out,
                "<li><a href=\"{}\">{}</a> (score {}): entry {} by {}: {}</li>\n",
                esc(&entity_href(&st(&s["entity_id"]), &as_of)),
                esc(&st(&s["name"])),
                esc(&score(&s["score"])),
                esc(&st(&by["entry_id"])),
                esc(&st(&by["author"])),
                esc(&st(&by["reason"]))
            );
        }
        out.push_str("</ul>\n");
    }
    if kind == "app" {
        out.push_str(&render_app_decision(d, &as_of));
    }
    for app in d["apps"].as_array().into_iter().flatten() {
        w!(
            out,
            "<h2>App {} <span class=\"muted\">in {}</span></h2>\n",
            esc(&st(&app["app"])),
            esc(&st(&app["field"]))
        );
        out.push_str(&render_app_decision(&app["decision"], &as_of));
    }
    let warnings = d["warnings"].as_array().cloned().unwrap_or_default();
    if !warnings.is_empty() {
        out.push_str("<h2>Warnings</h2>\n<ul class=\"plain warnings\">\n");
        for wn in &warnings {
            w!(
                out,
                "<li><code>{}</code> {}</li>\n",
                esc(&st(&wn["code"])),
                esc(&st(&wn["message"]))
            );
        }
        out.push_str("</ul>\n");
    }

    out.push_str("<h2>Alert</h2>\n<div id=\"alert\">\n");
    let alert = &view["alert"];
    if alert.is_object() {
        w!(
            out,
            "<p>Alert status {} (opened {}, updated {}). <a href=\"/ui/alerts?status={}\">Queue</a></p>\n",
            badge("status", &st(&alert["status"])),
            esc(&st(&alert["created"])),
            esc(&st(&alert["updated"])),
            enc(&st(&alert["status"]))
        );
    } else {
        out.push_str("<p class=\"empty\">No alert: only review and block decisions open one.</p>\n");
    }
    let dispositions = view["dispositions"].as_array().cloned().unwrap_or_default();
    if !dispositions.is_empty() {
        out.push_str("<table class=\"table\" id=\"dispositions\"><thead><tr><th>When</th><th>Disposition</th><th>Author</th><th>Comment</th><th>Allowlist entry</th><th>Audit record</th></tr></thead><tbody>\n");
        for x in &dispositions {
            let entry = &x["allow_entry"];
            let entry = if entry.is_object() {
                let expires = st(&entry["expires"]);
                format!(
                    "{}{} → {}{}",
                    key_kind_label(entry),
                    st(&entry["input_key"]),
                    st(&entry["entity_id"]),
                    if expires.is_empty() {
                        String::new()
                    } else {
                        format!(" until {expires}")
                    }
                )
            } else {
                String::new()
            };
            w!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href=\"{}\"><code>{}</code></a></td></tr>\n",
                esc(&st(&x["created"])),
                badge("status", &st(&x["status"])),
                esc(&st(&x["author"])),
                esc(&st(&x["comment"])),
                esc(&entry),
                esc(&decision_href(&st(&x["audit_decision_id"]))),
                esc(&st(&x["audit_decision_id"]))
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</div>\n");
    out.push_str(&render_audit(view));
    out
}

/// A record's place in the audit chain, and the record as JSON.
fn render_audit(view: &Value) -> String {
    let d = &view["decision"];
    let mut out = String::from("<h2>Audit</h2>\n<dl class=\"facts\" id=\"audit\">\n");
    w!(out, "<dt>Sequence</dt><dd>{}</dd>\n", esc(&st(&view["seq"])));
    w!(
        out,
        "<dt>Hash</dt><dd><code id=\"audit-hash\">{}</code></dd>\n",
        esc(&st(&view["hash"]))
    );
    w!(
        out,
        "<dt>Previous hash</dt><dd><code>{}</code></dd>\n",
        esc(&st(&view["prev_hash"]))
    );
    out.push_str("</dl>\n");
    let raw = serde_json::to_string_pretty(d).unwrap_or_default();
    w!(
        out,
        "<details><summary>The decision as recorded (JSON)</summary><pre>{}</pre></details>\n",
        esc(&raw)
    );
    out
}

/// The audit record of a disposition: which alert, what was decided, and
/// the allowlist entry it made.
fn render_disposition_record(view: &Value) -> String {
    let input = &view["input"];
    let alert = st(&input["alert"]);
    let mut out = format!(
        "<p class=\"lead\">The disposition of alert <a href=\"{}\"><code>{}</code></a>: {}</p>\n<dl class=\"facts\">\n",
        esc(&decision_href(&alert)),
        esc(&alert),
        badge("status", &st(&input["status"]))
    );
    for (label, value) in [
        ("Author", st(&input["author"])),
        ("Comment", st(&input["comment"])),
        ("Recorded", st(&view["created"])),
    ] {
        w!(out, "<dt>{}</dt><dd>{}</dd>\n", esc(label), esc(&value));
    }
    let entry = &input["allow_entry"];
    if entry.is_object() {
        let expires = st(&entry["expires"]);
        w!(
            out,
            "<dt>Allowlist entry</dt><dd>{} for {}<q>{}</q> → <a href=\"{}\">{}</a>{}</dd>\n",
            esc(&st(&entry["id"])),
            esc(&key_kind_label(entry)),
            esc(&st(&entry["input_key"])),
            esc(&entity_href(&st(&entry["entity_id"]), "")),
            esc(&st(&entry["entity_id"])),
            esc(&if expires.is_empty() {
                String::new()
            } else {
                format!(", until {expires}")
            })
        );
    }
    out.push_str("</dl>\n");
    out
}

/// "the name ", "the reference " or "the identifier " before an allowlist
/// entry's key; nothing for an entry made before kinds were recorded.
fn key_kind_label(entry: &Value) -> String {
    entry["key_kind"]
        .as_str()
        .map(|kind| format!("the {kind} "))
        .unwrap_or_default()
}

/// An allowlist entry added outside a disposition (`interdict allowlist
/// add`): who cleared whom, and why.
fn render_allowlist_record(view: &Value) -> String {
    let input = &view["input"];
    let entry = &input["allow_entry"];
    let mut out = format!(
        "<p class=\"lead\">Allowlist entry <code>{}</code> added: {}<q>{}</q> is not <a href=\"{}\">{}</a></p>\n<dl class=\"facts\">\n",
        esc(&st(&entry["id"])),
        esc(&key_kind_label(entry)),
        esc(&st(&entry["input_key"])),
        esc(&entity_href(&st(&entry["entity_id"]), "")),
        esc(&st(&entry["entity_id"]))
    );
    let expires = st(&entry["expires"]);
    for (label, value) in [
        ("Author", st(&input["author"])),
        ("Reason", st(&input["comment"])),
        (
            "Expires",
            if expires.is_empty() {
                "never".to_string()
            } else {
                expires
            },
        ),
        ("Recorded", st(&view["created"])),
    ] {
        w!(out, "<dt>{}</dt><dd>{}</dd>\n", esc(label), esc(&value));
    }
    out.push_str("</dl>\n");
    out
}

fn render_hit(hit: &Value, as_of: &str) -> String {
    let mut out = String::new();
    let entity = st(&hit["entity_id"]);
    w!(
        out,
        "<article class=\"hit card\" data-entity=\"{}\">\n<h3><a href=\"{}\">{}</a> <span class=\"muted\">{}</span> {} \
         <span class=\"score\">score {}</span></h3>\n",
        esc(&entity),
        esc(&entity_href(&entity, as_of)),
        esc(&st(&hit["name"])),
        esc(&st(&hit["kind"])),
        badge("outcome", &st(&hit["outcome"])),
        esc(&score(&hit["score"]))
    );
    w!(out, "<p class=\"reason\">{}</p>\n", esc(&st(&hit["reason"])));
    if let Some(field) = hit["field"].as_str() {
        let path = st(&hit["path"]);
        w!(
            out,
            "<p>Found in the payment's <code>{}</code>{}</p>\n",
            esc(field),
            if path.is_empty() {
                String::new()
            } else {
                format!(" (<code>{}</code>)", esc(&path))
            }
        );
    }
    if hit["by"] == "identifier" {
        let i = &hit["identifier"];
        w!(
            out,
            "<p>Matched by identifier <code>{}:{}</code>, exactly.</p>\n",
            esc(&st(&i["type"])),
            esc(&st(&i["value"]))
        );
    } else {
        w!(
            out,
            "<p>The name <q>{}</q> matched the listed name <q>{}</q>.</p>\n",
            esc(&st(&hit["input"])),
            esc(&st(&hit["matched_name"]))
        );
    }
    let f = &hit["features"];
    if f.is_object() {
        out.push_str(&render_features(f));
    }
    if let Some(e) = hit["evidence"].as_object() {
        let parts: Vec<String> = e.iter().map(|(k, v)| format!("{} {}", human(k), st(v))).collect();
        if !parts.is_empty() {
            w!(
                out,
                "<p class=\"muted\">Secondary evidence: {}</p>\n",
                esc(&parts.join(", "))
            );
        }
    }
    let designations = hit["designations"].as_array().cloned().unwrap_or_default();
    if !designations.is_empty() {
        out.push_str("<h4>Designations</h4>\n<ul class=\"plain\">\n");
        for d in &designations {
            let dates = match (st(&d["start"]), st(&d["end"])) {
                (s, e) if s.is_empty() && e.is_empty() => String::new(),
                (s, e) => format!(
                    " ({} to {})",
                    if s.is_empty() { "…".to_string() } else { s },
                    if e.is_empty() { "…".to_string() } else { e }
                ),
            };
            w!(
                out,
                "<li>{} {}{} {}</li>\n",
                esc(&st(&d["authority"])),
                esc(&st(&d["program"])),
                esc(&dates),
                if d["active"].as_bool() == Some(true) {
                    badge("flag", "active")
                } else {
                    badge("flag", "inactive")
                }
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str(&render_order_findings(&hit["orders"], as_of));
    let ownership = hit["ownership"].as_array().cloned().unwrap_or_default();
    if !ownership.is_empty() {
        out.push_str("<h4>Ownership</h4>\n<ul class=\"plain\">\n");
        for o in &ownership {
            w!(
                out,
                "<li><strong>{}</strong>: blocked owners hold {}: <span class=\"path\">{}</span></li>\n",
                esc(&st(&o["rule_title"])),
                esc(&o["share"].as_f64().map(pct).unwrap_or_default()),
                esc(&st(&o["path_text"]))
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</article>\n");
    out
}

/// The name features of a hit: each aligned token pair, and what did not
/// align.
fn render_features(f: &Value) -> String {
    let mut out = String::new();
    w!(
        out,
        "<table class=\"table features\"><caption>Name score {}</caption>\
         <thead><tr><th>Screened token</th><th>Listed token</th><th>Similarity</th><th>Match</th></tr></thead><tbody>\n",
        esc(&score(&f["name_score"]))
    );
    for a in f["aligned"].as_array().into_iter().flatten() {
        let joined = st(&a["joined"]);
        w!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>\n",
            esc(&st(&a["query"])),
            esc(&st(&a["candidate"])),
            esc(&score(&a["similarity"])),
            esc(&human(&st(&a["match"]))),
            if joined.is_empty() {
                String::new()
            } else {
                format!(" ({})", esc(&joined))
            }
        );
    }
    out.push_str("</tbody></table>\n<ul class=\"plain features-more\">\n");
    let tokens = |v: &Value| -> String {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|t| match t.as_array() {
                Some(pair) if pair.len() == 2 => format!("{} ({})", st(&pair[0]), score(&pair[1])),
                _ => st(t),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let extra = tokens(&f["extra"]);
    let missing = tokens(&f["missing"]);
    w!(
        out,
        "<li>Screened tokens with no counterpart: {}</li>\n",
        if extra.is_empty() {
            "none".to_string()
        } else {
            esc(&extra)
        }
    );
    w!(
        out,
        "<li>Listed tokens with no counterpart: {}</li>\n",
        if missing.is_empty() {
            "none".to_string()
        } else {
            esc(&missing)
        }
    );
    let yes_no = |v: &Value| if v.as_bool() == Some(true) { "yes" } else { "no" };
    w!(
        out,
        "<li>Reordered: {} · Truncated: {} · Weak tokens only: {}</li>\n",
        yes_no(&f["reordered"]),
        yes_no(&f["truncated"]),
        yes_no(&f["weak_only"])
    );
    let titles = f["titles"]
        .as_array()
        .map(|t| t.iter().map(st).collect::<Vec<_>>().join(", "));
    if let Some(titles) = titles.filter(|t| !t.is_empty()) {
        w!(out, "<li>Titles taken out: {}</li>\n", esc(&titles));
    }
    if f["weak_alias"].as_bool() == Some(true) {
        out.push_str("<li>Matched a weak alias (score × 0.9)</li>\n");
    }
    out.push_str("</ul>\n");
    out
}

fn render_order_findings(orders: &Value, as_of: &str) -> String {
    let orders = orders.as_array().cloned().unwrap_or_default();
    if orders.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h4>Orders</h4>\n<ul class=\"plain orders\">\n");
    for o in &orders {
        let id = st(&o["id"]);
        let covered = &o["covered"];
        w!(
            out,
            "<li><a href=\"{}\">{}</a> {} → {} {}",
            esc(&order_href(&id, as_of)),
            esc(&id),
            badge("order", &st(&o["status"])),
            badge("outcome", &st(&o["outcome"])),
            esc(&st(&o["reason"]))
        );
        if covered.is_object() {
            w!(
                out,
                "<div class=\"path\">Covers <a href=\"{}\">{}</a> as {}: {}</div>",
                esc(&entity_href(&st(&covered["entity_id"]), as_of)),
                esc(&st(&covered["name"])),
                esc(&human(&st(&covered["role"]))),
                esc(&st(&covered["path_text"]))
            );
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
    out
}

/// An app decision: the entities its identifier matched, their listings,
/// and the orders that reach it.
fn render_app_decision(d: &Value, as_of: &str) -> String {
    let mut out = String::new();
    w!(out, "<p>Outcome {}", badge("outcome", &st(&d["outcome"])));
    if let Some(path) = d["path_text"].as_str().filter(|p| !p.is_empty()) {
        w!(out, ": <span class=\"path\">{}</span>", esc(path));
    }
    out.push_str("</p>\n");
    let matches = d["matches"].as_array().cloned().unwrap_or_default();
    if !matches.is_empty() {
        out.push_str("<h4>Matched</h4>\n<ul class=\"plain\">\n");
        for m in &matches {
            w!(
                out,
                "<li><a href=\"{}\">{}</a> by {}:{} ({})</li>\n",
                esc(&entity_href(&st(&m["entity_id"]), as_of)),
                esc(&st(&m["name"])),
                esc(&st(&m["identifier"]["type"])),
                esc(&st(&m["identifier"]["value"])),
                esc(&human(&st(&m["match"])))
            );
        }
        out.push_str("</ul>\n");
    }
    let listings = d["listings"].as_array().cloned().unwrap_or_default();
    if !listings.is_empty() {
        out.push_str("<h4>Listings</h4>\n<ul class=\"plain\">\n");
        for l in &listings {
            w!(
                out,
                "<li>{} {} {} {}: {}</li>\n",
                esc(&st(&l["name"])),
                esc(&st(&l["authority"])),
                esc(&st(&l["program"])),
                badge("outcome", &st(&l["outcome"])),
                esc(&st(&l["reason"]))
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str(&render_order_findings(&d["orders"], as_of));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// The value of attribute `name` in the tag starting `tag`.
    fn attr(tag: &str, name: &str) -> String {
        let key = format!(" {name}=\"");
        let start = tag.find(&key).unwrap_or_else(|| panic!("no {name} in {tag}")) + key.len();
        tag[start..start + tag[start..].find('"').unwrap()].to_string()
    }

    /// Every opening tag in `svg` that starts with `prefix`.
    fn tags<'a>(svg: &'a str, prefix: &str) -> Vec<&'a str> {
        svg.match_indices(prefix)
            .map(|(i, _)| &svg[i..i + svg[i..].find('>').unwrap()])
            .collect()
    }

    /// `(from, kind, to)` of the edges drawn with exactly `class`.
    fn edges_with_class(svg: &str, class: &str) -> BTreeSet<(String, String, String)> {
        tags(svg, "<path class=\"edge")
            .into_iter()
            .filter(|t| attr(t, "class") == class)
            .map(|t| (attr(t, "data-from"), attr(t, "data-kind"), attr(t, "data-to")))
            .collect()
    }

    /// The box of each node: id → (x, y, width, height).
    fn boxes(svg: &str) -> BTreeMap<String, (f64, f64, f64, f64)> {
        tags(svg, "<g class=\"node")
            .into_iter()
            .map(|t| {
                let id = attr(t, "data-id");
                let at = svg.find(t).unwrap();
                let rect = tags(&svg[at..], "<rect")[0];
                let n = |a: &str| attr(rect, a).parse::<f64>().unwrap();
                (id, (n("x"), n("y"), n("width"), n("height")))
            })
            .collect()
    }

    fn step(id: &str, name: &str, relation: Option<(&str, &str)>) -> Value {
        match relation {
            None => json!({"entity_id": id, "name": name, "label": name}),
            Some((relation, direction)) => json!({"entity_id": id, "name": name, "label": name,
                "link": {"relation": relation, "direction": direction, "confidence": "verified", "sources": []}}),
        }
    }

    /// An app `app` operated by `op`, controlled by `parent`, owned 60% by
    /// `owner`; a second operator `op2`; `other` linked to `parent`; EO1
    /// covers `op` through the app.
    fn view() -> Value {
        json!({
            "as_of": "2021-03-01",
            "snapshot_id": "sha256:00",
            "entity": {"id": "op", "kind": "company", "name": "Op Co"},
            "designations": [],
            "coverage": [{
                "order": "EO1", "title": "An order", "status": "in_force", "role": "controller",
                "path_text": "App (app) ←operates— Op Co ←controls— Parent",
                "path": [step("app", "App", None), step("op", "Op Co", Some(("operates", "up"))),
                         step("parent", "Parent", Some(("controls", "up")))],
            }],
            "ownership": [],
            "graph": {
                "nodes": [
                    {"id": "app", "name": "App", "kind": "application", "listed": false},
                    {"id": "op", "name": "Op Co", "kind": "company", "listed": false},
                    {"id": "op2", "name": "Second Operator", "kind": "company", "listed": false},
                    {"id": "parent", "name": "Parent", "kind": "company", "listed": false},
                    {"id": "owner", "name": "Owner", "kind": "person", "listed": true},
                    {"id": "other", "name": "Other", "kind": "company", "listed": false},
                ],
                "relations": [
                    {"kind": "operates", "from": "op", "to": "app"},
                    {"kind": "operates", "from": "op2", "to": "app"},
                    {"kind": "controls", "from": "parent", "to": "op"},
                    {"kind": "owns", "from": "owner", "to": "parent", "percent": 60.0},
                    {"kind": "linked_to", "from": "other", "to": "parent"},
                    {"kind": "owns", "from": "outside", "to": "parent", "percent": 10.0},
                ],
            },
        })
    }

    fn triple(from: &str, kind: &str, to: &str) -> (String, String, String) {
        (from.to_string(), kind.to_string(), to.to_string())
    }

    #[test]
    fn text_is_escaped_for_html_and_attributes() {
        assert_eq!(
            esc(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(esc("Zìjié Tiàodòng"), "Zìjié Tiàodòng");
    }

    #[test]
    fn links_percent_encode_ids() {
        assert_eq!(enc("a b/c?d&é"), "a%20b%2Fc%3Fd%26%C3%A9");
        assert_eq!(
            entity_href("us_ofac_sdn-306", "2021-03-01"),
            "/ui/entities/us_ofac_sdn-306?as_of=2021-03-01"
        );
        assert_eq!(order_href("EO13971", ""), "/ui/orders/EO13971");
        assert_eq!(percent_decode("a%20b%2Fc"), Some("a b/c".to_string()));
        assert_eq!(percent_decode("bad%2"), None);
    }

    #[test]
    fn a_cookie_carries_the_pages_token() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; interdict_token=s%20cret; b=2"),
        );
        assert_eq!(cookie_token(&headers), Some("s cret".to_string()));
        headers.insert(header::COOKIE, HeaderValue::from_static("interdict_token="));
        assert_eq!(cookie_token(&headers), None);
    }

    #[test]
    fn path_steps_up_go_from_the_step_to_the_one_before() {
        let path = json!([
            step("app", "App", None),
            step("op", "Op", Some(("operates", "up"))),
            step("sub", "Sub", Some(("owns", "down")))
        ]);
        assert_eq!(
            path_edges(&path),
            vec![triple("op", "operates", "app"), triple("op", "owns", "sub")]
        );
        assert_eq!(path_edges(&json!([step("app", "App", None)])), vec![]);
        assert_eq!(path_edges(&Value::Null), vec![]);
    }

    #[test]
    fn the_graph_marks_exactly_the_coverage_path() {
        let g = graph_input(&view());
        assert_eq!(g.omitted, 1, "the relation from an entity not among the nodes");
        let svg = graph_svg(&g);
        assert!(svg.starts_with("<svg id=\"ownership-graph\""));
        assert_eq!(
            edges_with_class(&svg, "edge coverage"),
            BTreeSet::from([triple("op", "operates", "app"), triple("parent", "controls", "op")])
        );
        assert_eq!(
            edges_with_class(&svg, "edge"),
            BTreeSet::from([
                triple("op2", "operates", "app"),
                triple("owner", "owns", "parent"),
                triple("other", "linked_to", "parent"),
            ])
        );
        let node_classes: BTreeMap<String, String> = tags(&svg, "<g class=\"node")
            .into_iter()
            .map(|t| (attr(t, "data-id"), attr(t, "class")))
            .collect();
        let expected: BTreeMap<String, String> = [
            ("app", "node coverage"),
            ("op", "node focus coverage"),
            ("op2", "node"),
            ("other", "node"),
            ("owner", "node listed"),
            ("parent", "node coverage"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(node_classes, expected);
        assert_eq!(tags(&svg, "<g class=\"edge-label coverage\"").len(), 2);
        assert!(svg.contains(">owns 60%</text>"));
        assert!(svg.contains("EO1 (in force) covers it as controller: App (app) ←operates— Op Co ←controls— Parent"));
    }

    #[test]
    fn an_ownership_rules_path_is_marked_too() {
        let mut v = view();
        v["coverage"] = json!([]);
        v["ownership"] = json!([{
            "rule": "ofac-50-percent", "title": "OFAC 50 percent rule",
            "finding": {"share": 60.0, "path_text": "Owner —owns 60%→ Parent",
                        "path": [step("owner", "Owner", None), step("parent", "Parent", Some(("owns", "down")))]},
        }]);
        let g = graph_input(&v);
        assert_eq!(
            g.legend,
            vec!["ofac-50-percent (OFAC 50 percent rule, blocked owners 60%): Owner —owns 60%→ Parent"]
        );
        let svg = graph_svg(&g);
        assert_eq!(
            edges_with_class(&svg, "edge coverage"),
            BTreeSet::from([triple("owner", "owns", "parent")])
        );
        assert_eq!(
            tags(&svg, "<g class=\"node")
                .iter()
                .filter(|t| attr(t, "class").ends_with(" coverage"))
                .count(),
            2
        );
    }

    #[test]
    fn owners_are_drawn_above_and_apps_below() {
        let svg = graph_svg(&graph_input(&view()));
        let b = boxes(&svg);
        let bottom = |id: &str| b[id].1 + b[id].3;
        assert!(bottom("owner") < b["parent"].1);
        assert!(bottom("parent") < b["op"].1);
        assert!(bottom("op") < b["app"].1);
        assert_eq!(
            b["op2"].1 + b["op2"].3 / 2.0,
            b["op"].1 + b["op"].3 / 2.0,
            "both operators on one row"
        );
        assert_eq!(
            b["other"].1 + b["other"].3 / 2.0,
            b["parent"].1 + b["parent"].3 / 2.0,
            "linked: same row"
        );

        let nodes = |ids: &[&str]| -> Vec<GraphNode> {
            ids.iter()
                .map(|id| GraphNode {
                    id: id.to_string(),
                    name: id.to_string(),
                    kind: "company".to_string(),
                    listed: false,
                })
                .collect()
        };
        let edge = |kind: &str, from: &str, to: &str| GraphEdge {
            kind: kind.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            percent: None,
        };
        // A subsidiary_of relation points up: the parent is drawn above.
        let layers = layering(
            "sub",
            &nodes(&["parent", "sub", "feature", "alone"]),
            &[
                edge("subsidiary_of", "sub", "parent"),
                edge("feature_of", "feature", "sub"),
            ],
        );
        assert_eq!(layers, vec![vec![0], vec![1, 3], vec![2]]);

        // Found level with the company it owns, an owner is lifted above it.
        let layers = layering(
            "x",
            &nodes(&["x", "a", "b"]),
            &[edge("owns", "a", "x"), edge("owns", "b", "x"), edge("owns", "a", "b")],
        );
        assert_eq!(layers, vec![vec![1], vec![2], vec![0]]);
        // Cross-holdings do not settle; the lifting stops all the same.
        let layers = layering(
            "x",
            &nodes(&["x", "y"]),
            &[edge("owns", "x", "y"), edge("owns", "y", "x")],
        );
        assert_eq!(layers.iter().map(Vec::len).sum::<usize>(), 2);
    }

    #[test]
    fn names_are_escaped_in_the_graph_and_the_page() {
        let mut v = view();
        v["graph"]["nodes"][1]["name"] = json!("<script>alert(\"x\")</script> & Co");
        v["entity"]["name"] = json!("<script>alert(\"x\")</script> & Co");
        v["coverage"][0]["path_text"] = json!("App ←operates— <b>Op</b>");
        let page = render_entity(&v);
        assert!(!page.contains("<script>"));
        assert!(!page.contains("<b>Op"));
        assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co"));
        assert!(page.contains("App ←operates— &lt;b&gt;Op&lt;/b&gt;"));
        assert!(page.contains("<svg id=\"ownership-graph\""));
    }

    #[test]
    fn forty_entities_get_boxes_that_do_not_overlap() {
        let mut nodes = vec![json!({"id": "focus", "name": "The Focus Holding Company Limited", "kind": "company"})];
        let mut relations = Vec::new();
        for i in 0..39 {
            let id = format!("e{i}");
            nodes.push(json!({"id": id, "name": format!("Entity number {i} with a fairly long registered name"), "kind": "company"}));
            match i % 3 {
                0 => relations.push(json!({"kind": "owns", "from": id, "to": "focus", "percent": 1.5})),
                1 => relations.push(json!({"kind": "owns", "from": "focus", "to": id, "percent": 100.0})),
                _ => relations.push(json!({"kind": "controls", "from": format!("e{}", i - 1), "to": id})),
            }
        }
        let v = json!({"as_of": "2021-03-01", "entity": {"id": "focus"}, "coverage": [], "ownership": [],
                       "graph": {"nodes": nodes, "relations": relations}});
        let svg = graph_svg(&graph_input(&v));
        let b: Vec<(f64, f64, f64, f64)> = boxes(&svg).into_values().collect();
        assert_eq!(b.len(), 40);
        for (i, p) in b.iter().enumerate() {
            for q in &b[i + 1..] {
                let apart = p.0 + p.2 <= q.0 || q.0 + q.2 <= p.0 || p.1 + p.3 <= q.1 || q.1 + q.3 <= p.1;
                assert!(apart, "{p:?} overlaps {q:?}");
            }
        }
        let width: f64 = attr(&svg, "width").parse().unwrap();
        assert!(width <= 1200.0, "{width}: at most {ROW_MAX} boxes a row");
        assert!(svg.contains("No order or ownership rule reaches this entity on 2021-03-01."));
    }

    #[test]
    fn names_wrap_at_spaces_in_at_most_three_lines() {
        assert_eq!(wrap("Alipay.com Co., Ltd.", 24, 3), vec!["Alipay.com Co., Ltd."]);
        assert_eq!(
            wrap("Hangzhou Junao Equity Investment Partnership", 24, 3),
            vec!["Hangzhou Junao Equity", "Investment Partnership"]
        );
        assert_eq!(wrap("ABCDEFGHIJ", 4, 3), vec!["ABCD", "EFGH", "IJ"]);
        assert_eq!(wrap("one two three four five", 5, 2), vec!["one", "two…"]);
        assert_eq!(wrap("", 24, 3), vec![""]);
    }

    fn order() -> Order {
        serde_json::from_value(json!({
            "id": "EO1", "title": "An order", "issuer": "Someone", "summary": "Prohibits.",
            "signed": "2020-08-06", "effective": "2020-09-20", "revoked": "2021-06-09",
            "enjoined": [{"case": "A v. B", "court": "D.D.C.", "from": "2020-09-19", "until": "2020-12-01"}],
        }))
        .unwrap()
    }

    #[test]
    fn status_spans_follow_the_order_day_by_day() {
        let spans = status_spans(&order(), d("2020-07-01"), d("2021-07-01"));
        let got: Vec<(String, String, &str)> = spans
            .iter()
            .map(|s| (s.from.to_string(), s.to.to_string(), s.status))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2020-07-01".into(), "2020-08-06".into(), "not_signed"),
                ("2020-08-06".into(), "2020-09-19".into(), "pending"),
                ("2020-09-19".into(), "2020-12-01".into(), "enjoined"),
                ("2020-12-01".into(), "2021-06-09".into(), "in_force"),
                ("2021-06-09".into(), "2021-07-01".into(), "revoked"),
            ]
        );
    }

    #[test]
    fn the_timeline_marks_each_event_and_the_date() {
        let o = order();
        let events: Vec<Event> = api::timeline(&o)
            .into_iter()
            .map(|(date, kind, text)| Event {
                date,
                kind: kind.to_string(),
                text,
            })
            .collect();
        let as_of = d("2021-03-01");
        let (start, end) = axis_range(&events, as_of);
        assert_eq!(
            (start, end),
            (d("2020-07-12"), d("2021-07-04")),
            "25 days' margin: a twelfth of the span"
        );
        let svg = timeline_svg(&events, &status_spans(&o, start, end), start, end, as_of);
        assert!(svg.starts_with("<svg id=\"order-timeline\""));
        let marked: Vec<(String, String)> = tags(&svg, "<g class=\"event ")
            .into_iter()
            .map(|t| (attr(t, "data-event"), attr(t, "data-date")))
            .collect();
        let expected: Vec<(String, String)> = [
            ("signed", "2020-08-06"),
            ("enjoined", "2020-09-19"),
            ("effective", "2020-09-20"),
            ("injunction_ends", "2020-12-01"),
            ("revoked", "2021-06-09"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(marked, expected);
        // The as-of line at its day: 232 of 357 days along 900 pixels from 30.
        let line = tags(&svg, "<g class=\"as-of\"")[0];
        assert_eq!(attr(line, "data-date"), "2021-03-01");
        let at = svg.find(line).unwrap();
        let x = attr(tags(&svg[at..], "<line")[0], "x1");
        assert_eq!(x, format!("{:.1}", 30.0 + 900.0 * 232.0 / 357.0));
        assert!(svg.contains(">as of 2021-03-01: in force</text>"));
        assert_eq!(tags(&svg, "<rect class=\"in-force\"").len(), 1);
        assert!(svg.contains("<title>2020-09-19: A v. B (D.D.C.)</title>"));
    }

    #[test]
    fn close_event_labels_go_either_side_or_up() {
        let placed: Vec<(usize, bool)> = place_labels(&[(100.0, 80.0), (102.0, 80.0), (104.0, 80.0)], 900.0)
            .iter()
            .map(|l| (l.row, l.anchor_end))
            .collect();
        // The last goes first, right of its line; the middle one left of
        // its own; the first fits on neither side in that row, and goes a
        // row up, where its line passes between the two below.
        assert_eq!(placed, vec![(1, false), (0, true), (0, false)]);
        // A label that would run off the right edge is written leftwards.
        assert!(place_labels(&[(880.0, 80.0)], 900.0)[0].anchor_end);
    }

    #[test]
    fn ticks_are_months_for_a_year_and_years_for_longer() {
        let t = ticks(d("2020-07-12"), d("2021-07-04"));
        assert_eq!(t.first().unwrap().0, d("2020-08-01"));
        assert_eq!(t.last().unwrap().0, d("2021-07-01"));
        assert_eq!(t.len(), 12);
        assert!(
            t.iter().all(|(_, label)| label.is_some()),
            "room for a label every month"
        );
        let t = ticks(d("1990-03-01"), d("2021-01-01"));
        assert_eq!(t.first().unwrap().0, d("1991-01-01"));
        assert_eq!(
            t.iter().filter_map(|(_, l)| l.clone()).collect::<Vec<_>>()[..2],
            ["1992", "1994"]
        );
    }

    #[tokio::test]
    async fn errors_are_html_pages_with_their_status() {
        let response = error_page(&Error::not_found("no entity `<x>` in the live snapshot"));
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(response.headers()[header::CONTENT_SECURITY_POLICY], CSP);
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("<h1>Not found</h1>"));
        assert!(body.contains("no entity `&lt;x&gt;` in the live snapshot"));
        assert!(!body.contains("token-form"));
        let response = error_page(&Error::new(StatusCode::UNAUTHORIZED, "unauthorized", "a token"));
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        assert!(String::from_utf8(body.to_vec()).unwrap().contains("id=\"token-form\""));
    }

    /// Any query string reads as a map of strings, so this cannot be
    /// reached over HTTP; should it be, it is the 422 page of any bad
    /// parameter, not a code of its own.
    #[test]
    fn a_query_string_that_cannot_be_read_is_a_bad_parameter() {
        let uri: axum::http::Uri = "/ui/orders?as_of=yesterday".parse().unwrap();
        let rejection = Query::<HashMap<String, u32>>::try_from_uri(&uri)
            .map(|_| ())
            .unwrap_err();
        let e = query(Err(rejection)).unwrap_err();
        assert_eq!(
            (e.status, e.body.code, e.body.field.as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", Some("as_of"))
        );
    }

    #[test]
    fn the_decision_page_explains_hits_feature_by_feature() {
        let view = json!({
            "decision_id": "d-0123456789abcdef", "kind": "party", "created": "2026-01-01T00:00:00Z",
            "snapshot_id": "sha256:ab", "as_of": "2021-03-01", "seq": 7, "hash": "f".repeat(64), "prev_hash": "0".repeat(64),
            "input": {"screened": {"kind": "party", "party": {"names": ["Alipay.com Co., Ltd."]}, "jurisdictions": ["US"],
                                   "policy": "default", "block": 0.95, "review": 0.8}},
            "decision": {"outcome": "review", "as_of": "2021-03-01", "hits": [{
                "entity_id": "alipay_com_co", "name": "Alipay.com Co., Ltd.", "kind": "company", "score": 1.0, "by": "name",
                "input": "Alipay.com Co., Ltd.", "matched_name": "Alipay.com Co., Ltd.", "outcome": "review", "reason": "EO13971: …",
                "features": {"name_score": 1.0, "aligned": [{"query": "alipay", "candidate": "alipay", "similarity": 1.0, "match": "exact"}],
                             "extra": [["zz", 0.5]], "missing": [], "reordered": false, "weak_only": false, "truncated": false},
                "designations": [],
                "orders": [{"id": "EO13971", "status": "in_force", "outcome": "review", "reason": "in force",
                            "covered": {"entity_id": "alipay_com_co", "name": "Alipay.com Co., Ltd.", "role": "developer",
                                        "path_text": "Alipay (app) ←operates— Alipay.com Co., Ltd."}}],
            }], "warnings": []},
            "alert": {"id": "d-0123456789abcdef", "status": "escalated", "created": "c", "updated": "u"},
            "dispositions": [{"status": "escalated", "author": "An <analyst>", "comment": "a & b", "created": "t",
                              "audit_decision_id": "d-1111111111111111"}],
        });
        let page = render_decision(&view);
        assert!(
            page.contains("<span id=\"decision-outcome\"><span class=\"badge outcome-review\">REVIEW</span></span>")
        );
        assert!(page.contains("<tr><td>alipay</td><td>alipay</td><td>1.000</td><td>exact</td></tr>"));
        assert!(page.contains("Screened tokens with no counterpart: zz (0.500)"));
        assert!(page.contains("Listed tokens with no counterpart: none"));
        assert!(page.contains("href=\"/ui/orders/EO13971?as_of=2021-03-01\""));
        assert!(page.contains("as developer: Alipay (app) ←operates— Alipay.com Co., Ltd."));
        assert!(page.contains(&format!("<code id=\"audit-hash\">{}</code>", "f".repeat(64))));
        assert!(page.contains("<td>An &lt;analyst&gt;</td><td>a &amp; b</td>"));
    }

    #[test]
    fn a_dispositions_own_record_says_what_was_decided() {
        let view = json!({
            "decision_id": "d-48364e65a3281526", "kind": "disposition", "created": "2026-01-02T00:00:00Z",
            "as_of": "2026-01-02", "seq": 2, "hash": "ab", "prev_hash": "cd",
            "input": {"alert": "d-efdf632baca39e5f", "status": "false_positive", "comment": "not them", "author": "me",
                      "allow_entry": {"id": "a-1", "input_key": "alipay.com co., ltd.", "entity_id": "alipay_com_co",
                                      "expires": "2030-01-01"}},
            "decision": {"status": "false_positive"}, "alert": null, "dispositions": [],
        });
        let page = render_decision(&view);
        assert!(page.contains(
            "The disposition of alert <a href=\"/ui/decisions/d-efdf632baca39e5f\"><code>d-efdf632baca39e5f</code></a>: \
             <span class=\"badge status-false_positive\">false positive</span>"
        ));
        assert!(page.contains(
            "<dd>a-1 for <q>alipay.com co., ltd.</q> → <a href=\"/ui/entities/alipay_com_co\">alipay_com_co</a>, until 2030-01-01</dd>"
        ));
        assert!(!page.contains("<h2>Hits"));
        assert!(page.contains("<code id=\"audit-hash\">ab</code>"));
    }

    #[test]
    fn the_queue_has_a_disposition_form_per_alert() {
        let alert = Alert {
            id: "d-0123456789abcdef".to_string(),
            kind: "party".to_string(),
            outcome: "review".to_string(),
            subject: "<Alipay> & Co".to_string(),
            status: AlertStatus::Open,
            created: "2026-01-01T00:00:00Z".to_string(),
            updated: "2026-01-01T00:00:00Z".to_string(),
        };
        let page = render_alerts(std::slice::from_ref(&alert), "open", None, true);
        assert_eq!(tags(&page, "<form class=\"dispose").len(), 1);
        assert!(page.contains("<ul id=\"alert-list\" class=\"alerts\" data-filter=\"open\">"));
        assert!(page.contains("<span class=\"alert-subject\">&lt;Alipay&gt; &amp; Co</span>"));
        assert!(page.contains("<a href=\"/ui/alerts?status=open\" aria-current=\"page\">open</a>"));
        assert!(page.contains("id=\"token-form\""));
        let off = render_alerts(&[alert], "all", Some("d-0123456789abcdef"), false);
        assert_eq!(tags(&off, "<form class=\"dispose").len(), 0);
        assert!(off.contains("Dispositions are off"));
        assert!(off.contains("href=\"/ui/alerts?status=all&amp;after=d-0123456789abcdef\""));
    }

    #[test]
    fn every_page_has_the_navigation_bar() {
        let html = page("A <title>", Nav::Alerts, "<p>body</p>");
        assert!(html.contains("<title>A &lt;title&gt; · interdict</title>"));
        assert!(html.contains("<a href=\"/\">Screen</a><a href=\"/ui/alerts\" aria-current=\"page\">Alerts</a><a href=\"/ui/orders\">Orders</a>"));
    }

    /// GET `url` (with the pages' cookie when `cookie`): status, content
    /// type and body.
    fn get(url: &str, cookie: Option<&str>) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut request = agent.get(url);
        if let Some(token) = cookie {
            request = request.header("Cookie", format!("interdict_token={}", enc(token)));
        }
        let mut response = request.call().unwrap();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (
            response.status().as_u16(),
            content_type,
            response.body_mut().read_to_string().unwrap(),
        )
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_server_serves_every_page_beside_the_api() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!("interdict-ui-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = crate::Config::new("127.0.0.1:0".parse().unwrap(), dir.clone());
        config.admin_token = Some("admin".to_string());
        config.screen_token = Some("screen token".to_string());
        let running = crate::start(config).await.unwrap();
        let base = format!("http://{}", running.addr);
        let checks = tokio::task::spawn_blocking(move || {
            let html = "text/html; charset=utf-8";
            let token = Some("screen token");
            // The screening form itself shows nothing of the lists.
            let (status, kind, body) = get(&format!("{base}/"), None);
            assert_eq!((status, kind.as_str()), (200, html));
            assert!(body.contains("id=\"screen-form\""));
            assert!(body.contains("id=\"token-form\""), "a token is needed to screen");
            // Pages need the screening token, as the read routes do.
            let (status, kind, body) = get(&format!("{base}/ui/orders"), None);
            assert_eq!((status, kind.as_str()), (401, html));
            assert!(body.contains("id=\"token-form\""));
            assert_eq!(get(&format!("{base}/ui/orders"), Some("wrong")).0, 401);
            let (status, _, body) = get(&format!("{base}/ui/orders?as_of=2021-03-01"), token);
            assert_eq!(status, 200);
            assert!(body.contains("href=\"/ui/orders/EO13971?as_of=2021-03-01\""));

            let (status, _, body) = get(&format!("{base}/ui/entities/alipay_com_co?as_of=2021-03-01"), token);
            assert_eq!(status, 200);
            assert!(body.contains(
                "<path class=\"edge coverage\" data-from=\"alipay_com_co\" data-kind=\"operates\" data-to=\"alipay\""
            ));
            let (status, _, body) = get(&format!("{base}/ui/orders/EO13971?as_of=2021-03-01"), token);
            assert_eq!(status, 200);
            assert!(body.contains("<svg id=\"order-timeline\""));
            assert!(body.contains("<g class=\"as-of\" data-date=\"2021-03-01\">"));
            let (status, _, body) = get(&format!("{base}/ui/alerts"), token);
            assert_eq!(status, 200);
            assert!(body.contains("No open alerts."));

            for url in [
                "/ui/entities/no_such_entity",
                "/ui/decisions/d-0000000000000000",
                "/ui/orders/EO1",
                "/ui/x/y",
            ] {
                let (status, kind, body) = get(&format!("{base}{url}"), token);
                assert_eq!((status, kind.as_str()), (404, html), "{url}");
                assert!(body.contains("<h1>Not found</h1>"), "{url}");
            }
            for url in [
                "/ui/orders/EO13971?as_of=yesterday",
                "/ui/alerts?status=closed",
                // Escapes that are not UTF-8 decode lossily, to a bad date.
                "/ui/orders?as_of=%FF%FE&&=&%",
            ] {
                let (status, kind, body) = get(&format!("{base}{url}"), token);
                assert_eq!((status, kind.as_str()), (422, html), "{url}");
                assert!(body.contains("<h1>Not understood</h1>"), "{url}");
                assert!(body.contains("data-code=\"invalid_field\""), "{url}: {body}");
            }
            // A parameter no page uses is ignored, unlike in the API.
            let (status, _, body) = get(&format!("{base}/ui/orders?as_of=2021-03-01&utm_source=mail"), token);
            assert_eq!(status, 200);
            assert!(body.contains("href=\"/ui/orders/EO13971?as_of=2021-03-01\""));
            let (status, kind, _) = get(&format!("{base}/ui/assets/ui.css"), None);
            assert_eq!((status, kind.as_str()), (200, "text/css; charset=utf-8"));
            let (status, kind, _) = get(&format!("{base}/ui/assets/ui.js"), None);
            assert_eq!((status, kind.as_str()), (200, "text/javascript; charset=utf-8"));
            // The API is as it was: JSON, and its own 404.
            let (status, kind, _) = get(&format!("{base}/v1/orders"), None);
            assert_eq!((status, kind.as_str()), (401, "application/json"));
            let (status, kind, _) = get(&format!("{base}/nothing"), None);
            assert_eq!((status, kind.as_str()), (404, "application/json"));
        })
        .await;
        running.stop().await;
        std::fs::remove_dir_all(&dir).ok();
        checks.unwrap();
    }
    /// On the data the server starts with (the built-in EO 13971 entities,
    /// the bundled lists), Ant Group's page draws its coverage path from
    /// the named app Alipay through Alipay.com Co., Ltd. in orange, and
    /// leaves Alipay's second operator, which is not on that path, plain.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_the_built_in_data_ant_groups_page_marks_its_eo13971_path_from_alipay() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!("interdict-ui-builtin-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let running = crate::start(crate::Config::new("127.0.0.1:0".parse().unwrap(), dir.clone()))
            .await
            .unwrap();
        let url = format!("http://{}/ui/entities/ant_group?as_of=2021-03-01", running.addr);
        let page = tokio::task::spawn_blocking(move || get(&url, None)).await;
        running.stop().await;
        std::fs::remove_dir_all(&dir).ok();
        let (status, _, page) = page.unwrap();
        assert_eq!(status, 200, "{page}");
        let start = page.find("<svg id=\"ownership-graph\"").expect("the graph");
        let svg = &page[start..start + page[start..].find("</svg>").unwrap()];
        assert_eq!(
            edges_with_class(svg, "edge coverage"),
            BTreeSet::from([
                triple("alipay_com_co", "operates", "alipay"),
                triple("ant_group", "controls", "alipay_com_co"),
            ])
        );
        let plain = edges_with_class(svg, "edge");
        assert!(
            plain.contains(&triple("ant_group", "controls", "alipay_china_network_tech")),
            "{plain:?}"
        );
        assert!(
            plain.contains(&triple("alipay_china_network_tech", "operates", "alipay")),
            "{plain:?}"
        );
        let class_of = |id: &str| {
            tags(svg, "<g class=\"node")
                .into_iter()
                .find(|t| attr(t, "data-id") == id)
                .map(|t| attr(t, "class"))
                .unwrap_or_else(|| panic!("no node {id}"))
        };
        assert_eq!(class_of("ant_group"), "node focus coverage");
        assert_eq!(class_of("alipay_com_co"), "node coverage");
        assert_eq!(class_of("alipay"), "node coverage");
        assert_eq!(class_of("alipay_china_network_tech"), "node");
        // The legend says who is covered through whom (wrapped after "Ant Group").
        let legend: Vec<&str> = svg
            .split("<text class=\"legend-line\"")
            .skip(1)
            .map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()])
            .collect();
        assert_eq!(
            legend,
            [
                "EO13971 (in force) covers it as controller: Alipay (app) ←operates— Alipay.com Co., Ltd. ←controls— Ant Group",
                "Co., Ltd."
            ]
        );
    }
}
