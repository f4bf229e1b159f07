//! What a person at a terminal sees, read from a tmux pane: the bench bar's
//! phase, ETA, live IOPS and `--ops` length; no stale bar line above the
//! wal table; the bar cleared before the partial summary after a signal;
//! no colour with `NO_COLOR`.

use crate::common;

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use common::{scratch, skip};

/// A private tmux server (its own socket) running one command in a
/// 120x40 pane; killed when dropped.
struct Pane {
    socket: String,
}

impl Pane {
    /// Runs `script` (sh) in `dir`; the pane stays open after it ends.
    /// None (after a skip) when tmux is missing.
    fn start(test: &str, dir: &Path, script: &str) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            skip(test, "tmux is not installed");
            return None;
        }
        let socket = format!("jdbio-{test}-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_jdbio");
        // The pane's shell outlives a typed Ctrl-C (a handler, not an
        // ignore: jdbio must not inherit SIGINT ignored).
        let script = format!("trap : INT; cd '{}' && JDBIO='{bin}'; {script}; echo EXIT=$?; sleep 600", dir.display());
        let started = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40", "sh", "-c", &script])
            .status()
            .unwrap();
        assert!(started.success(), "tmux new-session");
        Some(Self { socket })
    }

    /// The pane's text; with `escapes`, its colour and attribute sequences too.
    fn screen(&self, escapes: bool) -> String {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket, "capture-pane", "-p"]);
        if escapes {
            cmd.arg("-e");
        }
        String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned()
    }

    /// Polls the pane until `ready` holds (at most a minute) and returns it.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.screen(false);
            if ready(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "no {what} on the screen within a minute:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &str) {
        Command::new("tmux").args(["-L", &self.socket, "send-keys", keys]).status().unwrap();
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}

/// Lines of a bar: a bracketed gauge followed by a count.
fn bar_lines(screen: &str) -> Vec<&str> {
    screen.lines().filter(|l| l.contains("ETA") || l.contains("] ") && l.contains(" [")).collect()
}

#[test]
fn bench_bar_shows_ramp_then_measuring_with_eta_iops_and_the_ops_goal() {
    let dir = scratch();
    // Open loop at 100 IOPS: a 2 s ramp and 300 measured I/Os take at least
    // 5 s whatever the machine does, long enough to read the bar.
    let script = "$JDBIO bench --size 4m --ramp 2s --ops 300 --rate 100 f.dat";
    let Some(pane) = Pane::start("bench_bar", dir.path(), script) else { return };
    let ramp = pane.wait_for("ramp phase", |s| s.contains("ramp ") && s.contains("/300 ops"));
    let measuring = pane.wait_for("measuring phase", |s| s.contains("measuring") && s.contains("/300 ops"));
    for screen in [&ramp, &measuring] {
        let bar = bar_lines(screen);
        assert_eq!(bar.len(), 1, "{screen}");
        assert!(bar[0].contains("ETA") && bar[0].contains("IOPS"), "{screen}");
        assert!(bar[0].chars().count() <= 100, "{screen}");
    }
    let done = pane.wait_for("the end", |s| s.contains("EXIT="));
    assert!(done.contains("EXIT=0") && done.contains("300 ops"), "{done}");
    assert!(bar_lines(&done).is_empty(), "a bar line stayed:\n{done}");
}

#[test]
fn wal_leaves_no_stale_bar_line_above_its_table() {
    let dir = scratch();
    // A new log: it is laid out first, under a bar of its own.
    let script = "$JDBIO wal --time 300ms --size 8m --method none,fdatasync w.log";
    let Some(pane) = Pane::start("wal_stale", dir.path(), script) else { return };
    let done = pane.wait_for("the end", |s| s.contains("EXIT="));
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(done.trim_start().starts_with("jdbio wal:"), "something above the header:\n{done}");
    assert!(bar_lines(&done).is_empty() && !done.contains("laying out"), "{done}");
}

/// Starts a long bench, waits for its bar, signals it with `signal` (a
/// typed Ctrl-C, or `kill` of jdbio's pid), and checks that the bar is gone
/// before the partial summary.
fn bar_cleared_after(test: &str, signal: &str, exit: u32) {
    let dir = scratch();
    let script = "sh -c 'echo $$ > pid; exec \"$0\" bench --size 4m --time 60s --rate 200 f.dat' \"$JDBIO\"";
    let Some(pane) = Pane::start(test, dir.path(), script) else { return };
    pane.wait_for("measuring phase", |s| s.contains("measuring"));
    if signal == "C-c" {
        pane.keys("C-c");
    } else {
        let pid = std::fs::read_to_string(dir.path().join("pid")).unwrap();
        assert!(Command::new("kill").args([signal, pid.trim()]).status().unwrap().success());
    }
    let done = pane.wait_for("the end", |s| s.contains("EXIT="));
    assert!(done.contains(&format!("EXIT={exit}")), "{done}");
    assert!(done.contains("interrupted by"), "{done}");
    assert!(bar_lines(&done).is_empty() && !done.contains("measuring"), "a bar line stayed:\n{done}");
    assert!(done.trim_start().starts_with("jdbio bench:"), "something above the summary:\n{done}");
}

#[test]
fn ctrl_c_clears_the_bar_before_the_partial_summary() {
    bar_cleared_after("ctrl_c", "C-c", 130);
}

#[test]
fn sigterm_clears_the_bar_before_the_partial_summary() {
    bar_cleared_after("sigterm", "-TERM", 143);
}

#[test]
fn sighup_clears_the_bar_before_the_partial_summary() {
    bar_cleared_after("sighup", "-HUP", 129);
}

#[test]
fn no_color_means_no_colour_on_a_terminal() {
    let dir = scratch();
    let script = "NO_COLOR=1 $JDBIO bench --size 4m --ops 300 --rate 100 f.dat";
    let Some(pane) = Pane::start("no_color", dir.path(), script) else { return };
    pane.wait_for("the bar", |s| s.contains("measuring"));
    let bar = pane.screen(true);
    pane.wait_for("the end", |s| s.contains("EXIT=0"));
    let summary = pane.screen(true);
    for screen in [&bar, &summary] {
        // SGR colour: ESC [ then 3x/9x (foreground) or 4x/10x (background).
        let coloured = screen.split("\x1b[").skip(1).any(|seq| {
            let params = seq.split('m').next().unwrap_or("");
            params.split(';').any(|p| p.len() >= 2 && ["3", "4", "9", "10"].iter().any(|c| p.starts_with(c)))
        });
        assert!(!coloured, "colour on the screen with NO_COLOR:\n{screen:?}");
    }
}
