//! Shared state: one mutex over everything (the sandbox is small; nothing awaits while holding it).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use axum::http::StatusCode;

use crate::config::Config;
use crate::events::{Event, EventLog};
use crate::faults::{FaultState, Faults};
use crate::http_client::HttpClient;
use crate::{Options, bitpay, ceca, elavon, flocash, paypal, paypal_rest, redsys};

/// How long one notification attempt may take before it counts as failed.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Most open or finished payments kept per gateway (oldest evicted).
pub const MAX_PAYMENTS: usize = 10_000;

/// Most notification deliveries scheduled at once (each waits out its retries).
pub const MAX_IN_FLIGHT: usize = 10_000;

pub(crate) struct App {
    pub config: Config,
    pub time_scale: f64,
    /// Notifications may go to hosts other than this machine.
    pub deliver_anywhere: bool,
    pub start_faults: Faults,
    pub client: HttpClient,
    /// `http://<bound address>`.
    pub base_url: String,
    /// Deliveries scheduled and not finished.
    in_flight: Arc<AtomicUsize>,
    /// The generation, for waking sleepers on reset.
    resets: watch::Sender<u64>,
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    /// Bumped by `reset`: scheduled work from an older generation stops.
    pub generation: u64,
    pub rng: fastrand::Rng,
    pub events: EventLog,
    pub faults: FaultState,
    pub flocash: flocash::State,
    pub redsys: redsys::State,
    pub ceca: ceca::State,
    pub paypal: paypal::State,
    pub paypal_rest: paypal_rest::State,
    pub elavon: elavon::State,
    pub bitpay: bitpay::State,
}

impl App {
    pub fn new(options: &Options, addr: SocketAddr) -> App {
        let rng = options
            .seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        App {
            config: options.config.clone(),
            time_scale: options.time_scale,
            deliver_anywhere: options.deliver_anywhere,
            start_faults: options.faults.clone(),
            client: HttpClient::new(DELIVERY_TIMEOUT),
            base_url: format!("http://{addr}"),
            in_flight: Arc::default(),
            resets: watch::Sender::new(0),
            inner: Mutex::new(Inner {
                generation: 0,
                rng,
                events: EventLog::default(),
                faults: FaultState::new(options.faults.clone()),
                flocash: flocash::State::default(),
                redsys: redsys::State::default(),
                ceca: ceca::State::default(),
                paypal: paypal::State::default(),
                paypal_rest: paypal_rest::State::default(),
                elavon: elavon::State::default(),
                bitpay: bitpay::State::default(),
            }),
        }
    }

    /// The state. A panic while holding the lock leaves consistent-enough data for a test
    /// tool, so a poisoned lock is taken over rather than propagated.
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Sleeps `d`; `false` (at once) if the sandbox is or gets reset past `generation`.
    pub async fn sleep_unless_reset(&self, d: Duration, generation: u64) -> bool {
        let mut resets = self.resets.subscribe();
        if *resets.borrow_and_update() != generation {
            return false;
        }
        tokio::select! {
            _ = tokio::time::sleep(d) => self.generation() == generation,
            _ = resets.changed() => false,
        }
    }

    /// Counts a delivery in, unless [`MAX_IN_FLIGHT`] are already scheduled.
    pub fn enter_delivery(&self) -> Option<InFlight> {
        if self.in_flight.fetch_add(1, Ordering::SeqCst) >= MAX_IN_FLIGHT {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            None
        } else {
            Some(InFlight(Arc::clone(&self.in_flight)))
        }
    }

    /// Appends an event.
    pub fn log(&self, event: Event) -> u64 {
        self.lock().events.push(event)
    }

    /// Appends a note.
    pub fn note(&self, gateway: &'static str, order: &str, message: String) {
        self.log(Event::note(Some(gateway), Some(order), message));
    }

    /// Gateway time → real time: divided by `--time-scale`, at least 1 ms.
    pub fn scaled(&self, gateway_time: Duration) -> Duration {
        let secs = gateway_time.as_secs_f64() / self.time_scale;
        Duration::from_secs_f64(secs).max(Duration::from_millis(1))
    }

    /// Clears every payment, notification, event and counter; faults go back to the start-up
    /// settings. Scheduled deliveries of the old generation stop before their next attempt.
    pub fn reset(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.events.clear();
        inner.faults = FaultState::new(self.start_faults.clone());
        inner.flocash = flocash::State::default();
        inner.redsys = redsys::State::default();
        inner.ceca = ceca::State::default();
        inner.paypal = paypal::State::default();
        inner.paypal_rest = paypal_rest::State::default();
        inner.elavon = elavon::State::default();
        inner.bitpay = bitpay::State::default();
        self.resets.send_replace(inner.generation);
    }
}

/// One scheduled delivery; counted out when dropped.
pub(crate) struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Inner {
    /// `n` random characters from `alphabet`.
    pub fn random_from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| char::from(alphabet[self.rng.usize(..alphabet.len())]))
            .collect()
    }

    /// `n` random decimal digits.
    pub fn digits(&mut self, n: usize) -> String {
        self.random_from(b"0123456789", n)
    }

    /// A URL-safe id.
    pub fn id(&mut self) -> String {
        self.random_from(b"abcdefghijkmnpqrstuvwxyz23456789", 20)
    }
}

/// Why a programmatic or clicked payment could not be made.
#[derive(Debug)]
pub(crate) struct PayError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl PayError {
    pub fn unknown(gateway: &str) -> PayError {
        PayError {
            status: StatusCode::NOT_FOUND,
            code: "unknown_order",
            message: format!("no {gateway} checkout with that order was posted to this sandbox"),
        }
    }

    pub fn finished(gateway: &str, order: &str, status: &str) -> PayError {
        PayError {
            status: StatusCode::CONFLICT,
            code: "already_finished",
            message: format!("{gateway} order {order} is already {status}"),
        }
    }
}

/// A map that keeps at most `cap` entries, evicting the oldest inserted.
#[derive(Debug)]
pub(crate) struct Bounded<V> {
    map: HashMap<String, V>,
    order: VecDeque<String>,
    cap: usize,
}

/// A gateway's payments: at most [`MAX_PAYMENTS`].
impl<V> Default for Bounded<V> {
    fn default() -> Self {
        Bounded::new(MAX_PAYMENTS)
    }
}

impl<V> Bounded<V> {
    pub fn new(cap: usize) -> Self {
        Bounded {
            map: HashMap::new(),
            order: VecDeque::new(),
            cap,
        }
    }

    /// Inserts or replaces (a replaced key keeps its age).
    pub fn insert(&mut self, key: String, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
            while self.order.len() > self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.map.get_mut(key)
    }

    /// Values, oldest first.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.order.iter().filter_map(|k| self.map.get(k))
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_evicts_oldest() {
        let mut b = Bounded::new(2);
        b.insert("a".into(), 1);
        b.insert("b".into(), 2);
        b.insert("a".into(), 10);
        b.insert("c".into(), 3);
        assert_eq!(b.len(), 2);
        assert!(b.get("a").is_none());
        assert_eq!(b.values().copied().collect::<Vec<_>>(), [2, 3]);
    }
}
