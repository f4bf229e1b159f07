//! Many hosts, one histogram: what every command needs to run as one rank
//! of a fleet. jdbio never coordinates hosts itself: a launcher (mpirun,
//! srun, a Kubernetes Indexed Job, pdsh) starts one jdbio per host and
//! states its rank ([`rank`]: `{rank}` and `{host}` in paths, the report's
//! `rank`); jdbio adds a common start ([`start`]). The exact merge of the
//! ranks' reports is a command of its own (`jdbio merge`, [`crate::fleet`]).

pub mod rank;
pub mod start;
