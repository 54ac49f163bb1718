//! What the server holds: the live snapshot (swapped atomically), the
//! audit writer, and the settings.
//!
//! A request takes the live snapshot once, at its start, and keeps it to
//! its end: an activation during the request changes what the next
//! requests see, never what this one sees.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use interdict_index::{NameIndex, Snapshot};
use interdict_model::AllowEntry;
use interdict_screen::Screener;
use interdict_store::Store;

use crate::audit::AuditWriter;
use crate::{Config, Error};

/// One loaded snapshot with its name index and screener.
pub struct Live {
    pub snapshot: Arc<Snapshot>,
    pub names: Arc<NameIndex>,
    pub screener: Screener<Arc<Snapshot>>,
    /// The store snapshot whose lists are loaded; `None` = bundled lists.
    pub store_snapshot: Option<String>,
    /// One line saying which lists are loaded.
    pub lists: String,
    pub allowlist: Vec<AllowEntry>,
    /// Order files loaded with the built-in orders.
    pub orders: Vec<PathBuf>,
    pub loaded: String,
}

impl Live {
    /// Builds the screening snapshot: the built-in orders and entities with
    /// the store's snapshot `store_snapshot` (its active one when `None`),
    /// or the bundled lists when the store has none.
    pub fn load(data_dir: &Path, orders: &[PathBuf], store_snapshot: Option<&str>) -> Result<Live, String> {
        let mut dataset = interdict_lists::native::load_with_builtin(orders).map_err(|e| e.to_string())?;
        let store = Store::open(data_dir).map_err(|e| e.to_string())?;
        let info = match store_snapshot {
            Some(id) => Some(
                store
                    .snapshot(id)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("no snapshot `{id}` in the store"))?,
            ),
            None => store.active().map_err(|e| e.to_string())?,
        };
        let (lists, used) = match info {
            Some(info) => {
                dataset.extend(store.load(&info.id).map_err(|e| e.to_string())?);
                (
                    format!("snapshot {} (imported {})", info.id, info.created),
                    Some(info.id),
                )
            }
            None => {
                dataset.extend(interdict_lists::bundled::load().map_err(|e| e.to_string())?);
                (interdict_lists::bundled::age_notice(), None)
            }
        };
        let allowlist = store.allow_entries().map_err(|e| e.to_string())?;
        let snapshot = Arc::new(Snapshot::build(dataset).map_err(|e| e.to_string())?);
        let names = Arc::new(NameIndex::build(snapshot.dataset()));
        Ok(Live::assemble(snapshot, names, used, lists, allowlist, orders.to_vec()))
    }

    fn assemble(
        snapshot: Arc<Snapshot>,
        names: Arc<NameIndex>,
        store_snapshot: Option<String>,
        lists: String,
        allowlist: Vec<AllowEntry>,
        orders: Vec<PathBuf>,
    ) -> Live {
        Live {
            orders,
            screener: Screener::new(snapshot.clone()).with_allowlist(allowlist.clone()),
            snapshot,
            names,
            store_snapshot,
            lists,
            allowlist,
            loaded: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    /// The same snapshot and index with a new allowlist (after a false
    /// positive added an entry). `loaded` stays the snapshot's: the lists
    /// were not loaded again.
    pub fn with_allowlist(&self, allowlist: Vec<AllowEntry>) -> Live {
        Live {
            loaded: self.loaded.clone(),
            ..Live::assemble(
                self.snapshot.clone(),
                self.names.clone(),
                self.store_snapshot.clone(),
                self.lists.clone(),
                allowlist,
                self.orders.clone(),
            )
        }
    }
}

/// How long a store's active snapshot that failed to load waits before the
/// server tries it again (a locked store or a passing I/O error clears).
const FOLLOW_RETRY_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

/// Everything a handler reaches.
pub struct AppState {
    pub live: ArcSwapOption<Live>,
    pub config: Config,
    pub audit: AuditWriter,
    /// One store connection for reads and the analysts' writes; the audit
    /// writer has its own. Screening never waits on this one.
    pub store: std::sync::Mutex<Store>,
    /// Serialises snapshot loads so two activations do not race.
    pub loading: tokio::sync::Mutex<()>,
    /// Serialises imports: each holds a whole list in memory while it
    /// reads, and two at once would hold two.
    pub importing: tokio::sync::Mutex<()>,
    /// The store's active snapshot that last failed to load, and when: not
    /// tried again for [`FOLLOW_RETRY_AFTER`] (a load of a large list takes
    /// seconds and memory), unless another becomes active.
    failed_to_follow: std::sync::Mutex<Option<(String, std::time::Instant)>>,
}

impl AppState {
    pub fn open(config: Config) -> Result<AppState, Error> {
        let store =
            Store::open(&config.data_dir).map_err(|e| Error::internal(format!("cannot open the store: {e}")))?;
        let audit = AuditWriter::start(&config.data_dir, config.audit_queue, config.audit_durability)
            .map_err(|e| Error::internal(format!("cannot open the audit log: {e}")))?;
        Ok(AppState {
            live: ArcSwapOption::empty(),
            audit,
            store: std::sync::Mutex::new(store),
            loading: tokio::sync::Mutex::new(()),
            importing: tokio::sync::Mutex::new(()),
            failed_to_follow: std::sync::Mutex::new(None),

            config,
        })
    }

    /// The live snapshot, or 503 before the first load.
    pub fn live(&self) -> Result<Arc<Live>, Error> {
        self.live.load_full().ok_or_else(Error::not_ready)
    }

    /// Runs `f` on the shared store connection, off the async workers.
    pub async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = state.store.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut store)
        })
        .await
        .map_err(|e| Error::internal(format!("store task failed: {e}")))?
    }

    /// Loads `store_snapshot` (the active one when `None`) and swaps it in.
    /// Requests in flight keep the snapshot they started with.
    pub async fn reload(self: &Arc<Self>, store_snapshot: Option<String>) -> Result<Arc<Live>, Error> {
        let _one_at_a_time = self.loading.lock().await;
        let live = self.load(store_snapshot).await?;
        self.swap_in(&live);
        Ok(live)
    }

    /// Loads the stored snapshot `id`, and only once it has loaded makes
    /// it the store's active one and swaps it in: a snapshot that cannot
    /// be loaded is never left active, for a restart to fail on.
    pub async fn activate(self: &Arc<Self>, id: String) -> Result<(interdict_store::SnapshotInfo, Arc<Live>), Error> {
        // On a task of its own: a request whose client goes away is
        // dropped at its next await, and between the store's activation
        // and the swap that would leave the two disagreeing.
        let state = self.clone();
        tokio::spawn(async move {
            let _one_at_a_time = state.loading.lock().await;
            let live = state.load(Some(id.clone())).await?;
            let info = state.with_store(move |s| Ok(s.activate(&id)?)).await?;
            state.swap_in(&live);
            Ok((info, live))
        })
        .await
        .map_err(|e| Error::internal(format!("activation task failed: {e}")))?
    }

    async fn load(self: &Arc<Self>, store_snapshot: Option<String>) -> Result<Arc<Live>, Error> {
        let dir: PathBuf = self.config.data_dir.clone();
        let orders = self.config.orders.clone();
        let live = tokio::task::spawn_blocking(move || Live::load(&dir, &orders, store_snapshot.as_deref()))
            .await
            .map_err(|e| Error::internal(format!("load task failed: {e}")))?
            .map_err(|m| Error::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "load_failed", m))?;
        Ok(Arc::new(live))
    }

    fn swap_in(&self, live: &Arc<Live>) {
        self.live.store(Some(live.clone()));
        metrics::counter!("interdict_snapshot_swaps_total").increment(1);
    }

    /// Loads and swaps in the store's active snapshot when it is not the
    /// live one: `interdict lists import` or `lists update` run beside the
    /// server make a new snapshot active in the store, which the server
    /// would otherwise screen past until a restart. Whether it swapped; a
    /// snapshot that fails to load is reported once, and the live one stays.
    pub async fn follow_active_snapshot(self: &Arc<Self>) -> Result<bool, Error> {
        let differs = |active: &Option<String>| {
            active.is_some() && self.live.load_full().is_some_and(|l| l.store_snapshot != *active)
        };
        let active = self.with_store(|s| Ok(s.active()?.map(|info| info.id))).await?;
        if !differs(&active) {
            return Ok(false);
        }
        let _one_at_a_time = self.loading.lock().await;
        // Read again under the lock: an activation through the API may have
        // made another snapshot active (and live) meanwhile, and the one
        // read before would undo it.
        let active = self.with_store(|s| Ok(s.active()?.map(|info| info.id))).await?;
        if !differs(&active) {
            return Ok(false);
        }
        {
            let failed = self.failed_to_follow.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((id, at)) = &*failed {
                if Some(id) == active.as_ref() && at.elapsed() < FOLLOW_RETRY_AFTER {
                    return Ok(false);
                }
            }
        }
        match self.load(active.clone()).await {
            Ok(loaded) => {
                *self.failed_to_follow.lock().unwrap_or_else(|p| p.into_inner()) = None;
                self.swap_in(&loaded);
                Ok(true)
            }
            Err(e) => {
                *self.failed_to_follow.lock().unwrap_or_else(|p| p.into_inner()) =
                    active.map(|id| (id, std::time::Instant::now()));
                Err(e)
            }
        }
    }

    /// Swaps in the live snapshot with the store's current allowlist when it
    /// is not the live one: after a false positive's entry, and on the
    /// refresh interval, for entries another process added. Whether it
    /// swapped.
    pub async fn refresh_allowlist(self: &Arc<Self>) -> Result<bool, Error> {
        let _one_at_a_time = self.loading.lock().await;
        let entries = self.with_store(|s| Ok(s.allow_entries()?)).await?;
        let Some(live) = self.live.load_full() else {
            return Ok(false);
        };
        if live.allowlist == entries {
            return Ok(false);
        }
        self.live.store(Some(Arc::new(live.with_allowlist(entries))));
        metrics::counter!("interdict_allowlist_swaps_total").increment(1);
        Ok(true)
    }
}
