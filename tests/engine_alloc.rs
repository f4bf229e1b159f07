//! The engine's hot path allocates nothing per I/O: a counting global
//! allocator measures a run of N and one of 2N ops through
//! `jdbio::engine::run`; the two differ by no more than a small constant.
//! The reads are also checked against the bytes written, so the count is of
//! a run that did the I/O.
//!
//! The count is per thread: libtest runs this file's tests on parallel
//! threads, and a process-wide counter counted the other test's set-up
//! allocations as this one's (a run's fixed dozen landing inside the other
//! test's measured window).
#![cfg(target_os = "linux")]

use crate::common;

use std::{
    alloc::{GlobalAlloc, Layout, System},
    cell::Cell,
    os::{fd::AsRawFd, unix::fs::OpenOptionsExt},
    sync::atomic::AtomicBool,
    time::Instant,
};

use jdbio::engine::{self, Config, Next, Op, OpKind, Policy, Stop, Workload};

/// Forwards to the system allocator, counting the allocations of the
/// threads that asked to be counted.
struct Counting;

thread_local! {
    /// This thread's allocations since it started counting; `None` while
    /// it does not count. Const-initialized, with no destructor: reading it
    /// from inside the allocator never allocates or recurses.
    static ALLOCS: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Adds one allocation to the calling thread's count, if it counts. After
/// the thread's locals are torn down there is nothing to add to.
fn count_one() {
    let _ = ALLOCS.try_with(|n| n.set(n.get().map(|n| n + 1)));
}

/// Runs `f` on this thread, counting the allocations this thread makes
/// meanwhile (another thread's are not seen): (its result, the count).
fn counting<T>(f: impl FnOnce() -> T) -> (T, u64) {
    ALLOCS.with(|n| n.set(Some(0)));
    let out = f();
    let count = ALLOCS.with(|n| n.replace(None)).unwrap_or(0);
    (out, count)
}

// SAFETY: forwards to System; only counts, in a thread-local Cell that
// needs no allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const BS: usize = 4096;
const BLOCKS: u64 = 256;

/// Reads (or does nops) over the file's blocks, round robin, `left` times;
/// each block's first byte is its number, checked on every read.
struct Reads {
    left: u64,
    next_block: u64,
    kind: OpKind,
    done: u64,
    bad: u64,
}

impl Workload for Reads {
    fn next(&mut self, _slot: usize, _buf: &mut [u8], _now: Instant) -> Next {
        if self.left == 0 {
            return Next::Done;
        }
        self.left -= 1;
        let offset = (self.next_block % BLOCKS) * BS as u64;
        self.next_block += 1;
        Next::Issue(Op { kind: self.kind, offset, len: BS as u32, rw_flags: 0 })
    }

    fn complete(&mut self, _slot: usize, op: Op, buf: &mut [u8], result: i32, _s: Instant, _d: Instant) {
        self.done += 1;
        let ok = match op.kind {
            OpKind::Read => result == BS as i32 && u64::from(buf[0]) == (op.offset / BS as u64) % 251,
            _ => result == 0,
        };
        self.bad += u64::from(!ok);
    }
}

/// Allocations made by one run of `ops` ops of `kind` at QD `slots`.
fn allocs_for(file: &std::fs::File, kind: OpKind, slots: usize, ops: u64) -> u64 {
    let stop = AtomicBool::new(false);
    let config = Config {
        fd: file.as_raw_fd(),
        slots,
        buf_len: BS,
        stop: Stop::new(&stop, &stop),
        policy: Policy::default(),
        hipri: false,
        sqpoll: false,
    };
    let mut work = Reads { left: ops, next_block: 0, kind, done: 0, bad: 0 };
    let (ran, allocs) = counting(|| engine::run(&config, &mut work));
    let ran = ran.expect("the engine runs");
    assert_eq!((work.done, work.bad), (ops, 0), "every op completed and every read returned its block");
    assert_eq!(ran.ops, ops);
    allocs
}

fn target() -> (tempfile::TempDir, std::fs::File) {
    let dir = common::scratch();
    let path = dir.path().join("blocks");
    let mut data = vec![0u8; BLOCKS as usize * BS];
    for (i, block) in data.chunks_mut(BS).enumerate() {
        block.fill((i % 251) as u8);
    }
    std::fs::write(&path, &data).unwrap();
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_DIRECT).open(&path).unwrap();
    (dir, file)
}

#[test]
fn reads_allocate_nothing_per_op() {
    let (_dir, file) = target();
    for slots in [1, 16] {
        let short = allocs_for(&file, OpKind::Read, slots, 2_000);
        let long = allocs_for(&file, OpKind::Read, slots, 4_000);
        assert!(long <= short + 4, "QD {slots}: {short} allocations for 2000 reads, {long} for 4000");
    }
}

#[test]
fn nops_allocate_nothing_per_op() {
    let (_dir, file) = target();
    let short = allocs_for(&file, OpKind::Nop, 8, 5_000);
    let long = allocs_for(&file, OpKind::Nop, 8, 10_000);
    assert!(long <= short + 4, "{short} allocations for 5000 nops, {long} for 10000");
}
