//! The one deserializer host values go through ([`super::from_value`]): serde_json's own
//! `&Value` deserializer, rewritten so that it also remembers where a failure happened.
//!
//! It replaces `serde_path_to_error` wrapped around serde_json's deserializer. Both layers were
//! generic over every visitor, so each target type (configuration, order, operation, query,
//! payment) was instantiated twice over; in the wasm edge modules `serde_path_to_error` alone
//! was 13–19 % of the code (docs/performance.md, "The wasm modules' size"). Here one layer
//! reads the value and keeps the path on the stack (a linked list of borrowed keys, no
//! allocation); the path is written out only when an error passes, at the innermost place it
//! passes, which is the rule `serde_path_to_error` follows: a map value's path ends with its
//! key, a sequence element's with its index, an enum's content with its variant; a key that
//! fails (an unknown field) ends with that key; an error a visitor raises after reading its
//! entries (a missing field) is at the visitor's own path.
//!
//! Every read is what `impl Deserializer for &serde_json::Value` does (same visits, same
//! errors and messages), so a value reads the same with or without the path, with one
//! exception: a struct is read from an object only. serde_json also takes an array of its
//! fields in order (`["A1", …]` for `{"order_id": "A1", …}`), which no binding documents; here
//! it is `invalid type: sequence, expected an object (struct Order)`, and no struct's
//! `visit_seq` is linked (7.9 KB gzipped of the FloCash wasm module).

use std::cell::Cell;

use serde::de::{
    self, DeserializeSeed, EnumAccess, Error as _, MapAccess, SeqAccess, Unexpected, VariantAccess,
    Visitor, value::BorrowedStrDeserializer,
};
use serde_json::{Error, Map, Value};

/// Where a value sits: its parent and its key (a map key or an enum variant) or index.
#[derive(Clone, Copy)]
enum Chain<'a> {
    Root,
    Key { parent: &'a Chain<'a>, key: &'a str },
    Index { parent: &'a Chain<'a>, index: usize },
}

impl Chain<'_> {
    fn segments(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = self;
        loop {
            match *at {
                Chain::Root => break,
                Chain::Key { parent, key } => {
                    out.push(key.to_string());
                    at = parent;
                }
                Chain::Index { parent, index } => {
                    out.push(index.to_string());
                    at = parent;
                }
            }
        }
        out.reverse();
        out
    }
}

/// The path of the first (innermost) place an error passed.
#[derive(Default)]
pub(super) struct Track(Cell<Option<Vec<String>>>);

impl Track {
    #[cold]
    #[inline(never)]
    fn trigger(&self, chain: &Chain<'_>) {
        let path = self.0.take().unwrap_or_else(|| chain.segments());
        self.0.set(Some(path));
    }

    /// The path's segments (empty: the value itself).
    pub(super) fn path(self) -> Vec<String> {
        self.0.into_inner().unwrap_or_default()
    }
}

/// Reads `value` as `T`; on failure `track` holds the path.
pub(super) fn deserialize<T: de::DeserializeOwned>(
    value: &Value,
    track: &Track,
) -> Result<T, Error> {
    T::deserialize(De {
        value,
        chain: &Chain::Root,
        track,
    })
}

#[derive(Clone, Copy)]
struct De<'a, 'de> {
    value: &'de Value,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

/// What serde's messages call a value (`Value::unexpected` in serde_json).
#[cold]
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// What a struct expects instead of an array: `an object (struct Order)`.
struct Object(&'static str);

impl de::Expected for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an object (struct {})", self.0)
    }
}

impl<'a, 'de> De<'a, 'de> {
    /// `result`, noting the path when it is an error.
    #[inline]
    fn done<T>(self, result: Result<T, Error>) -> Result<T, Error> {
        if result.is_err() {
            self.track.trigger(self.chain);
        }
        result
    }

    fn invalid<V: Visitor<'de>>(self, visitor: &V) -> Error {
        Error::invalid_type(unexpected(self.value), visitor)
    }

    fn any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => de::Deserializer::deserialize_any(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.seq(items, visitor),
            Value::Object(map) => self.map(map, visitor),
        }
    }

    fn number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Number(n) => de::Deserializer::deserialize_any(n, visitor),
            _ => Err(self.invalid(&visitor)),
        };
        self.done(result)
    }

    fn seq<V: Visitor<'de>>(self, items: &'de [Value], visitor: V) -> Result<V::Value, Error> {
        let mut access = Seq {
            items: items.iter(),
            index: 0,
            chain: self.chain,
            track: self.track,
        };
        let value = visitor.visit_seq(&mut access)?;
        if access.items.len() == 0 {
            Ok(value)
        } else {
            Err(Error::invalid_length(
                items.len(),
                &"fewer elements in array",
            ))
        }
    }

    fn map<V: Visitor<'de>>(
        self,
        map: &'de Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut access = Entries {
            entries: map.iter(),
            value: None,
            chain: self.chain,
            track: self.track,
        };
        let value = visitor.visit_map(&mut access)?;
        if access.entries.len() == 0 {
            Ok(value)
        } else {
            Err(Error::invalid_length(map.len(), &"fewer elements in map"))
        }
    }
}

macro_rules! numbers {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                self.number(visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for De<'_, 'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = self.any(visitor);
        self.done(result)
    }

    numbers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        };
        self.done(result)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(Enum {
                        variant,
                        value: Some(value),
                        chain: self.chain,
                        track: self.track,
                    }),
                    _ => Err(Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            Value::String(variant) => visitor.visit_enum(Enum {
                variant,
                value: None,
                chain: self.chain,
                track: self.track,
            }),
            other => Err(Error::invalid_type(unexpected(other), &"string or map")),
        };
        self.done(result)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = visitor.visit_newtype_struct(self);
        self.done(result)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.invalid(&visitor)),
        };
        self.done(result)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.invalid(&visitor)),
        };
        self.done(result)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.seq(items, visitor),
            _ => Err(self.invalid(&visitor)),
        };
        self.done(result)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.invalid(&visitor)),
        };
        self.done(result)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Array(items) => self.seq(items, visitor),
            _ => Err(self.invalid(&visitor)),
        };
        self.done(result)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Object(map) => self.map(map, visitor),
            _ => Err(self.invalid(&visitor)),
        };
        self.done(result)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = match self.value {
            Value::Object(map) => self.map(map, visitor),
            // serde_json reads a struct from an array too (its fields in order); a host value
            // is an object. Refusing it also leaves every struct's `visit_seq` unlinked.
            Value::Array(_) => Err(Error::invalid_type(Unexpected::Seq, &Object(name))),
            _ => Err(self.invalid(&visitor)),
        };
        self.done(result)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = visitor.visit_unit();
        self.done(result)
    }
}

/// A sequence's elements, each at its index.
struct Seq<'a, 'de> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de> SeqAccess<'de> for Seq<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else {
            return Ok(None);
        };
        let chain = Chain::Index {
            parent: self.chain,
            index: self.index,
        };
        self.index += 1;
        let de = De {
            value,
            chain: &chain,
            track: self.track,
        };
        let result = seed.deserialize(de).map(Some);
        de.done(result)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A map's entries, each value at its key.
struct Entries<'a, 'de> {
    entries: serde_json::map::Iter<'de>,
    value: Option<(&'de String, &'de Value)>,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        let result = seed.deserialize(BorrowedStrDeserializer::new(key));
        if result.is_err() {
            // A key refused (an unknown field): its path ends with it.
            self.track.trigger(&Chain::Key {
                parent: self.chain,
                key,
            });
        }
        result.map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(Error::custom("value is missing"));
        };
        let chain = Chain::Key {
            parent: self.chain,
            key,
        };
        let de = De {
            value,
            chain: &chain,
            track: self.track,
        };
        let result = seed.deserialize(de);
        de.done(result)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum: a string (a unit variant) or a map of one key (the variant) to its content,
/// whose path ends with the variant.
struct Enum<'a, 'de> {
    variant: &'de str,
    value: Option<&'de Value>,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

/// An enum's content, once its variant is read.
struct Variant<'a, 'de> {
    value: Option<&'de Value>,
    chain: Chain<'a>,
    track: &'a Track,
}

impl<'a, 'de: 'a> EnumAccess<'de> for Enum<'a, 'de> {
    type Error = Error;
    type Variant = Variant<'a, 'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Variant<'a, 'de>), Error> {
        let variant = seed.deserialize(BorrowedStrDeserializer::new(self.variant))?;
        Ok((
            variant,
            Variant {
                value: self.value,
                chain: Chain::Key {
                    parent: self.chain,
                    key: self.variant,
                },
                track: self.track,
            },
        ))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        let Some(value) = self.value else {
            return Ok(());
        };
        let de = De {
            value,
            chain: &self.chain,
            track: self.track,
        };
        let result = <() as de::Deserialize>::deserialize(de);
        de.done(result)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let result = match self.value {
            Some(value) => seed.deserialize(De {
                value,
                chain: &self.chain,
                track: self.track,
            }),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        };
        self.fail_here(result)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let de = |value| De {
            value,
            chain: &self.chain,
            track: self.track,
        };
        let result = match self.value {
            Some(Value::Array(items)) if items.is_empty() => visitor.visit_unit(),
            Some(value @ Value::Array(items)) => de(value).seq(items, visitor),
            Some(other) => Err(Error::invalid_type(unexpected(other), &"tuple variant")),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"tuple variant",
            )),
        };
        self.fail_here(result)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let result = match self.value {
            Some(value @ Value::Object(map)) => De {
                value,
                chain: &self.chain,
                track: self.track,
            }
            .map(map, visitor),
            Some(other) => Err(Error::invalid_type(unexpected(other), &"struct variant")),
            None => Err(Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        };
        self.fail_here(result)
    }
}

impl Variant<'_, '_> {
    fn fail_here<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        if result.is_err() {
            self.track.trigger(&self.chain);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    //! The tracked deserializer against `serde_path_to_error` around serde_json's own `&Value`
    //! deserializer (what `from_value` used before): the same result, path and message for
    //! every object in tests/vectors and many broken copies of each, read as each host type.
    use super::*;
    use crate::driver::{OrderRequest, StatusQuery};
    use crate::gateways::{bitpay, ceca, elavon, flocash, paypal, redsys};
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

    fn reference<T: DeserializeOwned>(value: &Value) -> Result<T, (Vec<String>, String)> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e
                .path()
                .iter()
                .filter_map(|s| match s {
                    serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                    serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                    serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
                    serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            (path, e.into_inner().to_string())
        })
    }

    /// The member of `value` at `path` (keys and indexes).
    fn at<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
        path.iter().try_fold(value, |v, segment| match v {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?),
            _ => None,
        })
    }

    fn same<T: DeserializeOwned + Debug>(value: &Value) -> bool {
        let track = Track::default();
        let ours = deserialize::<T>(value, &track).map_err(|e| (track.path(), e.to_string()));
        // The one difference: an array where a struct is expected is refused here (the
        // reference reads it as the struct's fields in order).
        if let Err((path, message)) = &ours
            && message.starts_with("invalid type: sequence, expected an object (struct ")
        {
            assert!(
                matches!(at(value, path), Some(Value::Array(_))),
                "{path:?}: {value}"
            );
            return false;
        }
        let theirs = reference::<T>(value);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{value}"),
            (Err(a), Err(b)) => assert_eq!(a, b, "{}: {value}", std::any::type_name::<T>()),
            _ => panic!(
                "{}: {value}: ours {:?}, reference {:?}",
                std::any::type_name::<T>(),
                ours.as_ref().map(|_| ()),
                theirs.as_ref().map(|_| ())
            ),
        }
        ours.is_ok()
    }

    fn all_types(value: &Value) -> usize {
        [
            same::<OrderRequest>(value),
            same::<crate::driver::Operation>(value),
            same::<StatusQuery>(value),
            same::<crate::PaymentSnapshot>(value),
            same::<crate::money::Amount>(value),
            same::<crate::Error>(value),
            same::<crate::cardholder::Cardholder>(value),
            same::<flocash::Config>(value),
            same::<flocash::Order>(value),
            same::<redsys::Config>(value),
            same::<ceca::Config>(value),
            same::<elavon::Config>(value),
            same::<paypal::Config>(value),
            same::<paypal::RestConfig>(value),
            same::<bitpay::Config>(value),
            same::<Value>(value),
        ]
        .into_iter()
        .filter(|ok| *ok)
        .count()
    }

    /// Copies of `value` each broken at one place: a member removed, replaced (null, a
    /// float, a negative and a huge integer, a string, an array, an object, a boolean) or
    /// added (an unknown key).
    fn broken(value: &Value, out: &mut Vec<Value>) {
        let replacements = [
            Value::Null,
            serde_json::json!(1.5),
            serde_json::json!(-3),
            serde_json::json!(u64::MAX),
            serde_json::json!("x"),
            serde_json::json!(["a", 1]),
            serde_json::json!({"k": 1}),
            serde_json::json!(true),
        ];
        match value {
            Value::Object(map) => {
                let mut extra = map.clone();
                extra.insert("zz_unknown".into(), Value::Null);
                out.push(Value::Object(extra));
                for (key, member) in map {
                    let mut less = map.clone();
                    less.remove(key);
                    out.push(Value::Object(less));
                    for r in &replacements {
                        let mut changed = map.clone();
                        changed.insert(key.clone(), r.clone());
                        out.push(Value::Object(changed));
                    }
                    let mut inner = Vec::new();
                    broken(member, &mut inner);
                    for i in inner {
                        let mut changed = map.clone();
                        changed.insert(key.clone(), i);
                        out.push(Value::Object(changed));
                    }
                }
            }
            Value::Array(items) => {
                for (at, item) in items.iter().enumerate() {
                    let mut inner = Vec::new();
                    broken(item, &mut inner);
                    for i in inner.into_iter().take(12) {
                        let mut changed = items.clone();
                        changed[at] = i;
                        out.push(Value::Array(changed));
                    }
                }
            }
            _ => {}
        }
    }

    fn objects(value: &Value, out: &mut Vec<Value>) {
        match value {
            Value::Object(map) => {
                out.push(value.clone());
                map.values().for_each(|v| objects(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| objects(v, out)),
            _ => {}
        }
    }

    #[test]
    fn reads_as_serde_path_to_error_did() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        let mut seeds = Vec::new();
        for dir in std::fs::read_dir(&root).unwrap() {
            for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    objects(&serde_json::from_str(&text).unwrap(), &mut seeds);
                }
            }
        }
        seeds.sort_by_key(|v| v.to_string());
        seeds.dedup();
        let (mut values, mut read) = (0, 0);
        // Every seed as it is, a quarter of them broken too (all of them: 350,000 values, a
        // minute and a half in a debug build; they agreed).
        for (n, seed) in seeds.iter().enumerate() {
            let mut cases = vec![seed.clone()];
            // The deep copies of big objects add little but time.
            if n % 4 == 0 && seed.to_string().len() < 2000 {
                broken(seed, &mut cases);
            }
            for case in &cases {
                values += 1;
                read += all_types(case);
            }
        }
        assert!(
            values > 10_000 && read > 1_000,
            "{values} values, {read} read"
        );
    }
}
