//! A `jdbio.report/2` file read straight into [`Report`] in one streaming
//! pass, once [`super::read::head`] has found its `command`.
//!
//! The derived `Deserialize` of [`Report`] flattens [`Body`] and tags it by
//! `command`, and serde buffers every key it does not know itself (the whole
//! body, and any junk beside it) as a tree before it looks at the tag: many
//! times the file's size in memory. Here the top-level object is walked
//! once: [`Report`]'s own keys go to their types, and the rest are handed
//! to the derived `Deserialize` of the body `command` names, which reads
//! them in place and skips keys it does not know without keeping them.
//! A bench report's `series` can be handed over row by row instead
//! ([`super::Rows::Each`]).

use std::{collections::BTreeMap, fmt, io::Read};

use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer as _, Error as _, IgnoredAny, IntoDeserializer, MapAccess, Visitor,
    value::MapAccessDeserializer,
};

use super::{
    Body, CpuUsage, Host, OpResult, RankRecord, Report, SCHEMA,
    rows::{RowFn, SeriesSeed},
};
use crate::model::bench::Series;
use crate::model::TargetInfo;

/// The `command` values [`Body`] is tagged with.
const COMMANDS: &[&str] = &["bench", "wal", "verify", "prealloc", "align", "info", "gate", "run"];

/// Reads the /2 report of `command` from `reader` (JSON already checked by
/// the first pass), a bench report's `series` rows handed to `each` when
/// given; the error is serde's, without the path.
pub(super) fn report(reader: impl Read, command: &str, each: Option<&mut RowFn>) -> Result<Report, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let each = each.filter(|_| command == "bench");
    let report = de.deserialize_map(ReportVisitor { command, each })?;
    de.end()?;
    Ok(report)
}

/// Visits the top-level object of a report whose body is `command`.
struct ReportVisitor<'c, 'f, 'a> {
    /// The body's tag.
    command: &'c str,
    /// Where a bench report's `series` rows go, when not kept.
    each: Option<&'f mut RowFn<'a>>,
}

impl<'de> Visitor<'de> for ReportVisitor<'_, '_, '_> {
    type Value = Report;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a jdbio report object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Report, A::Error> {
        let mut shared = Shared::default();
        let mut body = body(self.command, BodyMap { inner: map, shared: &mut shared, each: self.each })?;
        if let (Body::Bench(bench), Some(series)) = (&mut body, shared.series.take()) {
            bench.series = series;
        }
        Ok(shared.into_report(body))
    }
}

/// The body `command` names, read from `map`.
fn body<'de, A: MapAccess<'de>>(command: &str, map: BodyMap<'_, '_, '_, A>) -> Result<Body, A::Error> {
    /// The body type `T`, read from `map`.
    fn of<'de, T: DeserializeOwned, A: MapAccess<'de>>(map: BodyMap<'_, '_, '_, A>) -> Result<T, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map))
    }
    Ok(match command {
        "bench" => Body::Bench(of(map)?),
        "wal" => Body::Wal(of(map)?),
        "verify" => Body::Verify(of(map)?),
        "prealloc" => Body::Prealloc(of(map)?),
        "align" => Body::Align(of(map)?),
        "info" => Body::Info(of(map)?),
        "gate" => Body::Gate(of(map)?),
        "run" => Body::Run(of(map)?),
        other => return Err(A::Error::unknown_variant(other, COMMANDS)),
    })
}

/// The top-level map as the body sees it: [`Report`]'s own keys (and
/// `command`) are taken out into [`Shared`] as they go by, and so is
/// `series` when its rows go to `each`.
struct BodyMap<'s, 'f, 'a, A> {
    /// The top-level map.
    inner: A,
    /// Where [`Report`]'s own keys go.
    shared: &'s mut Shared,
    /// Where a bench report's `series` rows go, when not kept.
    each: Option<&'f mut RowFn<'a>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for BodyMap<'_, '_, '_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.inner.next_key::<String>()? {
            if let (true, Some(each)) = (key == "series", self.each.as_deref_mut()) {
                let series = self.inner.next_value_seed(SeriesSeed { each })?;
                if self.shared.series.replace(series).is_some() {
                    return Err(A::Error::duplicate_field("series"));
                }
                continue;
            }
            if !self.shared.take(&key, &mut self.inner)? {
                return seed.deserialize(IntoDeserializer::<A::Error>::into_deserializer(key)).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }
}

/// [`Report`]'s own keys, as read so far.
#[derive(Default)]
struct Shared {
    /// `schema`.
    schema: Option<String>,
    /// `jdbio_version`.
    jdbio_version: Option<String>,
    /// `argv`.
    argv: Option<Vec<String>>,
    /// `started_at`.
    started_at: Option<String>,
    /// `host`.
    host: Option<Host>,
    /// `target`.
    target: Option<Option<TargetInfo>>,
    /// `results`.
    results: Option<BTreeMap<String, OpResult>>,
    /// `cpu`.
    cpu: Option<CpuUsage>,
    /// `duration_s`.
    duration_s: Option<f64>,
    /// `interrupted`.
    interrupted: Option<bool>,
    /// `signal`.
    signal: Option<Option<String>>,
    /// `ended`.
    ended: Option<Option<super::Ended>>,
    /// `rank`.
    rank: Option<Option<RankRecord>>,
    /// A bench report's `series`, when its rows were handed over.
    series: Option<Option<Series>>,
}

impl Shared {
    /// Reads the value of `key` from `map` when it is one of [`Report`]'s
    /// own keys (or `command`, already known); false for a body key, whose
    /// value is left for the body.
    fn take<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "command" => map.next_value::<IgnoredAny>().map(drop)?,
            "schema" => put(&mut self.schema, map, "schema")?,
            "jdbio_version" => put(&mut self.jdbio_version, map, "jdbio_version")?,
            "argv" => put(&mut self.argv, map, "argv")?,
            "started_at" => put(&mut self.started_at, map, "started_at")?,
            "host" => put(&mut self.host, map, "host")?,
            "target" => put(&mut self.target, map, "target")?,
            "results" => put(&mut self.results, map, "results")?,
            "cpu" => put(&mut self.cpu, map, "cpu")?,
            "duration_s" => put(&mut self.duration_s, map, "duration_s")?,
            "interrupted" => put(&mut self.interrupted, map, "interrupted")?,
            "signal" => put(&mut self.signal, map, "signal")?,
            "ended" => put(&mut self.ended, map, "ended")?,
            "rank" => put(&mut self.rank, map, "rank")?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The report of these keys and `body`, with [`Report`]'s defaults for
    /// the keys that were absent.
    fn into_report(self, body: Body) -> Report {
        Report {
            schema: self.schema.unwrap_or_else(|| SCHEMA.to_string()),
            jdbio_version: self.jdbio_version.unwrap_or_default(),
            argv: self.argv.unwrap_or_default(),
            started_at: self.started_at.unwrap_or_default(),
            host: self.host.unwrap_or_default(),
            target: self.target.flatten(),
            body,
            results: self.results.unwrap_or_default(),
            cpu: self.cpu.unwrap_or_default(),
            duration_s: self.duration_s.unwrap_or_default(),
            interrupted: self.interrupted.unwrap_or_default(),
            signal: self.signal.flatten(),
            ended: self.ended.flatten(),
            rank: self.rank.flatten(),
        }
    }
}

/// Reads the next value of `map` into `slot`; a key given twice is an
/// error, as serde's derived code makes it.
fn put<'de, T: DeserializeOwned, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    key: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every report jdbio's fixtures hold, read here and by the derived
    /// `Deserialize`, is the same report.
    #[test]
    fn the_stream_reads_what_the_derived_code_reads() {
        let dirs = ["tests/fixtures/report-v1", "tests/fixtures/gate", "results"];
        let mut seen = std::collections::BTreeSet::new();
        for dir in dirs {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let Ok(text) = std::fs::read_to_string(&path) else { continue };
                let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
                if value.get("schema").and_then(|s| s.as_str()) == Some(super::super::SCHEMA_V1) {
                    super::super::upgrade::v1_to_v2(&mut value).unwrap();
                }
                let Ok(derived) = serde_json::from_value::<Report>(value.clone()) else { continue };
                let text = serde_json::to_string(&value).unwrap();
                let streamed = report(text.as_bytes(), derived.command(), None).unwrap();
                assert_eq!(streamed, derived, "{}", path.display());
                seen.insert(derived.command());
            }
        }
        assert!(seen.len() >= 4, "{seen:?}");
    }

    #[test]
    fn junk_beside_the_body_is_skipped_and_an_unknown_command_named() {
        let text = r#"{"x":[0,[1,{}]],"schema":"jdbio.report/2","command":"info","job":7}"#;
        assert!(report(text.as_bytes(), "info", None).unwrap_err().to_string().starts_with("invalid type: integer `7`"));
        let e = report(br#"{"command":"nope"}"#.as_slice(), "nope", None).unwrap_err().to_string();
        assert!(e.starts_with("unknown variant `nope`, expected one of `bench`"), "{e}");
        let e = report(br#"{"rank":null,"rank":null}"#.as_slice(), "info", None).unwrap_err().to_string();
        assert!(e.starts_with("duplicate field `rank`"), "{e}");
    }
}
