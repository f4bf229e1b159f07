//! Many hosts, one histogram. jdbio never coordinates hosts itself: a
//! launcher (mpirun, srun, a Kubernetes Indexed Job, pdsh) starts one jdbio
//! per host; jdbio adds what a launcher cannot, an exact merge of the
//! reports ([`merge`]).

pub mod merge;
