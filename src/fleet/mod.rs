//! Many hosts, one histogram. jdbio never coordinates hosts itself: a
//! launcher (mpirun, srun, a Kubernetes Indexed Job, pdsh) starts one jdbio
//! per host and states its rank ([`rank`]); jdbio adds what a launcher
//! cannot: a common start ([`start`])
//! and an exact merge of the reports ([`merge`]).

pub mod merge;
pub mod rank;
pub mod start;
