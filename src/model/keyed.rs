//! Objects of one named number and any other keys, each a value of one
//! type (a bench `series`: `interval_s` and one array per op kind), read
//! without serde's `flatten`, which keeps the whole object as a tree
//! before it reads any of it.

use std::{collections::BTreeMap, fmt, marker::PhantomData};

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, Visitor};

/// Reads an object whose key `name` is a number and whose other keys are
/// each a `T`: the number and the other keys' values, by key.
pub fn named_and_rest<'de, D, T>(d: D, name: &'static str) -> Result<(f64, BTreeMap<String, T>), D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_map(Keyed { name, of: PhantomData })
}

/// Visits the object [`named_and_rest`] reads.
struct Keyed<T> {
    /// The number's key.
    name: &'static str,
    /// The other keys' type.
    of: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Keyed<T> {
    type Value = (f64, BTreeMap<String, T>);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with a number `{}`", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut number, mut rest) = (None, BTreeMap::new());
        while let Some(key) = map.next_key::<String>()? {
            if key != self.name {
                rest.insert(key, map.next_value()?);
            } else if number.replace(map.next_value()?).is_some() {
                return Err(A::Error::duplicate_field(self.name));
            }
        }
        let number = number.ok_or_else(|| A::Error::missing_field(self.name))?;
        Ok((number, rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(f64, BTreeMap<String, Vec<u8>>), serde_json::Error> {
        named_and_rest(&mut serde_json::Deserializer::from_str(text), "interval_s")
    }

    #[test]
    fn the_number_and_the_rest_are_read_and_errors_named() {
        let (n, rest) = read(r#"{"read":[1],"interval_s":0.5,"write":[]}"#).unwrap();
        assert_eq!((n, rest), (0.5, [("read".to_string(), vec![1]), ("write".to_string(), vec![])].into()));
        assert!(read(r#"{"read":[1]}"#).unwrap_err().to_string().starts_with("missing field `interval_s`"));
        assert!(read(r#"{"read":7,"interval_s":1}"#).unwrap_err().to_string().starts_with("invalid type: integer `7`"));
        let twice = read(r#"{"interval_s":1,"interval_s":1}"#).unwrap_err().to_string();
        assert!(twice.starts_with("duplicate field `interval_s`"), "{twice}");
    }
}
