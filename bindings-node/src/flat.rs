//! Flat text across the boundary for the hot paths: a value's strings joined by `SEP`, one
//! `JSON.parse`-free `split` on the JavaScript side (`lib/flat.js`), which rebuilds the exact
//! object the JSON path would give (tests compare the two).
//!
//! Measured 2026-12-06: a Redsys notification as JSON costs `to_json` plus `JSON.parse` plus
//! the minor-units walk; as flat text, a string write and a `split`. A value holding `SEP` or
//! `NONE` cannot be written flat: the writer then gives `None` and the caller uses JSON.

/// Between two values.
pub(crate) const SEP: char = '\0';
/// An absent optional (`null` in the JSON shape), alone between two separators.
pub(crate) const NONE: char = '\u{1}';

/// Appends values, separated by [`SEP`]; refuses (from then on) any value holding `SEP` or
/// [`NONE`].
pub(crate) struct Flat {
    out: String,
    first: bool,
    ok: bool,
}

impl Flat {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Flat {
            out: String::with_capacity(capacity),
            first: true,
            ok: true,
        }
    }

    fn sep(&mut self) {
        if !self.first {
            self.out.push(SEP);
        }
        self.first = false;
    }

    /// One string value.
    pub(crate) fn str(&mut self, value: &str) {
        // SEP and NONE are the bytes 0 and 1; a fold over the bytes, not `contains`, which walks
        // chars (measured: 6% of a checkout).
        if value.bytes().fold(false, |seen, b| seen | (b <= 1)) {
            self.ok = false;
        }
        self.sep();
        self.out.push_str(value);
    }

    /// An optional string: [`NONE`] when absent.
    pub(crate) fn opt(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.str(v),
            None => {
                self.sep();
                self.out.push(NONE);
            }
        }
    }

    /// A value written by `Display` (integers, currency codes).
    pub(crate) fn display(&mut self, value: impl std::fmt::Display) {
        use std::fmt::Write;
        let start = self.out.len() + usize::from(!self.first);
        self.sep();
        let _ = write!(self.out, "{value}");
        if self.out.as_bytes()[start..].iter().any(|&b| b <= 1) {
            self.ok = false;
        }
    }

    /// `(name, value)` pairs, flattened.
    pub(crate) fn pairs(&mut self, pairs: &[(String, String)]) {
        for (k, v) in pairs {
            self.str(k);
            self.str(v);
        }
    }

    /// The text, or `None` if a value could not be written flat.
    pub(crate) fn finish(self) -> Option<String> {
        self.ok.then_some(self.out)
    }
}

/// A redirect form: `action`, `method`, then the fields' names and values.
pub(crate) fn redirect_form(form: &vpos_core::RedirectForm) -> Option<String> {
    let mut f = Flat::with_capacity(
        64 + form
            .fields
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>(),
    );
    f.str(&form.action);
    f.str(form.method.as_str());
    f.pairs(&form.fields);
    f.finish()
}
