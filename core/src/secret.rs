//! Secrets: never printed, compared in constant time.

use std::fmt;

use subtle::ConstantTimeEq;

/// A secret string (a notification token, a signing key, an API password).
///
/// `Debug` and `Display` print `Secret(***)`; serialising writes `"***"`, so a config dumped to
/// a log or a `repr` never leaks. Comparison is constant-time in the secret's contents.
///
/// ```
/// use vpos_core::Secret;
/// let s = Secret::new("test-test-test");
/// assert_eq!(format!("{s:?}"), "Secret(***)");
/// assert!(s.matches("test-test-test"));
/// assert!(!s.matches("test-test-tesT"));
/// ```
#[derive(Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the code that must use it (signing, the URL path it guards).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time equality with a presented value. Length differences return early, which
    /// reveals only the length, never the contents.
    pub fn matches(&self, presented: &str) -> bool {
        self.0.as_bytes().ct_eq(presented.as_bytes()).into()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}
