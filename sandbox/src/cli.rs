//! Command-line flags (hand-rolled: five flags do not need a parser crate).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::Options;
use crate::config::Config;
use crate::faults::Faults;

/// `--help` text.
pub const USAGE: &str = "\
hostedpay-sandbox: a local emulator of the payment gateways vpos speaks (FloCash, Redsys, CECA,
PayPal, Santander Elavon, Bitpay)

USAGE:
    hostedpay-sandbox [--listen ADDR] [--time-scale N] [--config FILE] [--fault SPEC]...
                 [--seed N] [--deliver-anywhere] [--paypal-webhook-url URL]

OPTIONS:
    --listen ADDR     where to listen (default 127.0.0.1:8700; port 0 picks a free port).
                      The first line on stdout is `hostedpay-sandbox listening on http://ADDR`.
    --time-scale N    gateway time runs N times faster: FloCash's hourly retries come every
                      3600/N seconds, PayPal's and Bitpay's retries, pending payments and
                      Bitpay confirmations come N times sooner (default 1)
    --config FILE     JSON merchant settings (see sandbox/README.md); defaults are the public
                      test values (Redsys merchant 999008881, terminal 1; CECA 111950028;
                      Elavon thestore/internet)
    --fault SPEC      fault injection, e.g. delay=2s,drop-first=1,duplicate=2,reorder,postback-fail=1,
                      lose-notifications=1 (a payment's notifications never sent),
                      lose-replies=1 (an operation carried out, its reply a 504),
                      tamper=1 (a signed webhook's body changed after signing)
    --seed N          seed the id generator (reproducible ids and codes)
    --deliver-anywhere
                      send notifications to any host; by default only to this machine
                      (localhost, 127.0.0.0/8, ::1), so a stray URL never leaves it
    --paypal-webhook-url URL
                      where PayPal REST webhooks go (overrides paypal_rest.webhook_url of
                      --config); without it and without the config key none are sent
    -h, --help        this text
    -V, --version     the version
";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Run the sandbox.
    Run(Box<Options>),
    /// Print [`USAGE`].
    Help,
    /// Print the version.
    Version,
}

/// Largest `--time-scale` accepted (an hour becomes 3.6 ms).
pub const MAX_TIME_SCALE: f64 = 1_000_000.0;

/// Parses the arguments after the program name.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut options = Options::default();
    let mut config_path: Option<PathBuf> = None;
    let mut paypal_webhook_url: Option<String> = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--listen" => {
                let v = value()?;
                options.listen = v.parse::<SocketAddr>().map_err(|_| {
                    format!("--listen {v:?} is not an address such as 127.0.0.1:8700")
                })?;
            }
            "--time-scale" => {
                let v = value()?;
                options.time_scale = v
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && *n > 0.0 && *n <= MAX_TIME_SCALE)
                    .ok_or_else(|| {
                        format!("--time-scale {v:?} must be a number above 0 and at most {MAX_TIME_SCALE}")
                    })?;
            }
            "--config" => config_path = Some(PathBuf::from(value()?)),
            "--fault" => {
                let v = value()?;
                options
                    .faults
                    .apply_spec(&v)
                    .map_err(|e| format!("--fault: {e}"))?;
            }
            "--deliver-anywhere" => options.deliver_anywhere = true,
            "--paypal-webhook-url" => paypal_webhook_url = Some(value()?),
            "--seed" => {
                let v = value()?;
                options.seed = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--seed {v:?} is not a whole number"))?,
                );
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    if let Some(path) = config_path {
        options.config = Config::load(&path)?;
    }
    if let Some(url) = paypal_webhook_url {
        options.config.paypal_rest.webhook_url = Some(url);
        options
            .config
            .validate()
            .map_err(|e| format!("--paypal-webhook-url: {e}"))?;
    }
    Ok(Command::Run(Box::new(options)))
}

impl Faults {
    /// `--fault` for this set (for the start-up banner).
    pub fn to_spec(&self) -> String {
        let mut parts = Vec::new();
        if self.delay_ms > 0 {
            parts.push(format!("delay={}ms", self.delay_ms));
        }
        if self.drop_first > 0 {
            parts.push(format!("drop-first={}", self.drop_first));
        }
        if self.duplicate > 1 {
            parts.push(format!("duplicate={}", self.duplicate));
        }
        if self.reorder {
            parts.push("reorder".into());
        }
        if self.postback_fail > 0 {
            parts.push(format!("postback-fail={}", self.postback_fail));
        }
        if self.lose_notifications > 0 {
            parts.push(format!("lose-notifications={}", self.lose_notifications));
        }
        if self.lose_replies > 0 {
            parts.push(format!("lose-replies={}", self.lose_replies));
        }
        if self.tamper > 0 {
            parts.push(format!("tamper={}", self.tamper));
        }
        if parts.is_empty() {
            "none".into()
        } else {
            parts.join(",")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(o) => Ok(*o),
            other => Err(format!("{other:?}")),
        }
    }

    #[test]
    fn defaults() {
        let o = run(&[]).unwrap();
        assert_eq!(o.listen.to_string(), "127.0.0.1:8700");
        assert_eq!(o.time_scale, 1.0);
        assert_eq!(o.faults, Faults::default());
    }

    #[test]
    fn flags_both_ways() {
        let o = run(&[
            "--listen",
            "127.0.0.1:0",
            "--time-scale=3600",
            "--fault",
            "drop-first=1",
            "--fault=reorder",
            "--seed",
            "7",
        ])
        .unwrap();
        assert_eq!(o.listen.port(), 0);
        assert_eq!(o.time_scale, 3600.0);
        assert!(o.faults.reorder && o.faults.drop_first == 1);
        assert_eq!(o.faults.to_spec(), "drop-first=1,reorder");
        let lose = run(&["--fault", "lose-notifications=2,lose-replies=1"]).unwrap();
        assert_eq!(lose.faults.to_spec(), "lose-notifications=2,lose-replies=1");
        assert_eq!(o.seed, Some(7));
        let hook = run(&["--paypal-webhook-url", "http://127.0.0.1:8000/hook"]).unwrap();
        assert_eq!(
            hook.config.paypal_rest.webhook_url.as_deref(),
            Some("http://127.0.0.1:8000/hook")
        );
    }

    #[test]
    fn refusals() {
        for bad in [
            &["--listen", "localhost"][..],
            &["--time-scale", "0"],
            &["--time-scale", "NaN"],
            &["--fault", "nope"],
            &["--listen"],
            &["--bogus"],
            &["--config", "/nonexistent/hostedpay-sandbox.json"],
            &["--paypal-webhook-url", "ftp://127.0.0.1/hook"],
        ] {
            assert!(run(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(
            parse(["--help".to_string()]).unwrap(),
            Command::Help
        ));
    }
}
