//! The metrics the gate compares, and reading them out of a bench report:
//! the headline values (the report's top level, which is the median of the
//! repetitions when there are any) and, per repetition, the same values, so
//! [`super::compare`] can tell a change from noise. A wal report's values
//! come from [`super::wal_metrics`].

use std::collections::BTreeMap;

pub use crate::model::gate::{Bad, Metric, Unit};

use super::load::Loaded;
use crate::model::Percentile;
use crate::{
    error::AppError,
    units::{human_bytes, human_ns},
};
use crate::model::{Body, OpResult};

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

    /// The unit of its values.
    pub fn unit(self) -> Unit {
        match self {
            Metric::Iops => Unit::OpsPerS,
            Metric::Bw => Unit::BytesPerS,
            _ => Unit::Ns,
        }
    }

    /// The metric's value in one op kind's result (None for CPU per I/O,
    /// which is the report's).
    fn of(self, r: &OpResult) -> Option<f64> {
        let p = |key: Percentile| r.latency_ns.at(key).map(|v| v as f64);
        match self {
            Metric::Iops => Some(r.iops),
            Metric::Bw => Some(r.bw_bytes_per_s),
            Metric::P50 => p(Percentile::P50),
            Metric::P99 => p(Percentile::P99),
            Metric::P999 => p(Percentile::P999),
            Metric::CpuPerIo => None,
        }
    }
}

impl Unit {
    /// The unit as the JSON and the CSV name it.
    pub fn key(self) -> &'static str {
        match self {
            Unit::OpsPerS => "ops_per_s",
            Unit::BytesPerS => "bytes_per_s",
            Unit::Ns => "ns",
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

impl Extracted {
    /// The values of `metric` for `op`, one per repetition (the headline
    /// value alone for a run without); None when a repetition lacks it.
    pub fn values(&self, op: Option<&str>, metric: Metric) -> Option<Vec<f64>> {
        if self.reps.is_empty() {
            return Some(vec![self.main.get(op, metric)?]);
        }
        self.reps.iter().map(|r| r.get(op, metric)).collect()
    }

    /// How many repetitions the values have (1 for a single run).
    pub fn repetitions(&self) -> usize {
        self.reps.len().max(1)
    }
}

/// Reads the metrics of one job run in rounds (a suite's `--rounds`), each
/// round one repetition: its headline values. One round is [`extract`].
pub fn extract_rounds(rounds: &[Loaded]) -> Result<Extracted, AppError> {
    let each = rounds.iter().map(extract).collect::<Result<Vec<_>, _>>()?;
    match each.len() {
        1 => Ok(each.into_iter().next().expect("one round")),
        _ => Ok(Extracted {
            main: each[0].main.clone(),
            states_cpu: each[0].states_cpu,
            reps: each.into_iter().map(|e| e.main).collect(),
        }),
    }
}

/// Reads the metrics of `report`; a `results` with no op kind, an op
/// kind with zero ops (in the headline or in any repetition), and a
/// percentile the report lacks are exit 2 naming the file and the key: a
/// run that measured nothing is never judged.
pub fn extract(report: &Loaded) -> Result<Extracted, AppError> {
    let r = &report.report;
    let bad = |what: String| {
        AppError::Usage(format!("{}: not a usable {} report: {what}", report.path.display(), r.command()))
    };
    let body = match &r.body {
        Body::Wal(wal) => {
            let main = super::wal_metrics::values(&wal.wal).map_err(bad)?;
            return Ok(Extracted { main, reps: Vec::new(), states_cpu: false });
        }
        Body::Bench(body) => body,
        other => return Err(bad(format!("a {} report has no metrics the gate compares", other.command()))),
    };
    let cpu = Some(body.bench.cpu_per_io_ns).filter(|&c| c > 0.0);
    let main = values(&r.results, cpu, "results").map_err(bad)?;
    let mut reps = Vec::new();
    for (i, rep) in body.repetitions.iter().flatten().enumerate() {
        reps.push(values(&rep.results, rep.cpu_per_io_ns, &format!("repetitions[{i}].results")).map_err(bad)?);
    }
    Ok(Extracted { main, reps, states_cpu: true })
}

/// Reads one `results` map (at `at`, for messages).
fn values(results: &BTreeMap<String, OpResult>, cpu_per_io: Option<f64>, at: &str) -> Result<Values, String> {
    if results.is_empty() {
        return Err(format!(
            "{at} is empty: the run measured nothing (interrupted in its ramp, or no I/O completed), so there is nothing to judge"
        ));
    }
    let mut ops = BTreeMap::new();
    for (op, result) in results {
        if result.ops == 0 {
            return Err(format!("{at}[\"{op}\"][\"ops\"] is 0: no {op} was measured, so there is nothing to judge"));
        }
        let mut metrics = BTreeMap::new();
        for m in Metric::PER_OP {
            let Some(value) = m.of(result) else {
                return Err(format!("{at}[\"{op}\"] has no {} latency percentile", m.key()));
            };
            metrics.insert(m, value);
        }
        ops.insert(op.clone(), metrics);
    }
    Ok(Values { ops, cpu_per_io })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LatencySummary, load_bytes};

    /// The gate's base fixture (a /1 report), loaded.
    fn base() -> Loaded {
        let bytes = include_bytes!("../../tests/fixtures/gate/base.json");
        Loaded { path: "r.json".into(), report: load_bytes(bytes).unwrap(), from_v1: true }
    }

    fn op(iops: f64, p99: u64) -> OpResult {
        let percentiles = [(Percentile::P50, 100), (Percentile::P99, p99), (Percentile::P999, 900)].into();
        let latency_ns = LatencySummary { percentiles, ..LatencySummary::default() };
        OpResult {
            ops: 10,
            bytes: 0,
            errors: 0,
            iops,
            bw_bytes_per_s: iops * 4096.0,
            latency_ns,
            response_latency_ns: None,
        }
    }

    fn bench(r: &mut Loaded) -> &mut crate::model::bench::BenchBody {
        match &mut r.report.body {
            Body::Bench(b) => b,
            _ => unreachable!("base.json is a bench report"),
        }
    }

    fn rep(read: OpResult, cpu: f64) -> crate::model::bench::Repetition {
        crate::model::bench::Repetition {
            results: [("read".to_string(), read)].into(),
            cpu: Default::default(),
            duration_s: 1.0,
            wall_s: 1.0,
            total_ops_including_ramp: 10,
            cpu_per_io_ns: Some(cpu),
        }
    }

    #[test]
    fn names_round_trip() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_key(m.key()), Some(m));
        }
        assert_eq!(Metric::from_key("p999"), None);
    }

    #[test]
    fn keys_are_the_json_names() {
        for m in Metric::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.key());
            assert_eq!(serde_json::to_value(m.unit()).unwrap(), m.unit().key());
        }
        use super::super::compare::Verdict;
        for v in [Verdict::Pass, Verdict::Regression, Verdict::Improvement, Verdict::Inconclusive] {
            assert_eq!(serde_json::to_value(v).unwrap(), v.key());
        }
    }

    #[test]
    fn reads_headline_and_repetitions() {
        let mut r = base();
        r.report.results = [("read".to_string(), op(1000.0, 500))].into();
        bench(&mut r).bench.cpu_per_io_ns = 4000.0;
        bench(&mut r).repetitions = Some(vec![rep(op(900.0, 600), 4100.0), rep(op(1100.0, 400), 3900.0)]);
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
    fn names_the_missing_percentile() {
        let mut r = base();
        let mut write = op(1.0, 1);
        write.latency_ns.percentiles.remove(&Percentile::P50);
        r.report.results = [("write".to_string(), write)].into();
        let msg = extract(&r).unwrap_err().to_string();
        assert!(msg.contains("r.json") && msg.contains("results[\"write\"] has no p50 latency percentile"), "{msg}");
    }

    #[test]
    fn a_run_that_measured_nothing_is_refused() {
        let mut r = base();
        r.report.results.clear();
        let msg = extract(&r).unwrap_err().to_string();
        assert_eq!(
            msg,
            "r.json: not a usable bench report: results is empty: the run measured nothing (interrupted in its ramp, or no I/O completed), so there is nothing to judge"
        );
        let mut r = base();
        let mut zero = op(0.0, 0);
        zero.ops = 0;
        r.report.results = [("read".to_string(), op(1.0, 1))].into();
        bench(&mut r).repetitions = Some(vec![rep(zero, 1.0)]);
        let msg = extract(&r).unwrap_err().to_string();
        assert!(
            msg.ends_with(
                "repetitions[0].results[\"read\"][\"ops\"] is 0: no read was measured, so there is nothing to judge"
            ),
            "{msg}"
        );
    }
}
