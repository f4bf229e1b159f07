//! Progress bars, one factory for every subcommand (hidden when stderr is
//! not a terminal or with --quiet; no colours, so nothing to turn off for
//! `NO_COLOR`), and the bench's bar: workers publish their completed-op
//! counts into their own cache line with relaxed stores; a separate thread
//! sums them four times a second and draws the phase, ETA and live IOPS.
//! No live p99: latencies live in each worker's private histogram, and
//! reading them from another thread would need a lock or a copy per I/O.

use std::{
    io::IsTerminal,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

mod term;

/// One worker's published op counts, alone on their cache line.
#[repr(align(128))]
#[derive(Debug, Default)]
pub struct Counter {
    all: AtomicU64,
    measured: AtomicU64,
}

impl Counter {
    /// Publishes the worker's running totals (single writer): every
    /// completion, and those of measured I/Os (after the ramp).
    #[inline]
    pub fn set(&self, all: u64, measured: u64) {
        self.all.store(all, Ordering::Relaxed);
        self.measured.store(measured, Ordering::Relaxed);
    }

    fn get(&self) -> (u64, u64) {
        (self.all.load(Ordering::Relaxed), self.measured.load(Ordering::Relaxed))
    }
}

/// A bar for a run of `total` (seconds or ops); hidden unless wanted.
pub fn new_bar(len: u64, quiet: bool, template: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let target = ProgressDrawTarget::term_like_with_hz(Box::new(term::Margined::stderr()), 20);
    let bar = ProgressBar::with_draw_target(Some(len), target);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// What the bench bar fills toward: seconds of run time (ramp included)
/// or, with `--ops N`, N measured I/Os.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    Seconds(u64),
    Ops(u64),
}

/// The bench's phase as the bar names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Workers set up, nothing completed yet (or waiting for --start-at).
    Starting,
    /// I/Os complete but none is measured yet.
    Ramp,
    Measuring,
}

impl Phase {
    /// The word on the bar.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::Ramp => "ramp",
            Phase::Measuring => "measuring",
        }
    }
}

impl Goal {
    /// The bar's length.
    pub fn bar_len(self) -> u64 {
        match self {
            Goal::Seconds(s) => s.max(1),
            Goal::Ops(n) => n.max(1),
        }
    }

    /// The bar's position and the phase, from the time since the start and
    /// the summed counters (`all` completions, `measured` ones among them).
    pub fn progress(self, elapsed: Duration, all: u64, measured: u64) -> (u64, Phase) {
        let phase = match (all, measured) {
            (_, 1..) => Phase::Measuring,
            (1.., 0) => Phase::Ramp,
            _ => Phase::Starting,
        };
        let pos = match self {
            Goal::Seconds(_) => elapsed.as_secs(),
            Goal::Ops(_) => measured,
        };
        (pos.min(self.bar_len()), phase)
    }

    fn template(self) -> &'static str {
        match self {
            Goal::Seconds(_) => "{spinner} {prefix:9} [{elapsed_precise}] [{bar:30}] {pos}/{len}s ETA {eta} {msg}",
            Goal::Ops(_) => "{spinner} {prefix:9} [{elapsed_precise}] [{bar:30}] {pos}/{len} ops ETA {eta} {msg}",
        }
    }
}

/// Draws the bench bar (phase, ETA, live IOPS) from the workers' counters
/// until dropped, then clears it.
pub struct LiveIops {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LiveIops {
    /// Starts drawing toward `goal`.
    pub fn start(counters: Vec<Arc<Counter>>, goal: Goal, quiet: bool) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let bar = new_bar(goal.bar_len(), quiet, goal.template());
        let flag = done.clone();
        let thread = (!bar.is_hidden()).then(|| {
            std::thread::spawn(move || {
                let start = Instant::now();
                let (mut last_ops, mut last_t) = (0u64, start);
                bar.set_prefix(Phase::Starting.name());
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(250));
                    let (all, measured) =
                        counters.iter().map(|c| c.get()).fold((0, 0), |(a, m), (ca, cm)| (a + ca, m + cm));
                    let now = Instant::now();
                    let iops = (all - last_ops) as f64 / now.duration_since(last_t).as_secs_f64();
                    (last_ops, last_t) = (all, now);
                    let (pos, phase) = goal.progress(now.duration_since(start), all, measured);
                    bar.set_prefix(phase.name());
                    bar.set_position(pos);
                    bar.set_message(format!("{iops:.0} IOPS"));
                }
                bar.finish_and_clear();
            })
        });
        Self { done, thread }
    }
}

impl Drop for LiveIops {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_goal_fills_at_n_measured_ops_not_at_all_completions() {
        let goal = Goal::Ops(400_000);
        let secs = Duration::from_secs(3);
        assert_eq!(goal.progress(secs, 186_000, 0), (0, Phase::Ramp));
        assert_eq!(goal.progress(secs, 400_000, 186_000), (186_000, Phase::Measuring));
        assert_eq!(goal.progress(secs, 450_000, 400_000), (400_000, Phase::Measuring));
        assert_eq!(goal.bar_len(), 400_000);
    }

    #[test]
    fn seconds_goal_follows_the_clock_and_stops_at_its_length() {
        let goal = Goal::Seconds(5);
        assert_eq!(goal.progress(Duration::from_secs(2), 0, 0), (2, Phase::Starting));
        assert_eq!(goal.progress(Duration::from_secs(9), 10, 10), (5, Phase::Measuring));
    }
}
