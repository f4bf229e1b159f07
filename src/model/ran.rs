//! What ran: the ring as the kernel set it up, what could be registered, the
//! policy, and how many ops went through how many enters (or, on an engine
//! without a ring, how many submitting system calls). Goes into a
//! command's report so a reader knows which path produced the numbers.

use serde::{Deserialize, Serialize};

/// When prepared SQEs are handed to the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Submit {
    /// All SQEs one loop turn prepared go in the enter that also waits for
    /// completions (the fewest syscalls).
    Turn,
    /// Each SQE is submitted as soon as it is prepared (one more
    /// io_uring_enter per op; the device sees I/Os spread out, not in waves).
    EachOp,
}

/// What one ring (or, merged, all of a run's rings) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ran {
    /// The IORING_SETUP_* flags the ring has ("SINGLE_ISSUER", "COOP_TASKRUN",
    /// "DEFER_TASKRUN", "IOPOLL", "SQPOLL"); those the kernel refused are absent.
    pub ring_flags: Vec<String>,
    /// The target is registered as fixed file 0 (else each SQE names its fd).
    pub fixed_file: bool,
    /// The slot buffers are registered (READ_FIXED / WRITE_FIXED; else READ / WRITE).
    pub fixed_buffers: bool,
    /// The ring's own fd is registered (io_uring_enter skips the fd lookup).
    pub registered_ring: bool,
    /// Reads, writes and syncs carried IOSQE_ASYNC.
    pub force_async: bool,
    /// When SQEs were submitted.
    pub submit: Submit,
    /// Ops completed (all slots, ramp included).
    pub ops: u64,
    /// io_uring_enter calls made by the loop; on the other engines the
    /// calls that submitted I/O (psync and pvsync2: one per op; libaio:
    /// io_submit; dio: 0, compio's own enters are not counted).
    pub enters: u64,
}

impl Ran {
    /// What an engine without a ring ran: `ops` ops through `calls`
    /// submitting system calls.
    pub fn system_calls(ops: u64, calls: u64) -> Self {
        Self {
            ring_flags: Vec::new(),
            fixed_file: false,
            fixed_buffers: false,
            registered_ring: false,
            force_async: false,
            submit: Submit::Turn,
            ops,
            enters: calls,
        }
    }

    /// Adds another ring's counts (the set-up is the same for every worker
    /// of a run; where one fell back, the merged result says the fallback).
    pub fn merge(&mut self, other: &Ran) {
        self.ring_flags.retain(|f| other.ring_flags.contains(f));
        self.force_async &= other.force_async;
        self.fixed_file &= other.fixed_file;
        self.fixed_buffers &= other.fixed_buffers;
        self.registered_ring &= other.registered_ring;
        self.ops += other.ops;
        self.enters += other.enters;
    }
}
