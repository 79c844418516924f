//! Shared server state: the configuration, a pool of database connections
//! used from blocking threads, caches of the expensive pages, the sign-in
//! rate limiter and the background import jobs.

use crate::config::WebConfig;
use crate::error::WebError;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use uptake_store::Store;

/// Idle connections kept for reuse; more are opened under load and closed after.
const MAX_IDLE: usize = 16;

/// Database tasks running at once. More would only queue inside SQLite and
/// the kernel (the pages are CPU-bound) while each held a connection and its
/// page cache: 50 concurrent clients opened 50 connections.
const MAX_DB_TASKS: usize = 8;

/// Values kept by [`AppState::memo`] before the oldest are dropped.
const MAX_MEMO: usize = 64;

/// Pages' database reads kept by [`AppState::page_memo`] before the least
/// recently used is dropped (each a few tens of kilobytes: one page of
/// comments or one video's rows).
const MAX_PAGES: usize = 128;

/// Comment ids kept by [`AppState::id_list`] in all (8 bytes each): the
/// sorted matches of recent word searches and flag filters. The least
/// recently used lists go first; a longer list is used but not kept.
const MAX_LIST_IDS: usize = 3_000_000;

/// A value kept by [`AppState::memo`], of the type its key implies.
type MemoValue = Arc<dyn Any + Send + Sync>;

/// The state every handler sees (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: WebConfig,
    idle: Mutex<Vec<Store>>,
    /// Expensive pages' products (claims fragments, the report build)
    /// keyed by page and arguments, with the database's `data_version` they
    /// were made from.
    pub(crate) cache: Mutex<HashMap<String, (i64, MemoValue)>>,
    /// One computation of a cached product at a time.
    pub(crate) cache_build: tokio::sync::Mutex<()>,
    /// Values derived from the database (a list's order, a count), keyed by
    /// what they answer, with the `data_version` they were read at.
    memo: Mutex<HashMap<String, (i64, MemoValue)>>,
    /// One computation per memo key at a time (on a blocking thread);
    /// different keys build side by side.
    memo_build: Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// One page's database reads ([`AppState::page_memo`]), keyed by page
    /// and arguments, with the `data_version` they were read at and when
    /// last used; bounded by [`MAX_PAGES`].
    pages: Mutex<PageCache>,
    /// Sorted comment id lists ([`AppState::id_list`]), bounded by
    /// [`MAX_LIST_IDS`].
    lists: Mutex<ListCache>,
    /// Bounds the database tasks running at once ([`MAX_DB_TASKS`]).
    db_tasks: tokio::sync::Semaphore,
    /// A connection used only to read `data_version` (it must never write,
    /// or it would not see its own changes).
    version_conn: Mutex<Option<Store>>,
    pub(crate) limiter: Mutex<RateLimiter>,
    pub(crate) jobs: Mutex<Vec<crate::pages::imports::Job>>,
    /// The anti-forgery token of the implicit local owner (loopback mode
    /// without accounts), fresh at every start.
    pub(crate) local_csrf: String,
}

/// Locks a mutex, recovering from a poisoned one (a panicking handler must
/// not take the server down).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// Opens the database once (migrating it) and builds the state.
    pub fn new(config: WebConfig) -> Result<AppState, WebError> {
        let first = Store::open(&config.db_path)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                idle: Mutex::new(vec![first]),
                cache: Mutex::new(HashMap::new()),
                cache_build: tokio::sync::Mutex::new(()),
                memo: Mutex::new(HashMap::new()),
                memo_build: Mutex::new(HashMap::new()),
                pages: Mutex::new(PageCache::default()),
                lists: Mutex::new(ListCache::default()),
                db_tasks: tokio::sync::Semaphore::new(MAX_DB_TASKS),
                version_conn: Mutex::new(None),
                limiter: Mutex::new(RateLimiter::default()),
                jobs: Mutex::new(Vec::new()),
                local_csrf: crate::auth::random_token()?,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// Runs `work` with a database connection on a blocking thread, so that
    /// SQLite never stalls the async executor.
    pub(crate) async fn db<T, F>(&self, work: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
    {
        let _permit = self
            .inner
            .db_tasks
            .acquire()
            .await
            .map_err(|e| WebError::Internal(format!("the database pool is closed: {e}")))?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = state.checkout()?;
            let result = work(&mut store);
            state.checkin(store);
            result
        })
        .await
        .map_err(|e| WebError::Internal(format!("a database task failed: {e}")))?
    }

    fn checkout(&self) -> Result<Store, WebError> {
        if let Some(s) = lock(&self.inner.idle).pop() {
            return Ok(s);
        }
        Ok(Store::open(&self.inner.config.db_path)?)
    }

    fn checkin(&self, store: Store) {
        let mut idle = lock(&self.inner.idle);
        if idle.len() < MAX_IDLE {
            idle.push(store);
        }
    }

    /// The database's current change counter (blocking; call inside `db`).
    pub(crate) fn data_version(&self) -> Result<i64, WebError> {
        let mut conn = lock(&self.inner.version_conn);
        if conn.is_none() {
            *conn = Some(Store::open(&self.inner.config.db_path)?);
        }
        match conn.as_ref() {
            Some(s) => Ok(s.data_version()?),
            None => Err(WebError::Internal("no version connection".into())),
        }
    }

    /// A value derived from the database (blocking; call inside `db`),
    /// rebuilt by `build` when the database changed since it was made.
    /// Concurrent misses build it once.
    pub(crate) fn memo<T, F>(&self, store: &Store, key: &str, build: F) -> Result<Arc<T>, WebError>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&Store) -> Result<T, WebError>,
    {
        let lookup = |v: i64| -> Option<Arc<T>> {
            lock(&self.inner.memo)
                .get(key)
                .filter(|(at, _)| *at == v)
                .and_then(|(_, value)| value.clone().downcast::<T>().ok())
        };
        if let Some(hit) = lookup(self.data_version()?) {
            return Ok(hit);
        }
        let one = self.build_lock(key);
        let _one = lock(&one);
        let v = self.data_version()?;
        if let Some(hit) = lookup(v) {
            return Ok(hit);
        }
        let value = Arc::new(build(store)?);
        let mut memo = lock(&self.inner.memo);
        if memo.len() >= MAX_MEMO {
            memo.clear();
        }
        memo.insert(key.to_string(), (v, value.clone()));
        Ok(value)
    }

    /// What one page reads from the database (blocking; call inside `db`),
    /// kept until the database changes among the [`MAX_PAGES`] most
    /// recently used, apart from [`AppState::memo`] so that browsing many
    /// pages never pushes out the lists' orders. Concurrent misses read it
    /// once. Keep viewer-dependent rendering out of `build`.
    pub(crate) fn page_memo<T, F>(
        &self,
        store: &Store,
        key: &str,
        build: F,
    ) -> Result<Arc<T>, WebError>
    where
        T: Send + Sync + 'static,
        F: FnOnce(&Store) -> Result<T, WebError>,
    {
        let lookup = |v: i64| -> Option<Arc<T>> {
            lock(&self.inner.pages)
                .get(key, v)
                .and_then(|value| value.downcast::<T>().ok())
        };
        if let Some(hit) = lookup(self.data_version()?) {
            return Ok(hit);
        }
        let one = self.build_lock(&format!("page:{key}"));
        let _one = lock(&one);
        let v = self.data_version()?;
        if let Some(hit) = lookup(v) {
            return Ok(hit);
        }
        let value = Arc::new(build(store)?);
        lock(&self.inner.pages).put(key, v, value.clone());
        Ok(value)
    }

    /// The lock that lets one thread at a time build the memo value `key`.
    fn build_lock(&self, key: &str) -> Arc<Mutex<()>> {
        let mut locks = lock(&self.inner.memo_build);
        if locks.len() > 4 * MAX_MEMO {
            // Locks in use stay alive in their holders.
            locks.clear();
        }
        locks.entry(key.to_string()).or_default().clone()
    }

    /// A sorted list of comment ids (blocking; call inside `db`), rebuilt
    /// by `build` when the database changed since it was made. Kept while
    /// all lists hold at most [`MAX_LIST_IDS`] ids, least recently used
    /// dropped first; concurrent misses build it once.
    pub(crate) fn id_list<F>(&self, key: &str, build: F) -> Result<Arc<Vec<i64>>, WebError>
    where
        F: FnOnce() -> Result<Vec<i64>, WebError>,
    {
        let lookup = |v: i64| -> Option<Arc<Vec<i64>>> { lock(&self.inner.lists).get(key, v) };
        if let Some(hit) = lookup(self.data_version()?) {
            return Ok(hit);
        }
        let one = self.build_lock(&format!("list:{key}"));
        let _one = lock(&one);
        let v = self.data_version()?;
        if let Some(hit) = lookup(v) {
            return Ok(hit);
        }
        let list = Arc::new(build()?);
        lock(&self.inner.lists).put(key, v, list.clone());
        Ok(list)
    }

    /// A cached HTML fragment, rebuilt by `build` (on a blocking thread)
    /// when the database changed since it was made. Concurrent misses build
    /// it once.
    pub(crate) async fn cached<F>(&self, key: String, build: F) -> Result<Arc<String>, WebError>
    where
        F: Fn(&mut Store) -> Result<String, WebError> + Send + Sync + 'static,
    {
        self.cached_value(key, build).await
    }

    /// A cached value, rebuilt by `build` (on a blocking thread) when the
    /// database changed since it was made. Concurrent misses build it once.
    pub(crate) async fn cached_value<T, F>(&self, key: String, build: F) -> Result<Arc<T>, WebError>
    where
        T: Send + Sync + 'static,
        F: Fn(&mut Store) -> Result<T, WebError> + Send + Sync + 'static,
    {
        let find = |state: &AppState, key: &str, v: i64| -> Option<Arc<T>> {
            lock(&state.inner.cache)
                .get(key)
                .filter(|(at, _)| *at == v)
                .and_then(|(_, value)| value.clone().downcast::<T>().ok())
        };
        let state = self.clone();
        let probe = key.clone();
        let hit = self
            .db(move |_| {
                let v = state.data_version()?;
                Ok(find(&state, &probe, v))
            })
            .await?;
        if let Some(value) = hit {
            return Ok(value);
        }
        let _one = self.inner.cache_build.lock().await;
        let state = self.clone();
        self.db(move |store| {
            let v = state.data_version()?;
            if let Some(value) = find(&state, &key, v) {
                return Ok(value);
            }
            // The stale value goes before the new one is made, so that two
            // are never held at once.
            lock(&state.inner.cache).remove(&key);
            let value = Arc::new(build(store)?);
            let mut cache = lock(&state.inner.cache);
            if cache.len() > 64 {
                cache.clear();
            }
            cache.insert(key, (v, value.clone()));
            Ok(value)
        })
        .await
    }
}

/// Pages' reads by key, with the `data_version` they were read at and a
/// use stamp; at most [`MAX_PAGES`], least recently used dropped first.
#[derive(Default)]
struct PageCache {
    pages: HashMap<String, (i64, MemoValue, u64)>,
    clock: u64,
}

impl PageCache {
    fn get(&mut self, key: &str, version: i64) -> Option<MemoValue> {
        self.clock += 1;
        let now = self.clock;
        let entry = self.pages.get_mut(key).filter(|(v, _, _)| *v == version)?;
        entry.2 = now;
        Some(entry.1.clone())
    }

    fn put(&mut self, key: &str, version: i64, value: MemoValue) {
        self.pages.remove(key);
        // Stale pages go first, then the least recently used.
        self.pages.retain(|_, (v, _, _)| *v == version);
        while self.pages.len() >= MAX_PAGES {
            let Some(oldest) = self
                .pages
                .iter()
                .min_by_key(|(_, (_, _, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            self.pages.remove(&oldest);
        }
        self.clock += 1;
        self.pages
            .insert(key.to_string(), (version, value, self.clock));
    }
}

/// Sorted comment id lists by key, with the `data_version` they were read
/// at, bounded by [`MAX_LIST_IDS`] ids in all.
#[derive(Default)]
struct ListCache {
    lists: HashMap<String, (i64, Arc<Vec<i64>>, u64)>,
    ids: usize,
    clock: u64,
}

impl ListCache {
    fn get(&mut self, key: &str, version: i64) -> Option<Arc<Vec<i64>>> {
        self.clock += 1;
        let now = self.clock;
        let entry = self.lists.get_mut(key).filter(|(v, _, _)| *v == version)?;
        entry.2 = now;
        Some(entry.1.clone())
    }

    fn put(&mut self, key: &str, version: i64, list: Arc<Vec<i64>>) {
        if let Some((_, old, _)) = self.lists.remove(key) {
            self.ids -= old.len();
        }
        if list.len() > MAX_LIST_IDS {
            return;
        }
        while self.ids + list.len() > MAX_LIST_IDS {
            let Some(oldest) = self
                .lists
                .iter()
                .min_by_key(|(_, (_, _, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((_, old, _)) = self.lists.remove(&oldest) {
                self.ids -= old.len();
            }
        }
        self.clock += 1;
        self.ids += list.len();
        self.lists
            .insert(key.to_string(), (version, list, self.clock));
    }
}

/// Failed sign-ins per key (client address, user name) in a sliding window.
#[derive(Default)]
pub(crate) struct RateLimiter {
    failures: HashMap<String, (u32, Instant)>,
}

/// Failures allowed per key and window.
pub(crate) const MAX_FAILURES: u32 = 5;
/// Failures allowed per client address and window behind a reverse proxy
/// (`--behind-https`): every client then has the proxy's address, so five
/// failures by anyone would lock the whole team out. The per-account limit
/// stays [`MAX_FAILURES`].
pub(crate) const MAX_FAILURES_BEHIND_PROXY: u32 = 100;
/// The window.
pub(crate) const WINDOW: Duration = Duration::from_secs(15 * 60);

impl RateLimiter {
    /// True when `key` may try again now, after fewer than `max` failures
    /// in the window.
    pub(crate) fn allowed(&mut self, key: &str, max: u32, now: Instant) -> bool {
        match self.failures.get(key) {
            Some((n, since)) if now.duration_since(*since) < WINDOW => *n < max,
            Some(_) => {
                self.failures.remove(key);
                true
            }
            None => true,
        }
    }

    /// Counts a failure for `key`.
    pub(crate) fn fail(&mut self, key: &str, now: Instant) {
        if self.failures.len() > 10_000 {
            self.failures
                .retain(|_, (_, since)| now.duration_since(*since) < WINDOW);
        }
        let e = self.failures.entry(key.to_string()).or_insert((0, now));
        if now.duration_since(e.1) >= WINDOW {
            *e = (0, now);
        }
        e.0 += 1;
    }

    /// Forgets `key` (after a successful sign-in).
    pub(crate) fn clear(&mut self, key: &str) {
        self.failures.remove(key);
    }
}
