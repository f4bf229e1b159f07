//! Legend text from a report's `job`: what a person would type to get that
//! line again, e.g. "randread 4k qd32" or "fdatasync overwrite 8k". Missing
//! settings are left out rather than guessed.

use crate::model::{
    bench::{BenchJob, Dist, IoPath, Mode},
    wal::WalJob,
};

/// "randread 4k qd32", with "jobs 4", the read share of a mixed mode, a
/// non-uniform offset distribution, "buffered" (page cache) I/O and an
/// open-loop rate when they apply.
pub fn bench(job: &BenchJob) -> String {
    let mut parts = vec![job.mode.name().to_string()];
    if job.mode == Mode::Randrw {
        parts.push(format!("{}/{}", job.read_pct, 100u32.saturating_sub(job.read_pct)));
    }
    parts.push(size(job.bs_bytes));
    parts.push(format!("qd{}", job.qd));
    if job.jobs > 1 {
        parts.push(format!("jobs {}", job.jobs));
    }
    if job.dist != Dist::Uniform {
        parts.push(job.dist.to_string());
    }
    if job.io == IoPath::Buffered {
        parts.push(if job.warm { "buffered warm" } else { "buffered" }.into());
    }
    if let Some(rate) = job.rate_iops {
        parts.push(format!("@{} IOPS", count(rate)));
    }
    parts.join(" ")
}

/// What every line of a wal report shares: "wal, bs 8k", with "batch N"
/// and "writers N" when above 1.
pub fn wal(job: &WalJob) -> String {
    let mut parts = vec!["wal".to_string(), format!("bs {}", size(job.bs_bytes))];
    for (key, n) in [("batch", job.batch), ("writers", job.writers)] {
        if n > 1 {
            parts.push(format!("{key} {n}"));
        }
    }
    parts.join(", ")
}

/// A byte count as `--bs` takes it: "512", "4k", "128k", "1m".
pub fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "g"), (1 << 20, "m"), (1 << 10, "k")];
    for (unit, suffix) in UNITS {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// A rate or count, short: "950", "12k", "1.5M".
pub fn count(n: f64) -> String {
    let (v, suffix) = match n.abs() {
        a if a >= 1e6 => (n / 1e6, "M"),
        a if a >= 1e3 => (n / 1e3, "k"),
        _ => (n, ""),
    };
    format!("{}{suffix}", trim(v))
}

/// `v` with at most three significant digits and no trailing zeros:
/// "0.05", "2.5", "120", "1500".
pub fn trim(v: f64) -> String {
    let decimals = match v.abs() {
        0.0 => 0,
        a if a >= 100.0 => 0,
        a => (2.0 - a.log10().floor()).max(0.0) as usize,
    };
    let text = format!("{v:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Engine,
        bench::StopJob,
        bench::{Arrival, AsyncMode, DataKind, Submit},
        wal::WalJob,
    };

    fn job(mode: Mode, read_pct: u32, bs_bytes: u64, qd: u32, jobs: u32, dist: Dist, rate: Option<f64>) -> BenchJob {
        BenchJob {
            path: None,
            mode,
            read_pct,
            bs_bytes,
            qd,
            jobs,
            offset_bytes: 0,
            size_bytes: 1 << 30,
            stop: StopJob::TimeS(1.0),
            ramp_s: 0.0,
            repeat: 1,
            rate_iops: rate,
            arrival: Arrival::Fixed,
            interval_s: None,
            dist,
            seed: None,
            data: DataKind::Random,
            verify: false,
            submit: Submit::Auto,
            engine: Engine::Uring,
            io: IoPath::Direct,
            warm: false,
            async_mode: AsyncMode::Auto,
            hipri: false,
            sqpoll: false,
            force: false,
            needs_layout: false,
        }
    }

    fn wal_job(bs_bytes: u64, batch: u32, writers: u32) -> WalJob {
        WalJob {
            path: "w".into(),
            engine: crate::model::Engine::Psync,
            profile: None,
            methods: Vec::new(),
            file_modes: Vec::new(),
            bs_bytes,
            batch,
            time_s: 1.0,
            writers,
            size_bytes: 0,
            keep: false,
        }
    }

    #[test]
    fn bench_labels_read_like_the_command_line() {
        assert_eq!(bench(&job(Mode::Randread, 100, 4096, 32, 1, Dist::Uniform, None)), "randread 4k qd32");
        let mixed = job(Mode::Randrw, 70, 131072, 1, 4, Dist::Zipf { theta: 1.2 }, Some(20000.0));
        assert_eq!(bench(&mixed), "randrw 70/30 128k qd1 jobs 4 zipf:1.2 @20k IOPS");
        let mut buffered = job(Mode::Randread, 100, 8192, 1, 1, Dist::Uniform, None);
        buffered.io = IoPath::Buffered;
        assert_eq!(bench(&buffered), "randread 8k qd1 buffered");
        buffered.warm = true;
        assert_eq!(bench(&buffered), "randread 8k qd1 buffered warm");
    }

    #[test]
    fn wal_headings_name_the_shared_settings() {
        assert_eq!(wal(&wal_job(8192, 1, 1)), "wal, bs 8k");
        assert_eq!(wal(&wal_job(8192, 1, 4)), "wal, bs 8k, writers 4");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(size(512), "512");
        assert_eq!(size(1 << 20), "1m");
        assert_eq!(size(6144), "6k");
        assert_eq!(size(1000), "1000");
        assert_eq!(count(950.0), "950");
        assert_eq!(count(117_999.0), "118k");
        assert_eq!(count(1_500_000.0), "1.5M");
        assert_eq!(trim(0.05), "0.05");
        assert_eq!(trim(2.5), "2.5");
        assert_eq!(trim(0.0), "0");
        assert_eq!(trim(1500.0), "1500");
    }
}
