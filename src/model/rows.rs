//! A bench report's `series` rows handed to the reader one at a time as
//! they are read ([`Rows::Each`]), for readers that need a little of each
//! row (`jdbio plot`: a point; `jdbio merge`: a histogram to add) or none
//! (`jdbio gate`). Ten minutes of 10 ms intervals are 60,000 rows, about
//! 1 KiB each once typed: kept, they would be most of the memory a reader
//! uses.

use std::{collections::BTreeMap, fmt};

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};

use crate::model::bench::{Interval, Series};

/// A function given each row: its op kind ("read") and the row; an error
/// stops the reading, and is the message without the path.
pub type RowFn<'a> = dyn FnMut(&str, Interval) -> Result<(), String> + 'a;

/// What reading a report does with its bench `series` rows.
pub enum Rows<'a> {
    /// Keep them in the report.
    Keep,
    /// Hand each, in file order, to this function and keep none: the
    /// report's `series` then names each op kind with no rows.
    Each(&'a mut RowFn<'a>),
}

/// Reads a `series` value (null or an object), handing its rows to `each`.
pub(super) struct SeriesSeed<'f, 'a> {
    /// Where each row goes.
    pub each: &'f mut RowFn<'a>,
}

impl<'de> DeserializeSeed<'de> for SeriesSeed<'_, '_> {
    type Value = Option<Series>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Series>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for SeriesSeed<'_, '_> {
    type Value = Option<Series>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a series object with a number `interval_s`")
    }
    fn visit_none<E>(self) -> Result<Option<Series>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<Series>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Series>, D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Series>, A::Error> {
        let (mut interval_s, mut kinds) = (None, BTreeMap::new());
        while let Some(key) = map.next_key::<String>()? {
            if key == "interval_s" {
                if interval_s.replace(map.next_value::<f64>()?).is_some() {
                    return Err(A::Error::duplicate_field("interval_s"));
                }
                continue;
            }
            map.next_value_seed(KindSeed { kind: &key, each: &mut *self.each })?;
            kinds.insert(key, Vec::new());
        }
        let interval_s = interval_s.ok_or_else(|| A::Error::missing_field("interval_s"))?;
        Ok(Some(Series { interval_s, kinds }))
    }
}

/// Reads one op kind's array of rows, handing each to `each`.
struct KindSeed<'k, 'f, 'a> {
    /// The op kind.
    kind: &'k str,
    /// Where each row goes.
    each: &'f mut RowFn<'a>,
}

impl<'de> DeserializeSeed<'de> for KindSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for KindSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of series rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(row) = seq.next_element::<Interval>()? {
            (self.each)(self.kind, row).map_err(A::Error::custom)?;
        }
        Ok(())
    }
}

/// Hands the rows of a report's `series` (read whole: a /1 report) to
/// `each`, leaving each op kind with none.
pub(super) fn drain(series: Option<&mut Series>, each: &mut RowFn) -> Result<(), String> {
    for (kind, rows) in series.into_iter().flat_map(|s| s.kinds.iter_mut()) {
        for row in std::mem::take(rows) {
            each(kind, row)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_to_the_function_in_order_and_none_are_kept() {
        let row = |t: f64| format!(r#"{{"t_s":{t},"length_s":1,"ops":1,"iops":1,"bytes":0,"latency_ns":{{}}}}"#);
        let text = format!(r#"{{"read":[{},{}],"interval_s":1,"write":[{}]}}"#, row(1.0), row(2.0), row(1.0));
        let mut seen = Vec::new();
        let mut each = |kind: &str, i: Interval| {
            seen.push((kind.to_string(), i.t_s));
            Ok(())
        };
        let series = SeriesSeed { each: &mut each }.deserialize(&mut serde_json::Deserializer::from_str(&text));
        let series = series.unwrap().unwrap();
        assert_eq!(seen, [("read".to_string(), 1.0), ("read".to_string(), 2.0), ("write".to_string(), 1.0)]);
        assert_eq!(series.interval_s, 1.0);
        assert!(series.kinds.values().all(Vec::is_empty) && series.kinds.len() == 2);
        let mut refuse = |_: &str, _: Interval| Err("no".to_string());
        let e = SeriesSeed { each: &mut refuse }.deserialize(&mut serde_json::Deserializer::from_str(&text));
        assert!(e.unwrap_err().to_string().starts_with("no"));
        let none = SeriesSeed { each: &mut refuse }.deserialize(&mut serde_json::Deserializer::from_str("null"));
        assert_eq!(none.unwrap(), None);
    }
}
