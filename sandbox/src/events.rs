//! The event log: every request the sandbox received and every notification delivery attempt,
//! in memory, bounded. `GET /_sandbox/events` serves it as JSON, `GET /_sandbox/` as a page.

use std::collections::VecDeque;

use serde::Serialize;

use crate::clock;

/// Most events kept; older ones are evicted first.
pub const MAX_EVENTS: usize = 2000;

/// Longest body excerpt kept per event, in characters.
pub const EXCERPT_CHARS: usize = 512;

/// One thing that happened. Absent fields are left out of the JSON.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Event {
    /// Position in the log, from 1, never reused (not even across `reset`).
    pub seq: u64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// `request` (received by the sandbox), `delivery` (a notification attempt made by it),
    /// `note` (what the sandbox decided: a payment outcome, a post-back verdict …).
    pub kind: &'static str,
    /// `flocash`, `redsys`, or absent for the sandbox's own endpoints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<&'static str>,
    /// The order concerned (`order_id` / `Ds_Order`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// HTTP method of a request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Request path (with query) or delivery target URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// HTTP status: of the sandbox's answer (request) or the shop's answer (delivery).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Excerpt of the body received (request) or sent (delivery).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    /// Excerpt of the shop's answer to a delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Delivery attempt number, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// Attempts the gateway makes at most.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// With the `duplicate` fault: which copy of the notification (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy: Option<u32>,
    /// Delivery: `delivered`, `failed` (retry scheduled), `dropped` (fault), `given_up`,
    /// `refused` (not a URL on this machine; see `--deliver-anywhere`), `lost` (the
    /// `lose-notifications` fault: never sent, never retried).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
    /// Delivery: when the next attempt is due (RFC 3339 UTC, real time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_retry_at: Option<String>,
    /// Human-readable detail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Event {
    /// A `note` event.
    pub fn note(gateway: Option<&'static str>, order: Option<&str>, message: String) -> Event {
        Event {
            kind: "note",
            gateway,
            order: order.map(str::to_string),
            message: Some(message),
            ..Event::default()
        }
    }
}

/// The bounded log.
#[derive(Debug, Default)]
pub struct EventLog {
    events: VecDeque<Event>,
    next_seq: u64,
    evicted: u64,
}

impl EventLog {
    /// Appends `event`, stamping `seq` and `at`; returns its `seq`.
    pub fn push(&mut self, mut event: Event) -> u64 {
        self.next_seq += 1;
        event.seq = self.next_seq;
        event.at = clock::rfc3339(clock::now_ms());
        if self.events.len() >= MAX_EVENTS {
            self.events.pop_front();
            self.evicted += 1;
        }
        self.events.push_back(event);
        self.next_seq
    }

    /// Sets the answer status of a logged request (it is logged before it is handled, so the
    /// log reads in the order things happened).
    pub fn set_status(&mut self, seq: u64, status: u16) {
        if let Some(e) = self.events.iter_mut().rev().find(|e| e.seq == seq) {
            e.status = Some(status);
        }
    }

    /// Events with `seq > since`, oldest first.
    pub fn since(&self, since: u64) -> Vec<Event> {
        self.events
            .iter()
            .filter(|e| e.seq > since)
            .cloned()
            .collect()
    }

    /// The newest `n` events, newest first.
    pub fn latest(&self, n: usize) -> Vec<Event> {
        self.events.iter().rev().take(n).cloned().collect()
    }

    /// How many events were evicted since start (or the last reset).
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The `seq` of the newest event (0 if none yet).
    pub fn last_seq(&self) -> u64 {
        self.next_seq
    }

    /// Drops every event; `seq` keeps counting.
    pub fn clear(&mut self) {
        self.events.clear();
        self.evicted = 0;
    }
}

/// A printable excerpt of a body: lossy UTF-8, at most [`EXCERPT_CHARS`] characters.
pub fn excerpt(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(EXCERPT_CHARS * 4)];
    let text = String::from_utf8_lossy(head);
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if out.len() < bytes.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_ordered() {
        let mut log = EventLog::default();
        for i in 0..(MAX_EVENTS + 5) {
            log.push(Event::note(None, None, format!("{i}")));
        }
        assert_eq!(log.since(0).len(), MAX_EVENTS);
        assert_eq!(log.evicted(), 5);
        assert_eq!(log.since(0)[0].seq, 6);
        assert_eq!(log.latest(1)[0].seq, (MAX_EVENTS + 5) as u64);
        assert_eq!(log.since(log.last_seq() - 2).len(), 2);
    }

    #[test]
    fn excerpts_are_short_and_lossy() {
        assert_eq!(excerpt(b"abc"), "abc");
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
        let long = vec![b'x'; EXCERPT_CHARS + 10];
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }
}
