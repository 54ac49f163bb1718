//! The routes of `/v1`, with their OpenAPI description.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use interdict_model::{allow_key, AllowKeyKind, Date, Direction, PathStep, RelationKind};
use interdict_screen::record::with_id_text;
use interdict_store::{AlertStatus, NewAllowEntry, NewDisposition};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::extract::{date_or_today, media_type, read_body, Admin, JsonBody, NoQuery, PathId, QueryParams, Screening};
use crate::screening::{self, AppRequest, BatchItem, PartyRequest, PaymentRequest, Screened1};
use crate::state::{AppState, Live};
use crate::{Error, ErrorBody};

type Shared = State<Arc<AppState>>;

/// Records `screened` in the audit log and answers the decision with its
/// id.
async fn record(state: &AppState, screened: Screened1) -> Result<Response, Error> {
    let ids = state.audit.append(vec![screened.record]).await?;
    count_decision(screened.kind, screened.outcome);
    let body = with_id_text(ids.first().map(String::as_str), &screened.decision);
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

fn count_decision(kind: &'static str, outcome: &'static str) {
    metrics::counter!("interdict_decisions_total", "kind" => kind, "outcome" => outcome).increment(1);
}

/// Screens one party.
#[utoipa::path(post, path = "/v1/screen/party", tag = "screening",
    request_body = PartyRequest,
    responses(
        (status = 401, body = ErrorBody),
        (status = 200, description = "The decision, with `decision_id` (docs/output.md, party decisions)", body = PartyDecisionBody),
        (status = 400, body = ErrorBody), (status = 408, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn screen_party(
    State(state): Shared,
    _: Screening,
    _: NoQuery,
    JsonBody(req): JsonBody<PartyRequest>,
) -> Result<Response, Error> {
    let live = state.live()?;
    let screened = screening::party(&live, &req)?;
    record(&state, screened).await
}

/// Screens one payment on its date (or `as_of`).
#[utoipa::path(post, path = "/v1/screen/payment", tag = "screening",
    request_body = PaymentRequest,
    responses(
        (status = 401, body = ErrorBody),
        (status = 200, description = "The decision, with `decision_id` (docs/output.md, payment decisions)", body = PaymentDecisionBody),
        (status = 400, body = ErrorBody), (status = 408, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn screen_payment(
    State(state): Shared,
    _: Screening,
    _: NoQuery,
    JsonBody(req): JsonBody<PaymentRequest>,
) -> Result<Response, Error> {
    let live = state.live()?;
    let screened = screening::payment(&live, &req)?;
    record(&state, screened).await
}

/// Screens one app id against the orders.
#[utoipa::path(post, path = "/v1/screen/app", tag = "screening",
    request_body = AppRequest,
    responses(
        (status = 401, body = ErrorBody),
        (status = 200, description = "The decision, with `decision_id` (docs/output.md, app decisions)", body = AppDecisionBody),
        (status = 400, body = ErrorBody), (status = 408, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn screen_app(
    State(state): Shared,
    _: Screening,
    _: NoQuery,
    JsonBody(req): JsonBody<AppRequest>,
) -> Result<Response, Error> {
    let live = state.live()?;
    let screened = screening::app(&live, &req)?;
    record(&state, screened).await
}

// The bodies of the screening routes, for the OpenAPI description only:
// the decision is written once as JSON text, and its audit record's id
// spliced in front (`with_id_text`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PartyDecisionBody {
    /// The decision's audit record: `GET /v1/decisions/{id}`.
    decision_id: String,
    #[serde(flatten)]
    decision: interdict_screen::PartyDecision,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PaymentDecisionBody {
    /// The decision's audit record: `GET /v1/decisions/{id}`.
    decision_id: String,
    #[serde(flatten)]
    decision: interdict_screen::PaymentDecision,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AppDecisionBody {
    /// The decision's audit record: `GET /v1/decisions/{id}`.
    decision_id: String,
    #[serde(flatten)]
    decision: interdict_model::Decision,
}

/// Items screened and recorded together inside a batch.
const BATCH_CHUNK: usize = 64;

/// Screens up to `--max-batch` items, one JSON object per line
/// (`{"party": {...}}`, `{"payment": {...}}` or `{"app": {...}}`), and
/// streams one result per line back, in order: `{"line": N, "decision":
/// {...}}` or `{"line": N, "error": {...}}`.
#[utoipa::path(post, path = "/v1/screen/batch", tag = "screening",
    request_body(content = String, content_type = "application/x-ndjson",
        description = "One item per line: {\"party\": {...}}, {\"payment\": {...}} or {\"app\": {...}}"),
    responses(
        (status = 401, body = ErrorBody),
        (status = 200, description = "One result per input line, as NDJSON", content_type = "application/x-ndjson", body = String),
        (status = 400, body = ErrorBody), (status = 408, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn screen_batch(State(state): Shared, _: Screening, _: NoQuery, req: Request) -> Result<Response, Error> {
    let ndjson = ["application/x-ndjson", "application/jsonl"];
    let mime = media_type(req.headers());
    if !ndjson.iter().any(|t| t.eq_ignore_ascii_case(mime)) {
        return Err(Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the batch as NDJSON with `Content-Type: application/x-ndjson`, one item per line",
        ));
    }
    let live = state.live()?;
    let body = read_body(req, &()).await?;
    let text = std::str::from_utf8(&body).map_err(|e| {
        Error::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("the body is not UTF-8: {e}"),
        )
    })?;
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
        .collect();
    let max = state.config.max_batch;
    if lines.len() > max {
        return Err(Error::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "batch_too_large",
            format!("{} items; a batch holds at most {max} (--max-batch)", lines.len()),
        ));
    }
    if lines.is_empty() {
        return Err(Error::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_batch",
            "the batch has no items",
        ));
    }
    let items: Vec<(usize, Result<BatchItem, Error>)> = lines
        .into_iter()
        .map(|(n, l)| (n, BatchItem::parse(l.as_bytes())))
        .collect();
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(4);
    tokio::spawn(async move {
        for chunk in items.chunks(BATCH_CHUNK) {
            let mut out: Vec<(usize, Result<Screened1, Error>)> = Vec::with_capacity(chunk.len());
            for (n, item) in chunk {
                let screened = match item {
                    Err(e) => Err(e.clone()),
                    Ok(item) => match item {
                        BatchItem::Party(r) => screening::party(&live, r),
                        BatchItem::Payment(r) => screening::payment(&live, r),
                        BatchItem::App(r) => screening::app(&live, r),
                    }
                    .map_err(|e| e.within(item.kind())),
                };
                out.push((*n, screened));
            }
            let records: Vec<_> = out
                .iter()
                .filter_map(|(_, s)| s.as_ref().ok().map(|s| s.record.clone()))
                .collect();
            let ids = state.audit.append(records).await;
            let mut ids = match ids {
                Ok(ids) => Ok(ids.into_iter()),
                Err(e) => Err(e),
            };
            let mut text = String::new();
            for (n, screened) in out {
                match (screened, &mut ids) {
                    (Ok(s), Ok(ids)) => {
                        count_decision(s.kind, s.outcome);
                        let decision = with_id_text(ids.next().as_deref(), &s.decision);
                        text.push_str(&format!("{{\"line\":{n},\"decision\":{decision}}}"));
                    }
                    (Ok(_), Err(e)) => text.push_str(&json!({"line": n, "error": e.body}).to_string()),
                    (Err(e), _) => text.push_str(&json!({"line": n, "error": e.body}).to_string()),
                }
                text.push('\n');
            }
            if tx.send(Bytes::from(text)).await.is_err() {
                return; // the caller went away
            }
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (Ok::<_, Infallible>(chunk), rx))
    });
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The name to look for, at most 1000 characters.
    #[param(min_length = 1, max_length = 1000)]
    q: String,
    /// Hits at most (1 to 100, default 10).
    #[param(minimum = 1, maximum = 100)]
    #[serde(default, deserialize_with = "crate::extract::query_number")]
    limit: Option<usize>,
    /// The lowest score shown (0 to 1, default 0.7).
    #[param(minimum = 0.0, maximum = 1.0)]
    #[serde(default, deserialize_with = "crate::extract::query_number")]
    threshold: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    entity_id: String,
    name: String,
    /// The listed name that matched.
    matched_name: String,
    score: f32,
    kind: String,
    /// Whether the entity has a designation (is listed) at all.
    listed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResult {
    query: String,
    snapshot_id: String,
    hits: Vec<SearchHit>,
}

/// Looks a name up in the lists, best match first (for analysts).
#[utoipa::path(get, path = "/v1/search", tag = "analysis", params(SearchParams),
    responses((status = 401, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 200, body = SearchResult), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn search(
    State(state): Shared,
    _: Screening,
    QueryParams(params): QueryParams<SearchParams>,
) -> Result<Json<SearchResult>, Error> {
    let live = state.live()?;
    Ok(Json(search_names(&live, &params.q, params.limit, params.threshold)?))
}

pub fn search_names(live: &Live, q: &str, limit: Option<usize>, threshold: Option<f64>) -> Result<SearchResult, Error> {
    // Counted as given, spaces around it too, as the description's
    // `maxLength` counts.
    if q.chars().count() > 1000 {
        return Err(Error::invalid("q", "a name is at most 1000 characters"));
    }
    let q = q.trim();
    if q.is_empty() {
        return Err(Error::invalid("q", "give a name to look for"));
    }
    let limit = limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(Error::invalid("limit", format!("{limit}: expected 1 to 100")));
    }
    let threshold = screening::score_setting("threshold", threshold)?.unwrap_or(0.7);
    let entities = &live.snapshot.dataset().entities;
    let hits = live
        .names
        .search(q, &interdict_names::Evidence::default(), threshold, limit)
        .into_iter()
        .map(|h| {
            let e = &entities[h.entity];
            SearchHit {
                entity_id: e.id.clone(),
                name: e.name.clone(),
                matched_name: h.name,
                score: h.score,
                kind: e.kind.as_str().to_string(),
                listed: !live.snapshot.designations_of(&e.id).is_empty(),
            }
        })
        .collect();
    Ok(SearchResult {
        query: q.to_string(),
        snapshot_id: live.snapshot.id().to_string(),
        hits,
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOfParams {
    /// `YYYY-MM-DD`; today (UTC) when absent.
    #[param(format = Date)]
    as_of: Option<String>,
}

fn as_of_params(q: QueryParams<AsOfParams>) -> Result<Date, Error> {
    date_or_today(q.0.as_of.as_deref(), "as_of")
}

/// An entity with its designations, the relations around it (two steps
/// out, at most [`NEIGHBOURS`] entities), and how orders and ownership rules
/// reach it on the date.
#[utoipa::path(get, path = "/v1/entities/{id}", tag = "analysis",
    params(("id" = String, Path, description = "The entity's id"), AsOfParams),
    responses((status = 401, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody),
        (status = 200, description = "The entity and its neighbourhood", body = EntityBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn entity(
    State(state): Shared,
    _: Screening,
    PathId(id): PathId,
    q: QueryParams<AsOfParams>,
) -> Result<Response, Error> {
    let as_of = as_of_params(q)?;
    let live = state.live()?;
    Ok(Json(entity_view(&live, &id, as_of)?).into_response())
}

/// Entities shown around one at most.
pub const NEIGHBOURS: usize = 40;

/// An entity, its designations, and its neighbourhood on a date.
#[derive(Serialize, ToSchema)]
pub struct EntityBody<'a> {
    as_of: Date,
    snapshot_id: &'a str,
    entity: &'a interdict_model::Entity,
    /// Whether a designation of the entity is in force on `as_of` (not
    /// before its start, not from its end).
    listed: bool,
    designations: Vec<&'a interdict_model::Designation>,
    /// Each order that covers the entity on the date, and the path.
    coverage: Vec<EntityCoverage<'a>>,
    /// Each ownership rule that blocks the entity on the date.
    ownership: Vec<EntityOwnership<'a>>,
    graph: EntityGraph<'a>,
}

/// How an order reaches an entity.
#[derive(Serialize, ToSchema)]
pub struct EntityCoverage<'a> {
    order: &'a str,
    title: &'a str,
    status: interdict_model::OrderStatus,
    role: interdict_model::CoverageRole,
    path_text: String,
    /// From the order's anchor to the entity.
    path: Vec<PathStep>,
}

/// How an ownership rule reaches an entity.
#[derive(Serialize, ToSchema)]
pub struct EntityOwnership<'a> {
    rule: &'a str,
    title: &'a str,
    finding: interdict_model::OwnershipFinding,
}

/// The entities around one and the relations between them. A relation on
/// a coverage path that is not among the entity's own is given as the path
/// has it: kind, ends and share, without sources.
#[derive(Serialize, ToSchema)]
pub struct EntityGraph<'a> {
    nodes: Vec<EntityNode<'a>>,
    relations: Vec<interdict_model::Relation>,
}

#[derive(Serialize, ToSchema)]
pub struct EntityNode<'a> {
    id: &'a str,
    name: &'a str,
    kind: interdict_model::EntityKind,
    /// Whether a designation of it is in force on the view's `as_of`: a
    /// delisted entity was drawn as listed.
    listed: bool,
}

/// Whether a designation of entity `id` is in force on `date`.
fn listed_on(snapshot: &interdict_index::Snapshot, id: &str, date: Date) -> bool {
    snapshot.designations_of(id).iter().any(|d| d.active_on(date))
}

pub fn entity_view<'a>(live: &'a Live, id: &str, as_of: Date) -> Result<EntityBody<'a>, Error> {
    let snapshot = &live.snapshot;
    let entity = snapshot
        .entity(id)
        .ok_or_else(|| Error::not_found(format!("no entity `{id}` in the live snapshot")))?;
    let all_kinds = [
        RelationKind::Develops,
        RelationKind::Operates,
        RelationKind::Owns,
        RelationKind::Controls,
        RelationKind::SubsidiaryOf,
        RelationKind::FeatureOf,
        RelationKind::SameAs,
        RelationKind::DirectorOf,
        RelationKind::LinkedTo,
    ];
    // How orders and ownership rules reach the entity: each path's steps.
    let mut coverage = Vec::new();
    for order in snapshot.orders() {
        if let Some(c) = live.screener.coverage(order, as_of).get(id) {
            coverage.push(EntityCoverage {
                order: &order.id,
                title: &order.title,
                status: order.status_on(as_of),
                role: c.role,
                path_text: c.path_text.clone(),
                path: c.path.clone(),
            });
        }
    }
    let mut ownership = Vec::new();
    for rule in live.screener.ownership_rules() {
        if let Some(f) = live.screener.ownership(rule, as_of).owned.get(id) {
            ownership.push(EntityOwnership {
                rule: &rule.id,
                title: &rule.title,
                finding: f.clone(),
            });
        }
    }
    // The neighbourhood: breadth first over relations that held on the
    // date, plus every entity on a coverage path.
    let mut seen: BTreeSet<String> = BTreeSet::from([id.to_string()]);
    let mut queue = VecDeque::from([(id.to_string(), 0usize)]);
    let mut relations: BTreeMap<(String, String, String), interdict_model::Relation> = BTreeMap::new();
    while let Some((at, depth)) = queue.pop_front() {
        if depth == 2 {
            continue;
        }
        let edges = snapshot
            .outgoing(&at, &all_kinds, as_of)
            .into_iter()
            .chain(snapshot.incoming(&at, &all_kinds, as_of));
        for (other, r) in edges {
            if !seen.contains(&other.id) {
                if seen.len() >= NEIGHBOURS {
                    continue;
                }
                seen.insert(other.id.clone());
                queue.push_back((other.id.clone(), depth + 1));
            }
            relations.insert((r.from.clone(), r.kind.as_str().to_string(), r.to.clone()), r.clone());
        }
    }
    let paths = coverage
        .iter()
        .map(|c| &c.path)
        .chain(ownership.iter().map(|o| &o.finding.path));
    for path in paths {
        for pair in path.windows(2) {
            seen.insert(pair[0].entity_id.clone());
            seen.insert(pair[1].entity_id.clone());
            if let Some(link) = &pair[1].link {
                let (from, to) = match link.direction {
                    Direction::Up => (pair[1].entity_id.clone(), pair[0].entity_id.clone()),
                    Direction::Down => (pair[0].entity_id.clone(), pair[1].entity_id.clone()),
                };
                relations
                    .entry((from.clone(), link.relation.as_str().to_string(), to.clone()))
                    .or_insert_with(|| interdict_model::Relation {
                        kind: link.relation,
                        from,
                        to,
                        percent: link.percent,
                        basis: None,
                        start: None,
                        end: None,
                        as_of: None,
                        sources: Vec::new(),
                        confidence: Default::default(),
                        note: None,
                    });
            }
        }
    }
    let nodes = seen
        .iter()
        .filter_map(|n| snapshot.entity(n))
        .map(|e| EntityNode {
            id: &e.id,
            name: &e.name,
            kind: e.kind,
            listed: listed_on(snapshot, &e.id, as_of),
        })
        .collect();
    Ok(EntityBody {
        as_of,
        snapshot_id: snapshot.id(),
        entity,
        listed: listed_on(snapshot, id, as_of),
        designations: snapshot.designations_of(id),
        coverage,
        ownership,
        graph: EntityGraph {
            nodes,
            relations: relations.into_values().collect(),
        },
    })
}

/// An order and its status on a date, as `GET /v1/orders` lists it.
#[derive(Serialize, ToSchema)]
pub struct OrderSummary<'a> {
    /// The order's id, such as `EO13971`.
    id: &'a str,
    title: &'a str,
    citation: Option<&'a str>,
    signed: Date,
    /// When its prohibitions take effect.
    effective: Date,
    revoked: Option<Date>,
    /// The order that revoked it.
    revoked_by: Option<&'a str>,
    /// The start of the injunction in force on the date, if one is.
    enjoined_since: Option<Date>,
    status: interdict_model::OrderStatus,
    /// The status in words, with its dates.
    reason: String,
}

impl OrderSummary<'_> {
    fn of(o: &interdict_model::Order, date: Date) -> OrderSummary<'_> {
        OrderSummary {
            id: &o.id,
            title: &o.title,
            citation: o.citation.as_deref(),
            signed: o.signed,
            effective: o.effective_date(),
            revoked: o.revoked,
            revoked_by: o.revoked_by.as_deref(),
            enjoined_since: o.enjoined_since(date),
            status: o.status_on(date),
            reason: o.status_reason(date),
        }
    }
}

/// The answer of `GET /v1/orders`.
#[derive(Serialize, ToSchema)]
pub struct OrdersBody<'a> {
    as_of: Date,
    snapshot_id: &'a str,
    orders: Vec<OrderSummary<'a>>,
}

/// Every order with its status on the date.
#[utoipa::path(get, path = "/v1/orders", tag = "orders", params(AsOfParams),
    responses((status = 401, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody),
        (status = 200, body = OrdersBody), (status = 422, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn orders(State(state): Shared, _: Screening, q: QueryParams<AsOfParams>) -> Result<Response, Error> {
    let as_of = as_of_params(q)?;
    let live = state.live()?;
    let body = OrdersBody {
        as_of,
        snapshot_id: live.snapshot.id(),
        orders: live
            .snapshot
            .orders()
            .iter()
            .map(|o| OrderSummary::of(o, as_of))
            .collect(),
    };
    Ok(Json(body).into_response())
}

/// One order in full, with its status on the date and its timeline.
#[utoipa::path(get, path = "/v1/orders/{id}", tag = "orders",
    params(("id" = String, Path, description = "The order's id, such as `eo13971`"), AsOfParams),
    responses((status = 401, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody),
        (status = 200, description = "The order in full, its status on the date and why, and its timeline", body = OrderBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn order(
    State(state): Shared,
    _: Screening,
    PathId(id): PathId,
    q: QueryParams<AsOfParams>,
) -> Result<Response, Error> {
    let as_of = as_of_params(q)?;
    let live = state.live()?;
    Ok(Json(order_view(&live, &id, as_of)?).into_response())
}

/// One order as `GET /v1/orders/{id}` answers it.
#[derive(Serialize, ToSchema)]
pub struct OrderBody<'a> {
    as_of: Date,
    status: interdict_model::OrderStatus,
    /// The status in words, with the dates it follows from.
    reason: String,
    order: &'a interdict_model::Order,
    /// Signed, effective, enjoined, injunction ends and revoked, by date.
    timeline: Vec<TimelineEvent>,
}

/// A dated event of an order.
#[derive(Serialize, ToSchema)]
pub struct TimelineEvent {
    date: Date,
    /// `signed`, `effective`, `enjoined`, `injunction_ends` or `revoked`.
    event: &'static str,
    text: String,
}

/// The dated events of an order, in order.
pub fn timeline(o: &interdict_model::Order) -> Vec<(Date, &'static str, String)> {
    let mut events = vec![(o.signed, "signed", format!("signed: {}", o.title))];
    if o.effective_date() != o.signed {
        events.push((o.effective_date(), "effective", "prohibitions take effect".to_string()));
    }
    for inj in &o.enjoined {
        events.push((inj.from, "enjoined", inj.citation()));
        if let Some(end) = inj.until {
            events.push((end, "injunction_ends", format!("injunction ends: {}", inj.citation())));
        }
    }
    if let Some(r) = o.revoked {
        events.push((
            r,
            "revoked",
            format!(
                "revoked{}",
                o.revoked_by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default()
            ),
        ));
    }
    events.sort_by_key(|e| e.0);
    events
}

pub fn order_view<'a>(live: &'a Live, id: &str, as_of: Date) -> Result<OrderBody<'a>, Error> {
    let o = live
        .snapshot
        .order(id)
        .ok_or_else(|| Error::not_found(format!("no order `{id}`; GET /v1/orders lists them")))?;
    Ok(OrderBody {
        as_of,
        status: o.status_on(as_of),
        reason: o.status_reason(as_of),
        order: o,
        timeline: timeline(o)
            .into_iter()
            .map(|(date, event, text)| TimelineEvent { date, event, text })
            .collect(),
    })
}

/// A recorded decision: what was screened, the decision, its place in the
/// audit chain, and its alert and dispositions.
#[utoipa::path(get, path = "/v1/decisions/{id}", tag = "decisions",
    params(("id" = String, Path, description = "The decision id, such as `d-42-59494874805478df`: `d-`, the record's number in the audit log, `-` and 16 hex digits of its hash")),
    responses((status = 401, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody),
        (status = 200, description = "The audit record, with `input` and `decision` as JSON", body = DecisionRecordBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn decision(
    State(state): Shared,
    _: Screening,
    PathId(id): PathId,
    _: NoQuery,
) -> Result<Json<DecisionRecordBody>, Error> {
    Ok(Json(decision_record(&state, id).await?))
}

/// A decision as the audit log holds it, with its review.
#[derive(Serialize, ToSchema)]
pub struct DecisionRecordBody {
    decision_id: String,
    /// `party`, `payment`, `app` or `disposition`.
    kind: String,
    /// RFC 3339, UTC.
    created: String,
    snapshot_id: String,
    as_of: String,
    /// What was screened, as recorded (docs/api.md, audit input).
    #[schema(value_type = Object)]
    input: Value,
    /// The decision as it was answered (docs/output.md).
    #[schema(value_type = Object)]
    decision: Value,
    /// The record's number in the audit log.
    seq: i64,
    /// sha256 over the previous record's hash and this record's fields.
    hash: String,
    prev_hash: String,
    /// The alert the decision opened, if it needed an analyst.
    alert: Option<interdict_store::Alert>,
    dispositions: Vec<interdict_store::Disposition>,
}

pub async fn decision_record(state: &Arc<AppState>, id: String) -> Result<DecisionRecordBody, Error> {
    state
        .with_store(move |store| {
            let r = store
                .decision(&id)?
                .ok_or_else(|| Error::not_found(format!("no decision `{id}` in the audit log")))?;
            let alert = store.alert(&id)?;
            let dispositions = store.dispositions(&id)?;
            let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::String(s.to_string()));
            Ok(DecisionRecordBody {
                input: parse(&r.input),
                decision: parse(&r.decision),
                decision_id: r.decision_id,
                kind: r.kind,
                created: r.created,
                snapshot_id: r.snapshot_id,
                as_of: r.as_of,
                seq: r.seq,
                hash: r.hash,
                prev_hash: r.prev_hash,
                alert,
                dispositions,
            })
        })
        .await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertParams {
    /// `open`, `confirmed`, `false_positive` or `escalated`; all when absent.
    #[param(value_type = Option<interdict_store::AlertStatus>)]
    status: Option<String>,
    /// At most this many (1 to 500, default 100).
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "crate::extract::query_number")]
    limit: Option<usize>,
    /// The id of the last alert of the previous page.
    #[param(min_length = 1)]
    after: Option<String>,
}

/// The review queue, oldest first.
#[utoipa::path(get, path = "/v1/alerts", tag = "alerts", params(AlertParams),
    responses((status = 401, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody),
        (status = 200, body = AlertsBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn alerts(
    State(state): Shared,
    _: Screening,
    QueryParams(p): QueryParams<AlertParams>,
) -> Result<Json<AlertsBody>, Error> {
    let status = match &p.status {
        Some(s) => Some(s.parse::<AlertStatus>().map_err(|m| Error::invalid("status", m))?),
        None => None,
    };
    let limit = p.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Error::invalid("limit", format!("{limit}: expected 1 to 500")));
    }
    if p.after.as_deref() == Some("") {
        return Err(Error::invalid(
            "after",
            "give the id of the previous page's last alert, or leave `after` out for the first page",
        ));
    }
    let alerts = state
        .with_store(move |s| Ok(s.alerts(status, limit, p.after.as_deref())?))
        .await?;
    let next = (alerts.len() == limit)
        .then(|| alerts.last().map(|a| a.id.clone()))
        .flatten();
    Ok(Json(AlertsBody { alerts, next }))
}

/// One page of the review queue.
#[derive(Serialize, ToSchema)]
pub struct AlertsBody {
    alerts: Vec<interdict_store::Alert>,
    /// The `after` of the next page; null on the last one.
    next: Option<String>,
}

/// An allowlist entry made with a false positive.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowRequest {
    /// The entity the input is not; the decision's first hit when absent.
    entity_id: Option<String>,
    /// The last day the entry holds is the day before this, `YYYY-MM-DD`.
    #[schema(format = Date)]
    expires: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionRequest {
    /// `confirmed`, `false_positive` or `escalated`.
    #[schema(value_type = DispositionStatus, example = "false_positive")]
    status: String,
    /// Why: what the analyst checked (at most 4,000 bytes).
    #[schema(min_length = 1, max_length = 4000)]
    comment: String,
    /// Who decided (at most 4,000 bytes).
    #[schema(min_length = 1, max_length = 4000)]
    author: String,
    /// With `false_positive`: keep this hit from coming back.
    #[serde(default, deserialize_with = "interdict_model::object::optional")]
    allowlist: Option<AllowRequest>,
}

/// What a disposition makes of an alert.
// Only for the OpenAPI description: the handler reads `AlertStatus`, and a
// test holds this to it less `open`.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DispositionStatus {
    Confirmed,
    FalsePositive,
    Escalated,
}

/// Disposes of an alert. Admin token needed. Audited.
#[utoipa::path(post, path = "/v1/alerts/{id}/disposition", tag = "alerts",
    params(("id" = String, Path, description = "The alert's (decision's) id")),
    request_body = DispositionRequest,
    responses((status = 200, description = "The disposition as recorded, with its own audit record's id", body = interdict_store::Disposition),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 408, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn dispose(
    State(state): Shared,
    _: Admin,
    PathId(id): PathId,
    _: NoQuery,
    JsonBody(req): JsonBody<DispositionRequest>,
) -> Result<Json<interdict_store::Disposition>, Error> {
    let status: AlertStatus = req.status.parse().map_err(|m| Error::invalid("status", m))?;
    for (field, v) in [("comment", &req.comment), ("author", &req.author)] {
        if v.trim().is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
        if v.chars().count() > 4000 {
            return Err(Error::invalid(field, "at most 4000 characters"));
        }
    }
    let live = state.live()?;
    let allow = match &req.allowlist {
        None => None,
        Some(a) => {
            let expires = match &a.expires {
                Some(d) => {
                    let expires = date_or_today(Some(d), "allowlist.expires")?;
                    // The first day it no longer applies: one that is not
                    // after today would close the alert on an entry that
                    // never applies.
                    if expires <= date_or_today(None, "allowlist.expires")? {
                        return Err(Error::invalid(
                            "allowlist.expires",
                            format!("{expires} is not after today: the entry would never apply"),
                        ));
                    }
                    Some(expires)
                }
                None => None,
            };
            let record = decision_record(&state, id.clone()).await?;
            Some(allow_entry(&live, &record, a.entity_id.as_deref(), expires, &req)?)
        }
    };
    let as_of = date_or_today(None, "as_of")?.to_string();
    let new = NewDisposition {
        alert_id: id,
        status,
        comment: req.comment.clone(),
        author: req.author.clone(),
        allow,
        as_of,
    };
    let with_entry = new.allow.is_some();
    let d = state.with_store(move |s| Ok(s.dispose(&new)?)).await?;
    if with_entry || !d.withdrawn_allow_entries.is_empty() {
        state.refresh_allowlist().await?;
    }
    metrics::counter!("interdict_dispositions_total", "status" => d.status.as_str()).increment(1);
    Ok(Json(d))
}

/// The allowlist entry for a false positive: the hit's key (the party's
/// reference, the name or identifier that matched) and the entity as the
/// live snapshot has it.
fn allow_entry(
    live: &Live,
    record: &DecisionRecordBody,
    entity_id: Option<&str>,
    expires: Option<Date>,
    req: &DispositionRequest,
) -> Result<NewAllowEntry, Error> {
    let hits = record.decision["hits"].as_array().cloned().unwrap_or_default();
    let hit = match entity_id {
        Some(e) => hits
            .iter()
            .find(|h| h["entity_id"] == e)
            .ok_or_else(|| Error::invalid("allowlist.entity_id", format!("`{e}` is not among the decision's hits")))?,
        None => hits
            .first()
            .ok_or_else(|| Error::invalid("allowlist", "the decision has no hit to allowlist"))?,
    };
    let entity = hit["entity_id"].as_str().unwrap_or_default().to_string();
    let digest = live.snapshot.entity_digest(&entity).ok_or_else(|| {
        Error::invalid(
            "allowlist.entity_id",
            format!("`{entity}` is not in the live snapshot any more"),
        )
    })?;
    let reference = record.input["screened"]["party"]["reference"].as_str();
    let (key, key_kind) = match (reference, hit["by"].as_str()) {
        (Some(r), _) => (r.to_string(), AllowKeyKind::Reference),
        (None, Some("identifier")) => (
            hit["identifier"].as_str().unwrap_or_default().to_string(),
            AllowKeyKind::Identifier,
        ),
        _ => {
            // A name entry clears namesakes only: for a party whose birth
            // date or country agreed with the entity's it would never
            // apply, and the alert would come back at every screen.
            let agreed = |fact: &str| hit["evidence"][fact].as_f64().is_some_and(|v| v > 0.0);
            if agreed("birth_date") || agreed("country") {
                return Err(Error::invalid(
                    "allowlist",
                    format!(
                        "the party's birth date or country agrees with {entity}: an entry keyed on its name would \
                         not clear it; screen the party with a `reference` and dispose of that alert to clear this \
                         one party"
                    ),
                ));
            }
            (allow_key(hit["input"].as_str().unwrap_or_default()), AllowKeyKind::Name)
        }
    };
    if key.is_empty() {
        return Err(Error::invalid(
            "allowlist",
            "the hit has no name or identifier to key an entry on",
        ));
    }
    Ok(NewAllowEntry {
        input_key: key,
        key_kind,
        entity_id: entity,
        entity_digest: digest,
        reason: req.comment.clone(),
        author: req.author.clone(),
        expires,
    })
}

/// The snapshots in the store, and the live one.
#[utoipa::path(get, path = "/v1/lists", tag = "lists",
    responses((status = 401, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody),
        (status = 200, description = "The live lists and the stored snapshots", body = ListsBody),
        (status = 422, body = ErrorBody)),
    security((), ("bearer" = [])))]
pub async fn lists(State(state): Shared, _: Screening, _: NoQuery) -> Result<Json<ListsBody>, Error> {
    let live = state.live.load_full();
    let snapshots = state.with_store(|s| Ok(s.snapshots()?)).await?;
    Ok(Json(ListsBody {
        live: live.map(|l| LiveLists {
            snapshot_id: l.snapshot.id().to_string(),
            store_snapshot: l.store_snapshot.clone(),
            lists: l.lists.clone(),
            loaded: l.loaded.clone(),
            entities: l.snapshot.dataset().entities.len(),
            names: l.names.len(),
        }),
        snapshots,
    }))
}

/// The lists being screened against, and the snapshots stored.
#[derive(Serialize, ToSchema)]
pub struct ListsBody {
    /// Null until a snapshot is loaded.
    live: Option<LiveLists>,
    snapshots: Vec<interdict_store::SnapshotInfo>,
}

/// What the server screens against now.
#[derive(Serialize, ToSchema)]
pub struct LiveLists {
    /// The screening snapshot: built-in orders and entities with the lists.
    snapshot_id: String,
    /// The store snapshot whose lists are loaded; null for the bundled lists.
    store_snapshot: Option<String>,
    /// One line saying which lists are loaded.
    lists: String,
    /// When it was loaded, RFC 3339 UTC.
    loaded: String,
    entities: usize,
    /// Names in the name index.
    names: usize,
}

/// A list format's name, or `auto`: for the OpenAPI description, from the
/// readers' own list ([`interdict_lists::Format::ALL`]).
pub struct ListFormat;

impl utoipa::PartialSchema for ListFormat {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let names = std::iter::once("auto").chain(interdict_lists::Format::ALL.iter().map(|f| f.as_str()));
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "A list format, or `auto`: found from each file's name and first bytes.",
            ))
            .enum_values(Some(names))
            .into()
    }
}
impl ToSchema for ListFormat {}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// List files or folders on the server's disk.
    #[schema(value_type = Vec<String>, min_items = 1, min_length = 1)]
    files: Vec<PathBuf>,
    /// A format name (`ftm`, `ofac-sdn`, ...) or `auto` (the default).
    #[schema(value_type = Option<ListFormat>)]
    format: Option<String>,
    /// Reject a file at its first bad record (default false: skip bad ones).
    strict: Option<bool>,
    /// Make the new snapshot live (default true).
    activate: Option<bool>,
}

/// Imports list files on the server's disk as a new snapshot. Admin.
#[utoipa::path(post, path = "/v1/lists/import", tag = "lists", request_body = ImportRequest,
    responses((status = 200, description = "The stored snapshot, the first bad records of each file, and the live snapshot", body = ImportBody),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 408, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): Shared,
    _: Admin,
    _: NoQuery,
    JsonBody(req): JsonBody<ImportRequest>,
) -> Result<Json<ImportBody>, Error> {
    if req.files.is_empty() {
        return Err(Error::invalid("files", "give at least one list file"));
    }
    if let Some(at) = req.files.iter().position(|f| f.as_os_str().is_empty()) {
        return Err(Error::invalid(format!("files[{at}]"), "an empty path names no file"));
    }
    let format = match req.format.as_deref() {
        None | Some("auto") => None,
        Some(f) => Some(
            f.parse::<interdict_lists::Format>()
                .map_err(|m: String| Error::invalid("format", m))?,
        ),
    };
    let mode = if req.strict.unwrap_or(false) {
        interdict_lists::Strictness::Strict
    } else {
        interdict_lists::Strictness::Lenient
    };
    let files = req.files.clone();
    let orders = state.config.orders.clone();
    // On a task of its own, holding the import lock to its end: a client
    // that goes away would drop the handler at an await, releasing the lock
    // while the read still held a whole list in memory.
    let importer = state.clone();
    let (info, (rejected, warnings)) = tokio::spawn(async move {
        let state = importer;
        let _one_at_a_time = state.importing.lock().await;
        // Read everything before touching the store: a failure leaves it as it
        // was. The lists are checked beside the data they will be screened
        // with. Reading a large list takes seconds: it runs off the store's
        // connection, which alerts and dispositions would otherwise wait on.
        let (dataset, sources, messages) = tokio::task::spawn_blocking(move || {
            let base = interdict_lists::native::load_with_builtin(&orders)
                .map_err(|e| Error::new(StatusCode::UNPROCESSABLE_ENTITY, "load_failed", e.to_string()))?;
            let (dataset, read) =
                interdict_lists::files::read_files_beside(&files, format, mode, &base).map_err(|e| {
                    let field = e
                        .path()
                        .and_then(|p| files.iter().position(|f| f == p))
                        .map(|i| format!("files[{i}]"))
                        .unwrap_or_else(|| "files".to_string());
                    Error::new(StatusCode::UNPROCESSABLE_ENTITY, "import_failed", e.to_string()).field(field)
                })?;
            let first_of = |errors: fn(&interdict_lists::files::ReadFile) -> &[interdict_lists::Error]| -> Vec<String> {
                read.iter()
                    .flat_map(|f| errors(f).iter().take(20).map(|e| e.to_string()))
                    .collect()
            };
            let rejected = first_of(|f| &f.rejected);
            let warnings = first_of(|f| &f.warnings);
            let sources: Vec<interdict_store::SourceFile> = read.iter().map(crate::source_file).collect();
            Ok::<_, Error>((dataset, sources, (rejected, warnings)))
        })
        .await
        .map_err(|e| Error::internal(format!("import task failed: {e}")))??;
        let info = state
            .with_store(move |store| Ok(store.add(&dataset, &sources)?))
            .await?;
        Ok::<_, Error>((info, messages))
    })
    .await
    .map_err(|e| Error::internal(format!("import task failed: {e}")))??;
    let (info, live) = if req.activate.unwrap_or(true) {
        let (info, live) = state.activate(info.id).await?;
        (info, Some(live.snapshot.id().to_string()))
    } else {
        (info, None)
    };
    Ok(Json(ImportBody {
        snapshot: info,
        rejected,
        warnings,
        live_snapshot_id: live,
    }))
}

/// An import's answer.
#[derive(Serialize, ToSchema)]
pub struct ImportBody {
    snapshot: interdict_store::SnapshotInfo,
    /// The first 20 bad records of each file, skipped (lenient mode).
    rejected: Vec<String>,
    /// The first 20 warnings of each file: values not read from records
    /// that were kept (lenient mode), and records of kinds not read.
    warnings: Vec<String>,
    /// The live screening snapshot after the import; null when it was not
    /// activated.
    live_snapshot_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivateRequest {
    /// A snapshot id, or a unique prefix of one.
    #[schema(min_length = 1)]
    snapshot: String,
}

/// Makes a stored snapshot the active one and swaps it in. Requests in
/// flight finish on the snapshot they started with. Admin.
#[utoipa::path(post, path = "/v1/lists/activate", tag = "lists", request_body = ActivateRequest,
    responses((status = 200, description = "The snapshot made active, and the live screening snapshot", body = ActivateBody),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 408, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn activate(
    State(state): Shared,
    _: Admin,
    _: NoQuery,
    JsonBody(req): JsonBody<ActivateRequest>,
) -> Result<Json<ActivateBody>, Error> {
    if req.snapshot.trim().is_empty() {
        return Err(Error::invalid(
            "snapshot",
            "give a snapshot id, or a unique prefix of one",
        ));
    }
    let key = req.snapshot.clone();
    let id = state
        .with_store(move |s| s.resolve(&key).map_err(|e| Error::from(e).field("snapshot")))
        .await?;
    let (info, live) = state.activate(id).await?;
    Ok(Json(ActivateBody {
        snapshot: info,
        live_snapshot_id: live.snapshot.id().to_string(),
    }))
}

/// An activation's answer.
#[derive(Serialize, ToSchema)]
pub struct ActivateBody {
    snapshot: interdict_store::SnapshotInfo,
    /// The screening snapshot now live, built on it.
    live_snapshot_id: String,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process answers", body = HealthBody), (status = 422, body = ErrorBody)))]
pub async fn healthz(_: NoQuery) -> Json<HealthBody> {
    Json(HealthBody {
        status: "ok".to_string(),
    })
}

/// Liveness.
#[derive(Serialize, ToSchema)]
pub struct HealthBody {
    #[schema(example = "ok")]
    status: String,
}

/// Readiness: a snapshot is loaded and screening can answer.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "A snapshot is loaded", body = ReadyBody), (status = 422, body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn readyz(State(state): Shared, _: NoQuery) -> Result<Json<ReadyBody>, Error> {
    let live = state.live()?;
    Ok(Json(ReadyBody {
        status: "ready".to_string(),
        snapshot_id: live.snapshot.id().to_string(),
        loaded: live.loaded.clone(),
    }))
}

/// Readiness.
#[derive(Serialize, ToSchema)]
pub struct ReadyBody {
    #[schema(example = "ready")]
    status: String,
    /// The live screening snapshot.
    snapshot_id: String,
    /// When it was loaded, RFC 3339 UTC.
    loaded: String,
}

/// The OpenAPI description of this API, generated from the code.
#[derive(OpenApi)]
#[openapi(
    info(title = "interdict", description = "Screening: is this party, app or payment prohibited, under which list or order, from which date, and why? Errors have one shape, ErrorBody; docs/api.md lists the codes."),
    paths(screen_party, screen_payment, screen_app, screen_batch, search, entity, orders, order, decision,
          alerts, dispose, lists, import, activate, healthz, readyz, metrics, openapi_json),
    components(schemas(ErrorBody, PartyRequest, PaymentRequest, AppRequest, BatchItem, SearchResult, SearchHit,
                       DispositionRequest, AllowRequest, ImportRequest, ActivateRequest,
                       PartyDecisionBody, PaymentDecisionBody, AppDecisionBody, OrdersBody, OrderSummary, AlertsBody,
                       OrderBody, TimelineEvent, DecisionRecordBody, ListsBody, LiveLists, ImportBody, ActivateBody, HealthBody, ReadyBody)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The server's counters and histograms, in Prometheus text.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String),
        (status = 422, body = ErrorBody)))]
pub async fn metrics(_: NoQuery) -> String {
    crate::metrics_handle().render()
}

/// This description, as JSON.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 description of the API", body = Object),
        (status = 422, body = ErrorBody)))]
pub async fn openapi_json(_: NoQuery) -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(e) => Error::internal(e.to_string()).into_response(),
    }
}
