//! The native side of `make bench`'s wasm-versus-native comparison (scripts/bench.mjs runs
//! both, side by side): FloCash parse + post-back verify, or Redsys parse + signature verify,
//! with vpos-core compiled for the host.
//!
//! Usage: `native_bench <seconds> <notification body> [flocash|redsys]`; prints
//! `<calls> <elapsed ns>`. The Redsys terminal is the public sandbox one (key
//! `sq7HjrUOBfKmC576ILgskD5srU870gJ7`), as in scripts/bench.mjs.

use std::time::{Duration, Instant};

use vpos_core::Reply;
use vpos_core::gateways::flocash::{self, Config};
use vpos_core::gateways::redsys;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().ok_or("seconds")?.parse()?;
    let body = args.next().ok_or("notification body")?;
    if args.next().as_deref() == Some("redsys") {
        return redsys_bench(seconds, &body);
    }
    let config: Config = serde_json::from_str(
        r#"{"merchant":"sales@demoshop.com","merchant_name":"Demo Shop",
            "checkout_url":"https://fcms.flocash.com/ecom/ecommerce.do",
            "base_url":"https://fcms.flocash.com","notification_token":"a-long-random-token"}"#,
    )?;
    let reply = Reply::Response {
        status: 200,
        body: b"VERIFIED".to_vec(),
    };
    let content_type = "application/x-www-form-urlencoded";
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut calls: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..100 {
            let unverified = flocash::parse_notification(&config, content_type, body.as_bytes())?;
            let verified = flocash::verify_postback(&config, unverified, &reply)?;
            std::hint::black_box(verified);
        }
        calls += 100;
    }
    println!("{calls} {}", start.elapsed().as_nanos());
    Ok(())
}

fn redsys_bench(seconds: f64, body: &str) -> Result<(), Box<dyn std::error::Error>> {
    let config: redsys::Config = serde_json::from_str(
        r#"{"merchant_code":"999008881","terminal":"1",
            "secret_key":"sq7HjrUOBfKmC576ILgskD5srU870gJ7",
            "checkout_url":"https://sis-t.redsys.es:25443/sis/realizarPago"}"#,
    )?;
    let content_type = "application/x-www-form-urlencoded";
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut calls: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..100 {
            let unverified = redsys::parse_notification(&config, content_type, body.as_bytes())?;
            let verified = redsys::verify(&config, unverified)?;
            std::hint::black_box(verified);
        }
        calls += 100;
    }
    println!("{calls} {}", start.elapsed().as_nanos());
    Ok(())
}
