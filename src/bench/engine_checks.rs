//! The engine options of a bench plan, checked and decided before any I/O:
//! which options the chosen `--engine` takes, whether `--hipri` can work on
//! the target, and what `--async auto` means for it.

use std::path::Path;

use super::{
    args::{self, BenchArgs},
    plan::Plan,
};
use crate::io_engine::Engine;
use crate::model::bench::{AsyncMode, IoPath};

/// Refuses the options `--engine` cannot take, in one line naming both:
/// the ring's own (--sqpoll, --submit, --async) on any other engine, and
/// --hipri where there is nothing to poll (psync, libaio, dio; pvsync2
/// takes it as RWF_HIPRI).
pub fn combination(args: &BenchArgs) -> Result<(), String> {
    let engine = Engine::from(args.engine);
    engine.available()?;
    let ring_only = |flag: &str| Err(format!("{flag} with --engine {engine}: an io_uring option; only --engine uring has a ring"));
    if !engine.is_ring() {
        if args.sqpoll {
            return ring_only("--sqpoll");
        }
        if args.submit != args::Submit::Auto {
            return ring_only(&format!("--submit {}", if args.submit == args::Submit::Eager { "eager" } else { "batch" }));
        }
        if args.async_mode != args::AsyncMode::Auto {
            return ring_only(&format!("--async {}", if args.async_mode == args::AsyncMode::On { "on" } else { "off" }));
        }
    }
    if args.hipri && matches!(engine, Engine::Psync | Engine::Libaio | Engine::Dio) {
        return Err(format!(
            "--hipri with --engine {engine}: {engine} cannot ask for polled completions (--engine uring or pvsync2 can)"
        ));
    }
    Ok(())
}
use crate::target::{TargetInfo, TargetKind};

/// `--hipri` needs a block device whose queue has poll queues.
pub fn hipri(path: &Path, target: Option<&TargetInfo>) -> Result<(), String> {
    let refuse = |why: &str| Err(format!("--hipri: {} {why}", path.display()));
    if target.is_none_or(|t| t.kind != TargetKind::Block) {
        return refuse("is not a block device (polled I/O needs a device with poll queues, e.g. NVMe)");
    }
    #[cfg(target_os = "linux")]
    {
        let polls = std::fs::metadata(path).is_ok_and(|m| crate::engine::policy::io_poll(&m));
        if !polls {
            return refuse("has no poll queues (its queue/io_poll is not 1; NVMe needs the nvme.poll_queues parameter)");
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    refuse("cannot be polled: io_uring is Linux only")
}

/// Whether reads and writes carry IOSQE_ASYNC, and why. `auto` asks the
/// target (after any layout, so it exists): a non-blocking Direct I/O read
/// of one block at the region's start.
pub fn force_async(plan: &Plan) -> (bool, String) {
    match plan.async_mode {
        _ if plan.engine.is_nop() => (false, "--engine nop: a NOP never goes to io-wq".into()),
        _ if !plan.engine.is_ring() => (false, format!("--engine {}: no ring, no io-wq", plan.engine)),
        AsyncMode::Auto if plan.io == IoPath::Buffered => {
            (false, "auto: off for --io buffered (the probe is a Direct I/O read)".into())
        }
        AsyncMode::On => (true, "--async on".into()),
        AsyncMode::Off => (false, "--async off".into()),
        AsyncMode::Auto => auto(plan),
    }
}

#[cfg(target_os = "linux")]
fn auto(plan: &Plan) -> (bool, String) {
    let file = crate::dio::os::open_blocking(&plan.path, crate::dio::OpenMode::Read);
    match file {
        Ok(file) => crate::engine::policy::auto(&file, plan.offset, plan.bs as usize),
        Err(e) => (false, format!("auto: the target cannot be opened to ask ({e})")),
    }
}

#[cfg(not(target_os = "linux"))]
fn auto(_plan: &Plan) -> (bool, String) {
    (false, "auto: io_uring is Linux only".into())
}
