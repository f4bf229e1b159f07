//! Ring set-up: the IORING_SETUP_* flags (each optional one dropped if the
//! kernel refuses it), the slot buffers, and registration of the target as
//! fixed file 0 and of the buffers as fixed buffers, each with a fallback.

use io_uring::IoUring;

use super::{
    Config, EngineError, Policy, Ran, Workload, buffers::SlotBuffers, drive, sqe::Target,
};

/// A ring set up for one [`Config`], ready to [`Ring::run`] a workload.
pub struct Ring<'a> {
    // Dropped first: the kernel lets go of the buffers before they are freed.
    ring: IoUring,
    bufs: SlotBuffers,
    slots: usize,
    target: Target,
    policy: Policy,
    stop: super::Stop<'a>,
    ran: Ran,
}

/// The optional flags, best first; each later set drops what the kernel
/// may refuse (DEFER_TASKRUN needs 6.1, SINGLE_ISSUER 6.0, COOP_TASKRUN 5.19;
/// SQPOLL refuses the task-run flags).
const OPTIONAL: [&[&str]; 4] =
    [&["SINGLE_ISSUER", "COOP_TASKRUN", "DEFER_TASKRUN"], &["SINGLE_ISSUER", "COOP_TASKRUN"], &["COOP_TASKRUN"], &[]];

/// How long an SQPOLL thread spins before it sleeps, ms.
const SQPOLL_IDLE_MS: u32 = 1000;

impl<'a> Ring<'a> {
    /// Sets up the ring, allocates and registers the slot buffers, and
    /// registers the target. Refused IOPOLL or SQPOLL (asked for by
    /// `hipri`, `sqpoll`) is an error; anything else falls back.
    pub fn setup(config: &Config<'a>) -> Result<Self, EngineError> {
        let slots = config.slots.max(1);
        let entries = (slots as u32).next_power_of_two().max(8);
        let mut last = None;
        let mut made = None;
        for optional in OPTIONAL {
            let mut builder = IoUring::builder();
            let mut flags: Vec<&'static str> = Vec::new();
            if config.hipri {
                builder.setup_iopoll();
                flags.push("IOPOLL");
            }
            if config.sqpoll {
                builder.setup_sqpoll(SQPOLL_IDLE_MS);
                flags.push("SQPOLL");
            }
            for &flag in optional {
                match flag {
                    "SINGLE_ISSUER" => builder.setup_single_issuer(),
                    "COOP_TASKRUN" => builder.setup_coop_taskrun(),
                    _ => builder.setup_defer_taskrun(),
                };
                flags.push(flag);
            }
            match builder.build(entries) {
                Ok(ring) => {
                    made = Some((ring, flags));
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let Some((ring, ring_flags)) = made else {
            let what = match (config.hipri, config.sqpoll) {
                (true, true) => " with --hipri and --sqpoll",
                (true, false) => " with --hipri (IORING_SETUP_IOPOLL)",
                (false, true) => " with --sqpoll (IORING_SETUP_SQPOLL)",
                (false, false) => "",
            };
            return Err(EngineError::Ring { what, source: last.unwrap_or_else(std::io::Error::last_os_error) });
        };
        let bufs = SlotBuffers::new(slots, config.buf_len)?;
        let submitter = ring.submitter();
        let fixed_file = submitter.register_files(&[config.fd]).is_ok();
        let iovecs = bufs.iovecs(slots);
        // SAFETY: the iovecs describe `bufs`, which outlives the ring (field order).
        let fixed_buffers = config.buf_len > 0 && unsafe { submitter.register_buffers(&iovecs) }.is_ok();
        let target = Target { fd: config.fd, fixed_file, fixed_buffers, force_async: config.policy.force_async };
        let ran = Ran {
            ring_flags: ring_flags.into_iter().map(String::from).collect(),
            fixed_file,
            fixed_buffers,
            registered_ring: false,
            force_async: config.policy.force_async,
            submit: config.policy.submit,
            ops: 0,
            enters: 0,
        };
        Ok(Self { ring, bufs, slots, target, policy: config.policy, stop: config.stop, ran })
    }

    /// Slot `slot`'s buffer, to fill before the run (nothing is in flight yet).
    pub fn buffer(&mut self, slot: usize) -> &mut [u8] {
        assert!(slot < self.slots, "slot {slot} of {}", self.slots);
        // SAFETY: nothing is in flight before `run`, and `&mut self` is unique.
        unsafe { self.bufs.slot(slot) }
    }

    /// What the set-up got (the counts stay 0 until [`Ring::run`]).
    pub fn ran(&self) -> &Ran {
        &self.ran
    }

    /// Runs `workload` to the end: until every slot is done, or the stop
    /// flag (or a signal) was seen and the ops in flight have completed.
    pub fn run(mut self, workload: &mut impl Workload) -> Result<Ran, EngineError> {
        let lanes = drive::Lanes { bufs: &self.bufs, slots: self.slots, target: self.target, policy: self.policy };
        drive::drive(&mut self.ring, &lanes, self.stop, &mut self.ran, workload)?;
        Ok(self.ran)
    }
}
