//! The FloCash flow end to end, with the host's I/O played by this program: build the checkout
//! form, receive a notification, post it back (the reply is canned here), apply it, answer.
//!
//! Run with `make demo` or `cargo run -p vpos-core --example flocash_flow`.

use vpos_core::gateways::flocash::{self, Config, Order};
use vpos_core::{Amount, Currency, PaymentSnapshot, PaymentStatus, Reply, transition};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config: Config = serde_json::from_str(
        r#"{
            "merchant": "sales@demoshop.com",
            "merchant_name": "Demo Shop",
            "checkout_url": "https://fcms.flocash.com/ecom/ecommerce.do",
            "base_url": "https://fcms.flocash.com",
            "notification_token": "change-me-to-a-long-random-token",
            "return_url": "https://shop.example/thanks"
        }"#,
    )?;
    config.validate()?;
    println!("config (secrets redacted): {config:?}\n");

    // 1. The shop creates a payment and renders the redirect form.
    let kes = Currency::from_code("KES")?;
    let mut order = Order::new(
        "AT000001",
        "C0000001",
        "Call Credit",
        Amount::parse("250", kes)?,
        2,
    )?;
    order.customer.first_name = Some("Joan".into());
    order.customer.mobile = Some("+254 700 000 000".into());
    let form = flocash::checkout(&config, &order)?;
    println!(
        "1. checkout form for {}:\n{}",
        order.total()?,
        form.to_html(true)
    );

    // 2. FloCash posts a notification to https://shop.example/vpos/flocash/<token>/.
    let token = "change-me-to-a-long-random-token";
    config.check_token(token)?;
    let body = b"merchant=sales%40demoshop.com&order_id=AT000001&amount=500.00&currency_code=KES\
                 &item_name=Call+Credit&item_price=250.00&quantity=2&trans_id=FLOEC1&fpn_id=T1\
                 &status=0000&status_msg=Payment+is+successful.&payment_channel=Mobile";
    let unverified =
        flocash::parse_notification(&config, "application/x-www-form-urlencoded", body)?;
    println!(
        "2. notification for order {} ({} bytes stored raw)",
        unverified.untrusted().order_id,
        body.len()
    );

    // 3. The host posts it back; here the reply is canned.
    let request = flocash::postback_request(&config, &unverified);
    println!(
        "3. post-back: {} {}\n   {}",
        request.method.as_str(),
        request.url,
        request.body
    );
    let reply = Reply::Response {
        status: 200,
        body: b"VERIFIED".to_vec(),
    };
    let verified = flocash::verify_postback(&config, unverified, &reply)?;

    // 4. Under a row lock, the host applies the transition and stores the event key.
    let mut payment = PaymentSnapshot {
        gateway: vpos_core::gateways::Gateway::Flocash,
        merchant: config.merchant.clone(),
        order_id: order.order_id.clone(),
        amount: order.total()?,
        status: PaymentStatus::New,
        live: true,
        refunded_minor: 0,
        captured_minor: None,
        released_minor: 0,
        multiple_captures: false,
        applied_event_keys: vec![],
    };
    let event = verified.event();
    let outcome = transition(&payment, &event);
    println!("4. {}", serde_json::to_string(&outcome)?);
    let answer = flocash::acknowledge(&outcome);
    println!(
        "5. answer to FloCash: HTTP {} {:?}",
        answer.status, answer.body
    );

    // FloCash delivers again (it retries until it sees `00`): nothing changes twice.
    payment.status = outcome.new_status().unwrap_or(payment.status);
    payment.applied_event_keys.push(event.key().to_string());
    let again = transition(&payment, &event);
    println!("6. redelivery: {}", serde_json::to_string(&again)?);
    println!(
        "\nThe sandbox and demo shop arrive with their own issue; this is the core on its own."
    );
    Ok(())
}
