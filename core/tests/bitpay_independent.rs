//! vpos's Bitpay merchant-facade signatures and SINs, checked by implementations vpos does not
//! use: libsecp256k1 (the `secp256k1` crate's C library) for ECDSA, `bitcoin_hashes` for
//! SHA-256 and RIPEMD-160, `bs58` for base58; and against the values BitPay's own key
//! utilities publish (docs/bitpay.md lists them).

use bitcoin_hashes::{ripemd160, sha256};
use secp256k1::{Message, PublicKey, SecretKey, ecdsa};
use vpos_core::Secret;
use vpos_core::gateways::bitpay::{self, MerchantKey};

/// (private key, compressed public key, SIN): the first from the README of BitPay's Ruby
/// key-utils gem (`bitpay-key-utils`), the second from BitPay's Python client key-utils test
/// (`test_sin_from_pem`, the same key as the Perl `Business::OnlinePayment::BitPay` tests).
const PUBLISHED: [(&str, &str, &str); 2] = [
    (
        "5d8782152754afcc6e44becbc3c63a8569b30ba722058777c193cd6bc8f7b7bf",
        "02034273e1475825926e828c549f59383d5a0b28e52eb374e446ad31aa81e464be",
        "TfEKWr2FcX2XnWxUNPJ3iD5Xe6X5frZb1DG",
    ),
    (
        "283b13834de77624696b80c29a2a8df0287e3cca23b26ad5fe77d9d5fed0ee90",
        "038d970d6ba29dcfa190c177140fd889fadd6d2590b1ee1a6a06e255dbf22b4017",
        "TeyN4LPrXiG5t2yuSamKqP3ynVk3F52iHrX",
    ),
];

/// The same key as the Python client's test, as the PEM it gives (SEC1 `EC PRIVATE KEY`).
const PYTHON_TEST_PEM: &str = "-----BEGIN EC PRIVATE KEY-----\nMHQCAQEEICg7E4NN53YkaWuAwpoqjfAofjzKI7Jq1f532dX+0O6QoAcGBSuBBAAK\noUQDQgAEjZcNa6Kdz6GQwXcUD9iJ+t1tJZCx7hpqBuJV2/IrQBfue8jh8H7Q/4vX\nfAArmNMaGotTpjdnymWlMfszzXJhlw==\n-----END EC PRIVATE KEY-----\n";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn secret(hex_key: &str) -> SecretKey {
    SecretKey::from_secret_bytes(unhex(hex_key).try_into().unwrap()).unwrap()
}

/// The SIN by the independent pieces: 0x0F 0x02 + RIPEMD-160(SHA-256(key)), 4 bytes of
/// SHA-256d as checksum, base58.
fn independent_sin(compressed: &[u8]) -> String {
    let mut payload = vec![0x0f, 0x02];
    let inner = sha256::Hash::hash(compressed).to_byte_array();
    payload.extend_from_slice(&ripemd160::Hash::hash(&inner).to_byte_array());
    let once = sha256::Hash::hash(&payload).to_byte_array();
    let twice = sha256::Hash::hash(&once).to_byte_array();
    payload.extend_from_slice(&twice[..4]);
    bs58::encode(payload).into_string()
}

fn digest(message: &str) -> Message {
    Message::from_digest(sha256::Hash::hash(message.as_bytes()).to_byte_array())
}

#[test]
fn identities_and_sins_match_bitpays_published_values_and_libsecp256k1() {
    for (private, public, sin) in PUBLISHED {
        let key = MerchantKey::from_secret(&Secret::new(private)).unwrap();
        let theirs = PublicKey::from_secret_key(&secret(private)).serialize();
        assert_eq!(key.identity(), hex(&theirs));
        assert_eq!(key.identity(), public);
        assert_eq!(independent_sin(&theirs), sin);
        assert_eq!(key.sin(), sin);
        assert_eq!(bitpay::sin_from_public_key(public).unwrap(), sin);
    }
    let pem = MerchantKey::from_secret(&Secret::new(PYTHON_TEST_PEM)).unwrap();
    assert_eq!(pem.sin(), PUBLISHED[1].2);
}

#[test]
fn vpos_signatures_verify_with_libsecp256k1_and_are_its_rfc6979_signatures() {
    let messages = [
        "https://test.bitpay.com/invoices/G3viJEJgE8Jk2oekSdgT2A?token=MerchT0ken".to_string(),
        r#"https://test.bitpay.com/refunds{"token":"MerchT0ken","invoiceId":"G3viJEJgE8Jk2oekSdgT2A","amount":2.50}"#.into(),
        "message".into(),
        String::new(),
        "€ unicode body ✓".repeat(40),
    ];
    for (private, public, _) in PUBLISHED {
        let key = MerchantKey::from_secret(&Secret::new(private)).unwrap();
        let pk = PublicKey::from_slice(&unhex(public)).unwrap();
        for message in &messages {
            let ours = key.sign(message);
            let sig = ecdsa::Signature::from_der(&unhex(&ours)).expect("DER");
            ecdsa::verify(&sig, digest(message), &pk).expect("libsecp256k1 verifies vpos");
            // libsecp256k1 signs with RFC 6979 and low s too: the very same bytes.
            let theirs = ecdsa::sign(digest(message), &secret(private));
            assert_eq!(ours, hex(&theirs.serialize_der()));
            // And vpos verifies what libsecp256k1 signed.
            bitpay::verify_signature(public, message, &hex(&theirs.serialize_der())).unwrap();
            // Another message: libsecp256k1 refuses vpos's signature.
            assert!(ecdsa::verify(&sig, digest(&format!("{message}x")), &pk).is_err());
        }
    }
}

#[test]
fn the_signature_bitpays_ruby_readme_publishes_verifies() {
    // BitPay::KeyUtils.sign "this message", priv (ECDSA over SHA-256; random nonce).
    let published = "304402207b6d2d59f0e2061519c47744fcdff87e8136f0086aa4b94bd667d62221dfbcb802201a0ce7929eed614ff71972879cd0b31813c9ad7ed0e7bbde4590e9a836007db6";
    let (_, public, _) = PUBLISHED[0];
    bitpay::verify_signature(public, "this message", published).unwrap();
    let pk = PublicKey::from_slice(&unhex(public)).unwrap();
    let sig = ecdsa::Signature::from_der(&unhex(published)).unwrap();
    ecdsa::verify(&sig, digest("this message"), &pk).unwrap();
    // Tampered: one byte of the message, of r, or another key.
    assert!(bitpay::verify_signature(public, "this messagE", published).is_err());
    let mut flipped = published.to_string();
    flipped.replace_range(20..21, "8");
    assert!(bitpay::verify_signature(public, "this message", &flipped).is_err());
    assert!(bitpay::verify_signature(PUBLISHED[1].1, "this message", published).is_err());
}

#[test]
fn a_signed_refund_request_verifies_with_libsecp256k1() {
    let config: bitpay::Config = serde_json::from_value(serde_json::json!({"token": "PosT0ken",
        "private_key": PYTHON_TEST_PEM, "merchant_token": "MerchT0ken",
        "api_url": "https://test.bitpay.com", "invoice_url": "https://test.bitpay.com/invoice"}))
    .unwrap();
    let eur = vpos_core::Currency::from_code("EUR").unwrap();
    let request = bitpay::refund_request(
        &config,
        &bitpay::RefundRequest {
            invoice_id: "G3viJEJgE8Jk2oekSdgT2A".into(),
            amount: vpos_core::Amount::parse("10.00", eur).unwrap(),
            reference: "A-1".into(),
            guid: "op-1".into(),
        },
    )
    .unwrap();
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(header("X-Identity"), PUBLISHED[1].1);
    let pk = PublicKey::from_slice(&unhex(&header("X-Identity"))).unwrap();
    let sig = ecdsa::Signature::from_der(&unhex(&header("X-Signature"))).unwrap();
    let signed = format!("{}{}", request.url, request.body);
    ecdsa::verify(&sig, digest(&signed), &pk).unwrap();
}

/// Every signature the shared vectors expect (tests/vectors/bitpay/v2.json, and the refund
/// fetches of refund_notifications.json) is one that libsecp256k1 accepts for that key and
/// message: the vectors are not vpos grading itself.
#[test]
fn every_signature_in_the_shared_vectors_verifies_with_libsecp256k1() {
    assert!(signatures_in("v2.json") >= 5);
    assert!(signatures_in("refund_notifications.json") >= 3);
}

fn signatures_in(name: &str) -> usize {
    let path = format!(
        "{}/../tests/vectors/bitpay/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut checked = 0;
    for case in file["cases"].as_array().unwrap() {
        let (input, expect) = (&case["input"], &case["expect"]);
        let (identity, message, signature) = match case["operation"].as_str().unwrap() {
            "bitpay.key" if expect.get("signature").is_some() => (
                expect["identity"].as_str().unwrap().to_string(),
                input["message"].as_str().unwrap().to_string(),
                expect["signature"].as_str().unwrap().to_string(),
            ),
            "bitpay.handle" | "bitpay.refund" | "driver.notification" => {
                let request = expect.get("fetch").or_else(|| expect.get("request"));
                let Some(request) = request.filter(|r| r.get("headers").is_some()) else {
                    continue;
                };
                let header = |name: &str| {
                    request["headers"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|h| h[0] == name)
                        .map(|h| h[1].as_str().unwrap().to_string())
                };
                let (Some(identity), Some(signature)) =
                    (header("X-Identity"), header("X-Signature"))
                else {
                    continue;
                };
                let body = request["body"].as_str().unwrap_or("");
                let url = request["url"].as_str().unwrap();
                (identity, format!("{url}{body}"), signature)
            }
            _ => continue,
        };
        let pk = PublicKey::from_slice(&unhex(&identity)).unwrap();
        let sig = ecdsa::Signature::from_der(&unhex(&signature)).unwrap();
        ecdsa::verify(&sig, digest(&message), &pk)
            .unwrap_or_else(|e| panic!("{}: {e}", case["description"]));
        checked += 1;
    }
    checked
}
