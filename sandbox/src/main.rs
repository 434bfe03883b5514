//! `hostedpay-sandbox`: runs the gateway emulator until Ctrl-C or SIGTERM.

use std::io::Write as _;
use std::process::ExitCode;

use vpos_sandbox::cli::{self, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run(options)) => *options,
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("hostedpay-sandbox {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("hostedpay-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let faults = options.faults.to_spec();
    let time_scale = options.time_scale;
    let paypal_webhooks = options
        .config
        .paypal_rest
        .webhook_url
        .clone()
        .unwrap_or_else(|| "(none: --paypal-webhook-url)".into());
    let sandbox = match vpos_sandbox::start(options).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hostedpay-sandbox: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = sandbox.url();
    // The first line is a contract: tests and `make demo` read the address from it.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "hostedpay-sandbox listening on {url}");
    let _ = writeln!(
        out,
        "  FloCash  checkout_url {url}/ecom/ecommerce.do  base_url {url}"
    );
    let _ = writeln!(
        out,
        "  Redsys   checkout_url {url}/sis/realizarPago  rest_url {url}/sis/rest/trataPeticionREST"
    );
    let _ = writeln!(
        out,
        "           query_url {url}/apl02/services/SerClsWSConsulta"
    );
    let _ = writeln!(
        out,
        "  CECA     checkout_url {url}/tpvweb/tpv/compra.action"
    );
    let _ = writeln!(
        out,
        "  PayPal   checkout_url and ipn_url {url}/cgi-bin/webscr  nvp.api_url {url}/nvp"
    );
    let _ = writeln!(
        out,
        "  Elavon   checkout_url {url}/pay  remote_url {url}/remote"
    );
    let _ = writeln!(
        out,
        "  Bitpay   api_url {url}/invoices  invoice_url {url}/invoice"
    );
    let _ = writeln!(
        out,
        "  PayPal REST api_base {url}  webhooks to {paypal_webhooks}"
    );
    let _ = writeln!(
        out,
        "  events   {url}/_sandbox/  time scale {time_scale}x  faults {faults}"
    );
    let _ = out.flush();
    drop(out);
    if !sandbox.addr().ip().is_loopback() {
        eprintln!(
            "hostedpay-sandbox: warning: listening on {}, not loopback; anyone who can reach it can fake payments to your shop",
            sandbox.addr()
        );
    }
    wait_for_stop().await;
    match sandbox.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hostedpay-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
