//! Which run a verify pass belongs to: the seed and block size its blocks
//! carry, and where each came from. A later `--write` adopts the run found
//! in the target, so its generations stay comparable (an old block left in
//! place is `stale`, half of one `torn`); a check takes the run from the ack
//! log's header, from the flags, or from the first intact block.

pub use crate::model::verify::Origin;

use super::ack_log::LogHeader;
use crate::units::human_bytes;

/// The block size of a new run when none is given.
pub const DEFAULT_BS: u64 = 4096;

impl Origin {
    /// How the summary says it; `write`: for a run that writes.
    fn text(self, write: bool) -> &'static str {
        match self {
            Origin::Flag => "given",
            Origin::Target if write => "adopted from the blocks already in the target",
            Origin::Target => "found in the target's blocks",
            Origin::AckLog => "from the ack log's header",
            Origin::New if write => "a new run",
            Origin::New => "the default",
        }
    }
}

/// A run's seed and block size, with their origins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunId {
    pub seed: u64,
    pub bs: u64,
    pub seed_from: Origin,
    pub bs_from: Origin,
}

impl RunId {
    /// The run a `--write` writes: the flags where given; else the run
    /// `found` in the target (block size, seed), unless `--bs` names
    /// another block size (then it is a new run); else a new one.
    pub fn for_write(found: Option<(u64, u64)>, seed: Option<u64>, bs: Option<u64>, new_seed: u64) -> Self {
        let adopt = found
            .filter(|&(found_bs, found_seed)| bs.is_none_or(|b| b == found_bs) && seed.is_none_or(|s| s == found_seed));
        let (seed, seed_from) = match (seed, adopt) {
            (Some(s), _) => (s, Origin::Flag),
            (None, Some((_, s))) => (s, Origin::Target),
            (None, None) => (new_seed, Origin::New),
        };
        let (bs, bs_from) = match (bs, adopt) {
            (Some(b), _) => (b, Origin::Flag),
            (None, Some((b, _))) => (b, Origin::Target),
            (None, None) => (DEFAULT_BS, Origin::New),
        };
        Self { seed, bs, seed_from, bs_from }
    }

    /// The run a check checks without an ack log: the flags where given,
    /// else the run `found` in the target; None when neither says.
    pub fn for_check(found: Option<(u64, u64)>, seed: Option<u64>, bs: Option<u64>) -> Option<Self> {
        let (seed, seed_from) = match (seed, found) {
            (Some(s), _) => (s, Origin::Flag),
            (None, Some((_, s))) => (s, Origin::Target),
            (None, None) => return None,
        };
        let (bs, bs_from) = match (bs, found) {
            (Some(b), _) => (b, Origin::Flag),
            (None, Some((b, _))) => (b, Origin::Target),
            (None, None) => (DEFAULT_BS, Origin::New),
        };
        Some(Self { seed, bs, seed_from, bs_from })
    }

    /// The run an ack log's header names; a flag that says otherwise is
    /// refused (the log is the authority on what was acknowledged).
    pub fn from_log(
        h: &LogHeader,
        seed: Option<u64>,
        bs: Option<u64>,
        generation: Option<u32>,
    ) -> Result<Self, String> {
        let differs = |flag: &str, given: u64, logged: u64| {
            format!("{flag} {given}: the ack log's header says {logged}; leave {flag} out to check the logged run")
        };
        match (seed, bs, generation) {
            (Some(s), _, _) if s != h.seed => Err(differs("--seed", s, h.seed)),
            (_, Some(b), _) if b != u64::from(h.block_size) => Err(differs("--bs", b, h.block_size.into())),
            (_, _, Some(g)) if g != h.generation => Err(differs("--generation", g.into(), h.generation.into())),
            _ => Ok(Self { seed: h.seed, bs: h.block_size.into(), seed_from: Origin::AckLog, bs_from: Origin::AckLog }),
        }
    }

    /// "seed S (origin), blocks of B (origin)" for the summary; `write`:
    /// for a run that writes.
    pub fn describe(&self, write: bool) -> String {
        let (seed, bs) = (self.seed_from.text(write), self.bs_from.text(write));
        if seed == bs {
            return format!("seed {} and blocks of {}: {seed}", self.seed, human_bytes(self.bs as f64));
        }
        format!("seed {} ({seed}), blocks of {} ({bs})", self.seed, human_bytes(self.bs as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_adopts_the_run_in_the_target_unless_told_otherwise() {
        let found = Some((8192, 42));
        let adopted = RunId::for_write(found, None, None, 1);
        assert_eq!((adopted.seed, adopted.bs, adopted.seed_from), (42, 8192, Origin::Target));
        assert_eq!(RunId::for_write(found, None, Some(8192), 1).seed, 42);
        let other_bs = RunId::for_write(found, None, Some(4096), 1);
        assert_eq!((other_bs.seed, other_bs.seed_from), (1, Origin::New));
        let other_seed = RunId::for_write(found, Some(5), None, 1);
        assert_eq!((other_seed.seed, other_seed.bs, other_seed.bs_from), (5, DEFAULT_BS, Origin::New));
        assert_eq!(RunId::for_write(None, None, None, 9).seed_from, Origin::New);
    }

    #[test]
    fn the_log_wins_over_flags_that_differ() {
        let h = LogHeader {
            block_size: 4096,
            seed: 3,
            generation: 2,
            size: 1 << 20,
            target_bytes: 1 << 20,
            target: "/t".into(),
        };
        assert_eq!(RunId::from_log(&h, Some(3), Some(4096), Some(2)).unwrap().seed_from, Origin::AckLog);
        assert!(RunId::from_log(&h, Some(4), None, None).unwrap_err().starts_with("--seed 4"));
        assert!(RunId::from_log(&h, None, None, Some(1)).unwrap_err().starts_with("--generation 1"));
    }
}
