//! Parsed-but-unproven versus proven: the type says whether authenticity was checked.

use std::ops::Deref;

/// A message parsed from the outside world whose authenticity has not been checked yet.
///
/// Its fields can be read with [`Unverified::untrusted`] (to find the stored payment and lock
/// its row, say) but it cannot drive a state transition: only a gateway's `verify` or
/// `verify_postback` turns it into a [`Verified`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unverified<T>(pub(crate) T);

impl<T> Unverified<T> {
    /// The parsed message, to be read with suspicion.
    pub fn untrusted(&self) -> &T {
        &self.0
    }
}

/// A message whose authenticity the gateway's scheme has proven (signature, post-back).
/// "Verified" says nothing about whether the payment succeeded: a properly signed decline is
/// `Verified` with a failed status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T>(pub(crate) T);

impl<T> Verified<T> {
    /// The message.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Verified<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
