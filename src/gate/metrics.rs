//! The metrics the gate compares, and reading them out of a bench report:
//! the headline values (the report's top level, which is the median of the
//! repetitions when there are any) and, per repetition, the same values, so
//! [`super::compare`] can tell a change from noise. A wal report's values
//! come from [`super::wal_metrics`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::load::Loaded;
use crate::{
    error::AppError,
    units::{human_bytes, human_ns},
};

/// Which way a metric gets worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bad {
    /// Higher is better: a drop is bad (`--max-drop`).
    Drop,
    /// Lower is better: a rise is bad (`--max-rise`).
    Rise,
}

/// One compared metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Metric {
    #[serde(rename = "iops")]
    Iops,
    #[serde(rename = "bw")]
    Bw,
    #[serde(rename = "p50")]
    P50,
    #[serde(rename = "p99")]
    P99,
    #[serde(rename = "p99.9")]
    P999,
    #[serde(rename = "cpu_per_io")]
    CpuPerIo,
}

impl Metric {
    /// Every metric, in table order.
    pub const ALL: [Metric; 6] = [Metric::Iops, Metric::Bw, Metric::P50, Metric::P99, Metric::P999, Metric::CpuPerIo];
    /// The metrics measured per op kind.
    pub const PER_OP: [Metric; 5] = [Metric::Iops, Metric::Bw, Metric::P50, Metric::P99, Metric::P999];

    /// The name used on the command line and in the JSON.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Iops => "iops",
            Metric::Bw => "bw",
            Metric::P50 => "p50",
            Metric::P99 => "p99",
            Metric::P999 => "p99.9",
            Metric::CpuPerIo => "cpu_per_io",
        }
    }

    /// The name in the table.
    pub fn label(self) -> &'static str {
        match self {
            Metric::CpuPerIo => "cpu per I/O",
            m => m.key(),
        }
    }

    /// Which way is worse.
    pub fn bad(self) -> Bad {
        match self {
            Metric::Iops | Metric::Bw => Bad::Drop,
            _ => Bad::Rise,
        }
    }

    /// The default limit, in percent.
    pub fn default_limit_pct(self) -> f64 {
        match self {
            Metric::Iops | Metric::Bw => 10.0,
            Metric::P50 | Metric::CpuPerIo => 20.0,
            Metric::P99 => 25.0,
            Metric::P999 => 50.0,
        }
    }

    /// The metric named `key`, if any.
    pub fn from_key(key: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.key() == key)
    }

    /// A value in human units: IOPS as an integer, bandwidth in binary
    /// units per second, latency and CPU time in ns/us/ms.
    pub fn format(self, v: f64) -> String {
        match self {
            Metric::Iops => format!("{v:.0}"),
            Metric::Bw => format!("{}/s", human_bytes(v)),
            _ => human_ns(v),
        }
    }

    /// Where the metric lives in one op kind's result object.
    fn path_in_op(self) -> &'static [&'static str] {
        match self {
            Metric::Iops => &["iops"],
            Metric::Bw => &["bw_bytes_per_s"],
            Metric::P50 => &["latency_ns", "percentiles", "50"],
            Metric::P99 => &["latency_ns", "percentiles", "99"],
            Metric::P999 => &["latency_ns", "percentiles", "99.9"],
            Metric::CpuPerIo => &[],
        }
    }
}

/// The metric values of one run: a report's top level, or one repetition.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    /// Per op kind ("read", "write"), the per-op metrics.
    pub ops: BTreeMap<String, BTreeMap<Metric, f64>>,
    /// CPU per I/O in ns, when the report states it.
    pub cpu_per_io: Option<f64>,
}

impl Values {
    /// The value of `metric` for `op` (None for the report-level metric).
    pub fn get(&self, op: Option<&str>, metric: Metric) -> Option<f64> {
        match op {
            None => self.cpu_per_io,
            Some(op) => self.ops.get(op)?.get(&metric).copied(),
        }
    }
}

/// Everything the gate reads from one report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// The headline values.
    pub main: Values,
    /// One entry per repetition (empty without `--repeat`).
    pub reps: Vec<Values>,
    /// True when reports of this kind state CPU per I/O (bench does, wal
    /// does not), so its absence is worth a note.
    pub states_cpu: bool,
}

/// Reads the metrics of `report`; a missing or non-numeric value, a
/// `results` with no op kind, and an op kind with zero ops (in the headline
/// or in any repetition) are exit 2 naming the file and the key: a run that
/// measured nothing is never judged.
pub fn extract(report: &Loaded) -> Result<Extracted, AppError> {
    let v = &report.value;
    let command = v.get("command").and_then(Value::as_str).unwrap_or("bench");
    let bad =
        |what: String| AppError::Usage(format!("{}: not a usable {command} report: {what}", report.path.display()));
    if command == "wal" {
        let main = super::wal_metrics::values(v).map_err(bad)?;
        return Ok(Extracted { main, reps: Vec::new(), states_cpu: false });
    }
    let cpu = v.get("bench").and_then(|b| b.get("cpu_per_io_ns")).and_then(Value::as_f64);
    let main = values(v.get("results"), cpu, "results").map_err(bad)?;
    let mut reps = Vec::new();
    match v.get("repetitions") {
        None | Some(Value::Null) => {}
        Some(Value::Array(list)) => {
            for (i, rep) in list.iter().enumerate() {
                let cpu = rep.get("cpu_per_io_ns").and_then(Value::as_f64);
                reps.push(values(rep.get("results"), cpu, &format!("repetitions[{i}].results")).map_err(bad)?);
            }
        }
        Some(_) => return Err(bad("\"repetitions\" is not an array".into())),
    }
    Ok(Extracted { main, reps, states_cpu: true })
}

/// Reads one `results` object (at `at`, for messages).
fn values(results: Option<&Value>, cpu_per_io: Option<f64>, at: &str) -> Result<Values, String> {
    let Some(Value::Object(results)) = results else {
        return Err(format!("{at} is missing or not an object"));
    };
    if results.is_empty() {
        return Err(format!(
            "{at} is empty: the run measured nothing (interrupted in its ramp, or no I/O completed), so there is nothing to judge"
        ));
    }
    let mut ops = BTreeMap::new();
    for (op, result) in results {
        match result.get("ops").and_then(Value::as_u64) {
            None => return Err(format!("{at}[\"{op}\"][\"ops\"] is missing or not a whole number")),
            Some(0) => {
                return Err(format!(
                    "{at}[\"{op}\"][\"ops\"] is 0: no {op} was measured, so there is nothing to judge"
                ));
            }
            Some(_) => {}
        }
        let mut metrics = BTreeMap::new();
        for m in Metric::PER_OP {
            let path = m.path_in_op();
            let value = path.iter().try_fold(result, |node, key| node.get(key)).and_then(Value::as_f64);
            let Some(value) = value else {
                let keys: Vec<String> = path.iter().map(|k| format!("[\"{k}\"]")).collect();
                return Err(format!("{at}[\"{op}\"]{} is missing or not a number", keys.concat()));
            };
            metrics.insert(m, value);
        }
        ops.insert(op.clone(), metrics);
    }
    Ok(Values { ops, cpu_per_io })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn loaded(value: Value) -> Loaded {
        Loaded { path: "r.json".into(), value }
    }

    fn op(iops: f64, p99: u64) -> Value {
        json!({ "ops": 10, "iops": iops, "bw_bytes_per_s": iops * 4096.0,
                "latency_ns": { "percentiles": { "50": 100, "99": p99, "99.9": 900 } } })
    }

    #[test]
    fn names_round_trip() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_key(m.key()), Some(m));
        }
        assert_eq!(Metric::from_key("p999"), None);
    }

    #[test]
    fn reads_headline_and_repetitions() {
        let r = loaded(json!({
            "results": { "read": op(1000.0, 500) },
            "bench": { "cpu_per_io_ns": 4000.0 },
            "repetitions": [
                { "results": { "read": op(900.0, 600) }, "cpu_per_io_ns": 4100.0 },
                { "results": { "read": op(1100.0, 400) }, "cpu_per_io_ns": 3900.0 }
            ]
        }));
        let e = extract(&r).unwrap();
        assert_eq!(e.main.get(Some("read"), Metric::Iops), Some(1000.0));
        assert_eq!(e.main.get(Some("read"), Metric::Bw), Some(4096000.0));
        assert_eq!(e.main.get(Some("read"), Metric::P99), Some(500.0));
        assert_eq!(e.main.get(Some("read"), Metric::P999), Some(900.0));
        assert_eq!(e.main.get(None, Metric::CpuPerIo), Some(4000.0));
        assert_eq!(e.reps.len(), 2);
        assert_eq!(e.reps[1].get(Some("read"), Metric::P99), Some(400.0));
        assert_eq!(e.reps[0].get(None, Metric::CpuPerIo), Some(4100.0));
    }

    #[test]
    fn names_the_missing_key() {
        let r = loaded(
            json!({ "results": { "write": { "ops": 1, "iops": 1.0, "bw_bytes_per_s": 2.0, "latency_ns": {} } } }),
        );
        let msg = extract(&r).unwrap_err().to_string();
        assert!(
            msg.contains("r.json") && msg.contains("results[\"write\"][\"latency_ns\"][\"percentiles\"][\"50\"]"),
            "{msg}"
        );
        let r = loaded(
            json!({ "results": { "read": op(1.0, 1) }, "repetitions": [ { "results": { "read": {"ops": 1} } } ] }),
        );
        let msg = extract(&r).unwrap_err().to_string();
        assert!(msg.contains("repetitions[0].results[\"read\"][\"iops\"]"), "{msg}");
    }

    #[test]
    fn a_run_that_measured_nothing_is_refused() {
        let msg = extract(&loaded(json!({ "results": {} }))).unwrap_err().to_string();
        assert_eq!(
            msg,
            "r.json: not a usable bench report: results is empty: the run measured nothing (interrupted in its ramp, or no I/O completed), so there is nothing to judge"
        );
        let mut zero = op(0.0, 0);
        zero["ops"] = json!(0);
        let r =
            loaded(json!({ "results": { "read": op(1.0, 1) }, "repetitions": [ { "results": { "read": zero } } ] }));
        let msg = extract(&r).unwrap_err().to_string();
        assert!(
            msg.ends_with(
                "repetitions[0].results[\"read\"][\"ops\"] is 0: no read was measured, so there is nothing to judge"
            ),
            "{msg}"
        );
        let r = loaded(json!({ "results": { "read": {"iops": 1.0} } }));
        assert!(
            extract(&r)
                .unwrap_err()
                .to_string()
                .ends_with("results[\"read\"][\"ops\"] is missing or not a whole number")
        );
    }
}
