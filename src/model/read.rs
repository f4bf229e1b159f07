//! Reading a report file (for [`super::load`]): bounded in size before it
//! is parsed, and checked, in a first pass over it that keeps no more than
//! its `schema` and `command` strings, to be a jdbio report object of a
//! schema this jdbio reads (`jdbio.report/2`, or `/1`). Each way a file
//! can be unusable has its own message.
//!
//! Nothing here holds a whole file's JSON in memory: a regular file is
//! streamed from disk once per pass; anything else (a pipe, a device) is
//! read into memory once, at most [`MAX_REPORT_BYTES`], and streamed from
//! there.

use std::{
    borrow::Cow,
    fmt,
    fs::File,
    io::{BufReader, Read, Seek},
    path::Path,
};

use std::cell::Cell;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{SCHEMA, SCHEMA_V1};

/// The largest report file jdbio reads: 64 MiB. The biggest real reports
/// (ten minutes of 10 ms series, a histogram per interval) are about
/// 30 MiB; a larger file is refused before it is read.
pub const MAX_REPORT_BYTES: u64 = 64 << 20;

/// The most JSON values a report may hold outside its top-level `series`
/// (whose rows are read one at a time, not kept): a million, ten times a
/// `--repeat 1000` report's. What a loaded report keeps in memory grows
/// with this count, not with the file's bytes, so counting them in the
/// first pass bounds it (a report of a million empty strings, say, would
/// take hundreds of MiB once read).
pub const MAX_REPORT_VALUES: u64 = 1_000_000;

/// The largest `jdbio.report/1` file jdbio reads: 4 MiB. A /1 report is
/// mapped to /2 as a whole JSON tree, which takes up to about twenty times
/// the file's size in memory; the /1 reports jdbio wrote are a few KiB to a
/// few hundred KiB.
pub const MAX_V1_REPORT_BYTES: u64 = 4 << 20;

/// A report's bytes, ready to be read from their start as often as needed.
pub(super) enum Input<'a> {
    /// A regular file, read from disk on each pass.
    File(File),
    /// Bytes in memory (read from a pipe or a device, or given).
    Bytes(Cow<'a, [u8]>),
}

impl Input<'_> {
    /// A reader of the whole report from its start, never past
    /// [`MAX_REPORT_BYTES`] + 1 bytes.
    pub(super) fn reader(&mut self) -> Result<Box<dyn Read + '_>, String> {
        match self {
            Input::File(file) => {
                file.rewind().map_err(|e| format!("cannot read: {e}"))?;
                Ok(Box::new(BufReader::new(Read::take(&*file, MAX_REPORT_BYTES + 1))))
            }
            Input::Bytes(bytes) => Ok(Box::new(&bytes[..])),
        }
    }

    /// Its length in bytes.
    pub(super) fn len(&self) -> Result<u64, String> {
        match self {
            Input::File(file) => file.metadata().map(|m| m.len()).map_err(|e| format!("cannot read: {e}")),
            Input::Bytes(bytes) => Ok(bytes.len() as u64),
        }
    }
}

/// The report at `path`, refused when over [`MAX_REPORT_BYTES`]: by its
/// length for a regular file (nothing is read), and by reading at most one
/// byte past the limit for anything else (a pipe, a device), which is kept
/// in memory.
pub(super) fn open(path: &Path) -> Result<Input<'static>, String> {
    let file = File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_dir() {
        return Err("cannot read: a directory, not a report file".into());
    }
    if meta.len() > MAX_REPORT_BYTES {
        return Err(too_big(Some(meta.len())));
    }
    if meta.is_file() {
        return Ok(Input::File(file));
    }
    let mut bytes = Vec::new();
    file.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(too_big(None));
    }
    Ok(Input::Bytes(Cow::Owned(bytes)))
}

/// The message for a file over [`MAX_REPORT_BYTES`] (`len` when known).
fn too_big(len: Option<u64>) -> String {
    let len = len.map_or_else(|| "more than that; stopped reading there".to_string(), |n| format!("{n} bytes; not read"));
    format!("too large for a jdbio report (at most {MAX_REPORT_BYTES} bytes, 64 MiB; this is {len})")
}

/// The message for a /1 report over [`MAX_V1_REPORT_BYTES`].
pub(super) fn too_big_v1(len: u64) -> String {
    format!(
        "too large for a jdbio.report/1 report (at most {MAX_V1_REPORT_BYTES} bytes, 4 MiB, for /1; this is {len} bytes); \
         /1 reports are read whole to map them to /2"
    )
}

/// What the first pass finds: which schema, and the `command` when it is
/// a string.
#[derive(Debug, PartialEq)]
pub(super) struct Head {
    /// The file is a `jdbio.report/1` report.
    pub v1: bool,
    /// Its `command`, when that is a string.
    pub command: Option<String>,
}

/// Checks, in one pass over `reader` that keeps nothing else, that it is
/// JSON, a jdbio report object, of a schema this jdbio reads; the error is
/// the message without the path.
pub(super) fn head(reader: impl Read) -> Result<Head, String> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let values = Cell::new(0);
    let top = de.deserialize_any(TopVisitor { values: &values }).and_then(|top| de.end().map(|()| top));
    if values.get() > MAX_REPORT_VALUES {
        return Err(format!(
            "holds more than {MAX_REPORT_VALUES} JSON values outside its series, more than any jdbio report; not read further"
        ));
    }
    let top = top.map_err(|e| format!("not JSON ({e})"))?;
    let Top::Object { schema, command } = top else {
        let Top::Other(kind) = top else { unreachable!("an object was matched above") };
        return Err(format!("not a jdbio report (the file holds a JSON {kind}, not an object)"));
    };
    let schema = match schema {
        None => return Err("not a jdbio report (no \"schema\" key)".into()),
        Some(Scalar::Str(s)) => s,
        Some(Scalar::Other(kind)) => return Err(format!("not a jdbio report (\"schema\" is a {kind}, not a string)")),
    };
    if schema != SCHEMA && schema != SCHEMA_V1 {
        return Err(format!("schema {schema} is not one this jdbio reads ({SCHEMA} or {SCHEMA_V1})"));
    }
    let command = match command {
        Some(Scalar::Str(c)) => Some(c),
        _ => None,
    };
    Ok(Head { v1: schema == SCHEMA_V1, command })
}

/// The top-level JSON value, reduced to what [`head`] needs.
enum Top {
    /// An object, with its last `schema` and `command` values.
    Object {
        /// The `schema` value.
        schema: Option<Scalar>,
        /// The `command` value.
        command: Option<Scalar>,
    },
    /// Anything else, by kind ("array").
    Other(&'static str),
}

/// A JSON value kept only when it is a string; otherwise its kind.
enum Scalar {
    /// A string.
    Str(String),
    /// Any other value, by kind ("number").
    Other(&'static str),
}

/// Which key of the top-level object [`head`] is at.
enum Key {
    /// `schema`.
    Schema,
    /// `command`.
    Command,
    /// `series`, whose values are not counted (its rows are not kept).
    Series,
    /// Any other key, whose value is skipped.
    Other,
}

/// Visits any JSON value, keeping a string and skipping everything else
/// (nested arrays and objects are walked, not stored); the kind of what it
/// saw is its `kind`. Shared by [`Top`] and [`Scalar`].
struct Kinds<F>(F);

impl<'de, T, F: FnOnce(Result<String, &'static str>) -> T> Visitor<'de> for Kinds<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok((self.0)(Err("null")))
    }
    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok((self.0)(Err("boolean")))
    }
    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok((self.0)(Err("number")))
    }
    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok((self.0)(Err("number")))
    }
    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok((self.0)(Err("number")))
    }
    fn visit_str<E>(self, s: &str) -> Result<T, E> {
        Ok((self.0)(Ok(s.to_string())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((self.0)(Err("array")))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((self.0)(Err("object")))
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Kinds(|v: Result<String, &'static str>| v.map_or_else(Scalar::Other, Scalar::Str)))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(Kinds(|v: Result<String, &'static str>| match v.as_deref() {
            Ok("schema") => Key::Schema,
            Ok("command") => Key::Command,
            Ok("series") => Key::Series,
            _ => Key::Other,
        }))
    }
}

/// Counts the JSON values of what it visits (itself and everything nested
/// in it) into `.0`, and stops with an error past [`MAX_REPORT_VALUES`].
struct Counted<'c>(&'c Cell<u64>);

impl Counted<'_> {
    /// One more value.
    fn tick<E: de::Error>(&self) -> Result<(), E> {
        self.0.set(self.0.get() + 1);
        match self.0.get() > MAX_REPORT_VALUES {
            true => Err(E::custom("too many values")),
            false => Ok(()),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Counted<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counted<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.tick()
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.tick()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.tick()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.tick()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.tick()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.tick()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.tick()?;
        while seq.next_element_seed(Counted(self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.tick()?;
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(Counted(self.0))?;
        }
        Ok(())
    }
}

/// Visits the top-level value: an object's `schema` and `command`, or the
/// kind of anything else; counts the values outside `series` into `values`.
struct TopVisitor<'c> {
    /// The count of values so far.
    values: &'c Cell<u64>,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let (mut schema, mut command) = (None, None);
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Schema => schema = Some(map.next_value::<Scalar>()?),
                Key::Command => command = Some(map.next_value::<Scalar>()?),
                Key::Series => map.next_value::<IgnoredAny>().map(drop)?,
                Key::Other => map.next_value_seed(Counted(self.values))?,
            }
        }
        Ok(Top::Object { schema, command })
    }
    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::Other("null"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
        Ok(Top::Other("boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
        Ok(Top::Other("number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
        Ok(Top::Other("number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
        Ok(Top::Other("number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Top, E> {
        Ok(Top::Other("string"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::Other("array"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_has_its_own_message() {
        let head = |text: &str| head(text.as_bytes());
        let err = |text: &str| head(text).unwrap_err();
        let v1 = Head { v1: true, command: Some("bench".into()) };
        assert_eq!(head(r#"{"schema":"jdbio.report/1","command":"bench"}"#), Ok(v1));
        assert!(err(r#"{"schema":"jdbio.rep"#).starts_with("not JSON"));
        assert!(err(r#"{"x":[1,2],"schema":"jdbio.report/2"} 7"#).starts_with("not JSON"));
        assert_eq!(err("[1,2]"), "not a jdbio report (the file holds a JSON array, not an object)");
        assert_eq!(err("null"), "not a jdbio report (the file holds a JSON null, not an object)");
        assert_eq!(err(r#"{"a":1}"#), "not a jdbio report (no \"schema\" key)");
        assert_eq!(err(r#"{"schema":7}"#), "not a jdbio report (\"schema\" is a number, not a string)");
        assert_eq!(err(r#"{"schema":{"a":[]}}"#), "not a jdbio report (\"schema\" is a object, not a string)");
        assert_eq!(
            err(r#"{"schema":"jdbio.report/9","command":"bench"}"#),
            "schema jdbio.report/9 is not one this jdbio reads (jdbio.report/2 or jdbio.report/1)"
        );
    }

    #[test]
    fn a_command_that_is_not_a_string_is_no_command() {
        let h = head(br#"{"x":{"command":"wal"},"command":[1],"schema":"jdbio.report/2"}"#.as_slice()).unwrap();
        assert_eq!(h, Head { v1: false, command: None });
    }
}
