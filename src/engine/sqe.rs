//! Builds the one SQE of an [`Op`]: fixed file or plain fd, READ_FIXED /
//! WRITE_FIXED or plain READ / WRITE, IOSQE_ASYNC per the policy, the slot in
//! `user_data`.

use io_uring::{opcode, squeue, types};

use super::{Op, OpKind};

/// How the ring addresses the target and the buffers (fixed at set-up).
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The target's fd (used when not registered).
    pub fd: i32,
    pub fixed_file: bool,
    pub fixed_buffers: bool,
    pub force_async: bool,
}

/// The SQE for `op` of `slot`, whose buffer starts at `buf`.
#[inline]
pub fn build(t: Target, slot: usize, buf: *mut u8, op: Op) -> squeue::Entry {
    macro_rules! on {
        ($fd:expr) => {{
            let fd = $fd;
            match (op.kind, t.fixed_buffers) {
                (OpKind::Read, true) => opcode::ReadFixed::new(fd, buf, op.len, slot as u16)
                    .offset(op.offset)
                    .rw_flags(op.rw_flags)
                    .build(),
                (OpKind::Write, true) => opcode::WriteFixed::new(fd, buf, op.len, slot as u16)
                    .offset(op.offset)
                    .rw_flags(op.rw_flags)
                    .build(),
                (OpKind::Read, false) => opcode::Read::new(fd, buf, op.len).offset(op.offset).rw_flags(op.rw_flags).build(),
                (OpKind::Write, false) => {
                    opcode::Write::new(fd, buf, op.len).offset(op.offset).rw_flags(op.rw_flags).build()
                }
                (OpKind::Fsync, _) => opcode::Fsync::new(fd).build(),
                (OpKind::Fdatasync, _) => opcode::Fsync::new(fd).flags(types::FsyncFlags::DATASYNC).build(),
                (OpKind::Nop, _) => opcode::Nop::new().build(),
            }
        }};
    }
    let entry = if t.fixed_file { on!(types::Fixed(0)) } else { on!(types::Fd(t.fd)) };
    let entry = entry.user_data(slot as u64);
    if t.force_async && op.kind != OpKind::Nop { entry.flags(squeue::Flags::ASYNC) } else { entry }
}
