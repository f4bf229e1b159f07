//! Progress bars, one factory for every subcommand (hidden when stderr is
//! not a terminal or with --quiet), and the bench's live IOPS bar: workers publish their completed-op count into
//! their own cache line; a separate thread sums them and draws.

use std::{
    io::IsTerminal,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressStyle};

/// One worker's published op count, alone on its cache line.
#[repr(align(128))]
#[derive(Debug, Default)]
pub struct Counter(AtomicU64);

impl Counter {
    /// Publishes the worker's running total (single writer).
    #[inline]
    pub fn set(&self, total: u64) {
        self.0.store(total, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A bar for a run of `total` (seconds or ops); hidden unless wanted.
pub fn new_bar(len: u64, quiet: bool, template: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Draws live IOPS from the workers' counters until dropped.
pub struct LiveIops {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LiveIops {
    /// Starts drawing; `len_s` is the expected run time in seconds.
    pub fn start(counters: Vec<Arc<Counter>>, len_s: u64, quiet: bool) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let bar = new_bar(len_s.max(1), quiet, "{spinner} [{elapsed_precise}] [{bar:30}] {pos}/{len}s {msg}");
        let flag = done.clone();
        let thread = (!bar.is_hidden()).then(|| {
            std::thread::spawn(move || {
                let start = Instant::now();
                let (mut last_ops, mut last_t) = (0u64, start);
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(250));
                    let ops: u64 = counters.iter().map(|c| c.get()).sum();
                    let now = Instant::now();
                    let iops = (ops - last_ops) as f64 / now.duration_since(last_t).as_secs_f64();
                    (last_ops, last_t) = (ops, now);
                    bar.set_position(now.duration_since(start).as_secs());
                    bar.set_message(format!("{iops:.0} IOPS, {ops} ops"));
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
