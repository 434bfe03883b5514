//! Fault injection: what a shop must survive in production, on demand.
//!
//! Set at start with `--fault delay=2s,drop-first=1,duplicate=2,reorder,postback-fail=1`, or at
//! run time with `POST /_sandbox/faults` and the JSON
//! `{"delay_ms": 2000, "drop_first": 1, "duplicate": 2, "reorder": true, "postback_fail": 1,
//! "lose_notifications": 1, "lose_replies": 1, "tamper": 1}`
//! (every key optional; the body replaces the whole set, so `{}` switches everything off).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// Longest delivery delay accepted (10 minutes).
pub const MAX_DELAY_MS: u64 = 600_000;
/// Most copies of one notification (`duplicate`).
pub const MAX_COPIES: u32 = 10;
/// Largest `drop_first` / `postback_fail` / `lose_notifications` / `lose_replies` count.
pub const MAX_COUNT: u32 = 1000;

/// The fault switches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Faults {
    /// Wait this long (real time, not scaled) before every delivery attempt.
    pub delay_ms: u64,
    /// Drop the next N delivery attempts (of any gateway): they are logged but never sent, so
    /// the gateway's retry has to bring the notification.
    #[serde(alias = "drop-first")]
    pub drop_first: u32,
    /// Deliver each notification this many times (`2` = twice), each copy with its own
    /// retries. `0` and `1` mean once.
    pub duplicate: u32,
    /// "Pending, paid later" (FloCash, PayPal): deliver the final notification (`0000`,
    /// `Completed`) first and the stale pending one after it.
    pub reorder: bool,
    /// Answer the next N verification calls with HTTP 500: FloCash `validateNotify.do`, PayPal
    /// `_notify-validate`, the Bitpay invoice fetch.
    #[serde(alias = "postback-fail")]
    pub postback_fail: u32,
    /// The next N payments' notifications are lost outright: every notification of those
    /// payments (each copy, each retry) is logged as `lost` and never sent, so only a status
    /// query can tell the shop what happened (unlike `drop_first`, whose retries deliver).
    #[serde(alias = "lose-notifications")]
    pub lose_notifications: u32,
    /// The next N server-to-server operation calls (Redsys `trataPeticionREST`, Elavon
    /// `/remote`, PayPal NVP `RefundTransaction`) are carried out, but their reply is lost:
    /// HTTP 504 with an empty body, the answer of a proxy whose upstream went silent.
    #[serde(alias = "lose-replies")]
    pub lose_replies: u32,
    /// The next N signed webhook attempts (PayPal REST) carry a body changed after it was
    /// signed (one space added, the JSON meaning the same): the signature no longer covers
    /// it, so the shop must refuse it and not answer 2xx; the retry brings the real body.
    pub tamper: u32,
}

impl Faults {
    /// Parses the `--fault` syntax: comma-separated `delay=2s` (`ms`, `s`, `m`),
    /// `drop-first=N`, `duplicate=N`, `reorder` (or `reorder=true|false`), `postback-fail=N`,
    /// `lose-notifications=N`, `lose-replies=N`, or `none`. Applied over `self`, so repeated `--fault` flags add up.
    pub fn apply_spec(&mut self, spec: &str) -> Result<(), String> {
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n.trim(), Some(v.trim())),
                None => (item, None),
            };
            let need = || value.ok_or_else(|| format!("fault {name} needs a value ({name}=…)"));
            let count = |v: &str| {
                v.parse::<u32>()
                    .map_err(|_| format!("fault {name}: {v:?} is not a whole number"))
            };
            match name.replace('_', "-").as_str() {
                "none" => *self = Faults::default(),
                "delay" => self.delay_ms = parse_duration_ms(need()?)?,
                "drop-first" => self.drop_first = count(need()?)?,
                "duplicate" => self.duplicate = count(need()?)?,
                "postback-fail" => self.postback_fail = count(need()?)?,
                "lose-notifications" => self.lose_notifications = count(need()?)?,
                "lose-replies" => self.lose_replies = count(need()?)?,
                "tamper" => self.tamper = count(need()?)?,
                "reorder" => {
                    self.reorder = match value {
                        None | Some("true") | Some("1") | Some("on") => true,
                        Some("false") | Some("0") | Some("off") => false,
                        Some(v) => return Err(format!("fault reorder: {v:?} is not true/false")),
                    }
                }
                _ => {
                    return Err(format!(
                        "unknown fault {name:?} (known: delay, drop-first, duplicate, reorder, postback-fail, lose-notifications, lose-replies, tamper, none)"
                    ));
                }
            }
        }
        self.validate()
    }

    /// Parses a whole `--fault` value.
    pub fn parse(spec: &str) -> Result<Faults, String> {
        let mut f = Faults::default();
        f.apply_spec(spec)?;
        Ok(f)
    }

    /// Checks the bounds.
    pub fn validate(&self) -> Result<(), String> {
        if self.delay_ms > MAX_DELAY_MS {
            return Err(format!("delay is at most {} s", MAX_DELAY_MS / 1000));
        }
        if self.duplicate > MAX_COPIES {
            return Err(format!("duplicate is at most {MAX_COPIES}"));
        }
        let counts = [
            self.drop_first,
            self.postback_fail,
            self.lose_notifications,
            self.lose_replies,
            self.tamper,
        ];
        if counts.iter().any(|n| *n > MAX_COUNT) {
            return Err(format!(
                "drop-first, postback-fail, lose-notifications, lose-replies and tamper are at most {MAX_COUNT}"
            ));
        }
        Ok(())
    }

    /// How many times each notification is delivered.
    pub fn copies(&self) -> u32 {
        self.duplicate.max(1)
    }
}

/// `2s`, `500ms`, `1m` → milliseconds.
fn parse_duration_ms(v: &str) -> Result<u64, String> {
    let bad = || format!("delay {v:?} is not a duration such as 500ms, 2s or 1m");
    let (number, factor) = if let Some(n) = v.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = v.strip_suffix('m') {
        (n, 60_000)
    } else {
        return Err(bad());
    };
    let n: u64 = number.trim().parse().map_err(|_| bad())?;
    n.checked_mul(factor).ok_or_else(bad)
}

/// The switches plus the counters they started.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultState {
    pub config: Faults,
    pub drops_left: u32,
    pub postback_fails_left: u32,
    pub lost_payments_left: u32,
    pub lost_replies_left: u32,
    pub tampers_left: u32,
    /// `(gateway, order)` of the payments whose notifications are being lost: at most
    /// [`MAX_COUNT`] (each took one count), and cleared whenever the faults are replaced.
    losing: HashSet<(&'static str, String)>,
}

impl FaultState {
    pub fn new(config: Faults) -> FaultState {
        FaultState {
            drops_left: config.drop_first,
            postback_fails_left: config.postback_fail,
            lost_payments_left: config.lose_notifications,
            lost_replies_left: config.lose_replies,
            tampers_left: config.tamper,
            losing: HashSet::new(),
            config,
        }
    }

    /// Sets one switch from a single `--fault` item (`drop-first=2`, `reorder=off`, `none`),
    /// as the dashboard's per-fault forms do. Only that switch's counter restarts: the others
    /// keep what is left of theirs, so switching `delay` on does not re-arm a half-used
    /// `drop-first`. On error nothing changes.
    pub fn apply_one(&mut self, item: &str) -> Result<(), String> {
        if item.contains(',') {
            return Err("one fault at a time".into());
        }
        let mut config = self.config.clone();
        config.apply_spec(item)?;
        let name = item
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .replace('_', "-");
        match name.as_str() {
            "none" => *self = FaultState::new(config.clone()),
            "drop-first" => self.drops_left = config.drop_first,
            "postback-fail" => self.postback_fails_left = config.postback_fail,
            "lose-replies" => self.lost_replies_left = config.lose_replies,
            "tamper" => self.tampers_left = config.tamper,
            "lose-notifications" => {
                self.lost_payments_left = config.lose_notifications;
                // The payments already chosen stop losing theirs too, as with a JSON replace.
                self.losing.clear();
            }
            _ => {}
        }
        self.config = config;
        Ok(())
    }

    /// Whether the notifications of `gateway`'s payment `order` are lost: those of a payment
    /// already chosen, or of the next one while `lose_notifications` counts down. A payment
    /// is chosen whole, so its later notifications (PayPal's `Completed` after `Pending`,
    /// Bitpay's `confirmed` after `paid`) are lost too.
    pub fn take_lost_notification(&mut self, gateway: &'static str, order: &str) -> bool {
        let key = (gateway, order.to_string());
        if self.losing.contains(&key) {
            return true;
        }
        if take(&mut self.lost_payments_left) {
            self.losing.insert(key);
            return true;
        }
        false
    }

    /// Whether this operation's reply is to be lost (counts it down).
    pub fn take_lost_reply(&mut self) -> bool {
        take(&mut self.lost_replies_left)
    }

    /// Whether this signed webhook attempt is to carry a tampered body (counts it down).
    pub fn take_tamper(&mut self) -> bool {
        take(&mut self.tampers_left)
    }

    /// Whether this delivery attempt is to be dropped (counts it down).
    pub fn take_drop(&mut self) -> bool {
        take(&mut self.drops_left)
    }

    /// Whether this post-back is to fail with 500 (counts it down).
    pub fn take_postback_fail(&mut self) -> bool {
        take(&mut self.postback_fails_left)
    }
}

fn take(n: &mut u32) -> bool {
    if *n > 0 {
        *n -= 1;
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_cli_syntax() {
        let f = Faults::parse("delay=2s,drop-first=1,duplicate=2,reorder,postback-fail=1").unwrap();
        assert_eq!(
            f,
            Faults {
                delay_ms: 2000,
                drop_first: 1,
                duplicate: 2,
                reorder: true,
                postback_fail: 1,
                ..Faults::default()
            }
        );
        let lose = Faults::parse("lose-notifications=2,lose_replies=3").unwrap();
        assert_eq!((lose.lose_notifications, lose.lose_replies), (2, 3));
        assert_eq!(Faults::parse("tamper=2").unwrap().tamper, 2);
        assert!(Faults::parse("tamper=1001").is_err());
        assert_eq!(Faults::parse("delay=250ms").unwrap().delay_ms, 250);
        assert_eq!(Faults::parse("reorder=false").unwrap(), Faults::default());
        assert_eq!(
            Faults::parse("duplicate=3,none").unwrap(),
            Faults::default()
        );
        for bad in [
            "delay=2",
            "delay",
            "drop-first=x",
            "explode",
            "duplicate=99",
            "delay=11m",
            "lose-notifications=1001",
            "lose-replies",
            "lose-replies=-1",
        ] {
            assert!(Faults::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_shape() {
        let f: Faults = serde_json::from_str(r#"{"drop-first": 2, "reorder": true}"#).unwrap();
        assert_eq!((f.drop_first, f.reorder), (2, true));
        assert!(serde_json::from_str::<Faults>(r#"{"dorp_first": 2}"#).is_err());
        let mut s = FaultState::new(f);
        assert!(s.take_drop() && s.take_drop() && !s.take_drop());
        let f: Faults =
            serde_json::from_str(r#"{"lose-notifications": 1, "lose_replies": 1}"#).unwrap();
        assert!(
            serde_json::from_str::<Faults>(r#"{"lose_replies": 1001}"#)
                .is_ok_and(|f| f.validate().is_err())
        );
        let mut s = FaultState::new(f);
        assert!(s.take_lost_reply() && !s.take_lost_reply());
    }

    #[test]
    fn a_lost_payment_loses_all_its_notifications() {
        let mut s = FaultState::new(Faults::parse("lose-notifications=1").unwrap());
        assert!(s.take_lost_notification("paypal", "A-1"));
        assert!(
            s.take_lost_notification("paypal", "A-1"),
            "its second IPN too"
        );
        assert!(
            !s.take_lost_notification("bitpay", "A-1"),
            "another payment"
        );
        assert!(!s.take_lost_notification("paypal", "A-2"));
        assert!(s.take_lost_notification("paypal", "A-1"));
    }

    #[test]
    fn one_switch_at_a_time_keeps_the_other_counters() {
        let mut s = FaultState::new(Faults::parse("drop-first=2,lose-notifications=1").unwrap());
        assert!(s.take_drop() && s.take_lost_notification("paypal", "A-1"));
        s.apply_one("delay=250ms").unwrap();
        assert_eq!((s.config.delay_ms, s.drops_left), (250, 1));
        s.apply_one("drop-first=3").unwrap();
        assert_eq!((s.config.drop_first, s.drops_left), (3, 3));
        s.apply_one("lose-notifications=0").unwrap();
        assert!(!s.take_lost_notification("paypal", "A-1"), "forgotten");
        for bad in [
            "duplicate=99",
            "explode=1",
            "delay=1s,reorder",
            "drop-first=x",
        ] {
            assert!(s.apply_one(bad).is_err(), "{bad}");
        }
        assert_eq!((s.config.delay_ms, s.config.duplicate), (250, 0));
        s.apply_one("none").unwrap();
        assert_eq!((s.config.clone(), s.drops_left), (Faults::default(), 0));
    }
}
