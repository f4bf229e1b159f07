//! Rank awareness: which of how many processes this jdbio is, read from the
//! launcher's environment (Open MPI, PMI, Slurm, a Kubernetes Indexed Job)
//! or given by hand (`--rank R --world N`), and `{rank}` and `{host}`
//! substituted in the target and every path a command reads or writes
//! ([`Substitute`], which each command applies to its own paths), once,
//! before its outputs are planned. The application keeps the rank and
//! records it in every report it delivers.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use crate::error::AppError;

/// `--rank` and `--world`, accepted by every subcommand.
#[derive(Debug, Clone, Default, Args)]
pub struct RankArgs {
    /// This process's rank (0-based), when no launcher states it; needs --world.
    #[arg(long, global = true, value_name = "R")]
    pub rank: Option<u64>,
    /// How many processes run the job (the world size), for --rank or where
    /// the launcher states only a rank (a Kubernetes Indexed Job's
    /// JOB_COMPLETION_INDEX).
    #[arg(long, global = true, value_name = "N")]
    pub world: Option<u64>,
}

/// Which of how many this process is, and who said so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rank {
    pub rank: u64,
    /// None when the launcher states no size and --world is not given.
    pub world_size: Option<u64>,
    /// Where the rank came from: "--rank" or the variable's name.
    pub from: &'static str,
}

/// Rank and size variables of each launcher, in the order they are tried.
const LAUNCHERS: [(&str, Option<&str>); 4] = [
    ("OMPI_COMM_WORLD_RANK", Some("OMPI_COMM_WORLD_SIZE")),
    ("PMI_RANK", Some("PMI_SIZE")),
    ("SLURM_PROCID", Some("SLURM_NTASKS")),
    ("JOB_COMPLETION_INDEX", None),
];

/// The rank from the flags, else from the first launcher variable set in
/// `env`; errors name the flag or variable.
pub fn detect(args: &RankArgs, env: impl Fn(&str) -> Option<String>) -> Result<Option<Rank>, String> {
    let number = |name: &str, text: String| {
        text.trim().parse::<u64>().map_err(|_| format!("{name}={text:?}: not a whole number (a rank or a size)"))
    };
    let rank = match args.rank {
        Some(r) if args.world.is_none() => return Err(format!("--rank {r}: needs --world N (how many ranks)")),
        Some(rank) => Rank { rank, world_size: args.world, from: "--rank" },
        None => {
            let Some((var, size)) = LAUNCHERS.iter().find(|(var, _)| env(var).is_some()) else {
                return Ok(None);
            };
            let rank = number(var, env(var).unwrap_or_default())?;
            let stated = size.and_then(|s| env(s).map(|v| number(s, v))).transpose()?;
            Rank { rank, world_size: args.world.or(stated), from: var }
        }
    };
    match rank.world_size {
        Some(0) => Err(format!("a world size of 0 ({}): there is at least this process", rank.from)),
        Some(n) if rank.rank >= n => Err(format!("rank {} ({}) is not below the world size {n}", rank.rank, rank.from)),
        _ => Ok(Some(rank)),
    }
}

/// This machine's host name.
#[cfg(not(unix))]
pub fn host_name() -> String {
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "unknown".into())
}

/// This machine's host name.
#[cfg(unix)]
pub fn host_name() -> String {
    crate::dio::os::unix::host_name()
}

/// What `{rank}` and `{host}` become in a command's paths. A `{rank}`
/// with no rank known is exit 2 naming the flag.
#[derive(Debug, Clone)]
pub struct Substitute {
    rank: Option<Rank>,
    host: String,
}

impl Substitute {
    /// `{rank}` is `rank` (if known), `{host}` this machine's name.
    pub fn new(rank: Option<Rank>) -> Self {
        Self { rank, host: host_name() }
    }

    /// The rank, if known.
    pub fn rank(&self) -> Option<&Rank> {
        self.rank.as_ref()
    }

    fn text(&self, flag: &str, value: &mut String) -> Result<(), AppError> {
        if value.contains("{rank}") {
            let Some(rank) = self.rank.as_ref().map(|r| r.rank) else {
                return Err(AppError::Usage(format!(
                    "{flag} {value}: {{rank}} needs a rank: run under a launcher that states one (mpirun, srun, a Kubernetes Indexed Job) or give --rank R --world N"
                )));
            };
            *value = value.replace("{rank}", &rank.to_string());
        }
        *value = value.replace("{host}", &self.host);
        Ok(())
    }

    /// Substitutes in the value of `flag`, if given.
    pub fn string(&self, flag: &str, value: &mut Option<String>) -> Result<(), AppError> {
        value.as_mut().map_or(Ok(()), |v| self.text(flag, v))
    }

    /// Substitutes in the path given with `flag`.
    pub fn path(&self, flag: &str, value: &mut PathBuf) -> Result<(), AppError> {
        let Some(text) = value.to_str().filter(|t| t.contains('{')) else { return Ok(()) };
        let mut text = text.to_string();
        self.text(flag, &mut text)?;
        *value = PathBuf::from(text);
        Ok(())
    }

    /// Substitutes in the path given with `flag`, if any.
    pub fn opt_path(&self, flag: &str, value: &mut Option<PathBuf>) -> Result<(), AppError> {
        value.as_mut().map_or(Ok(()), |v| self.path(flag, v))
    }
}

impl From<&Rank> for crate::model::RankRecord {
    fn from(r: &Rank) -> Self {
        Self { rank: r.rank, world_size: r.world_size, from: r.from.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn each_launcher_and_the_flags() {
        let none = RankArgs::default();
        let found = |vars: &[(&str, &str)], args: &RankArgs| detect(args, env(vars));
        assert_eq!(found(&[], &none), Ok(None));
        let ompi = [("OMPI_COMM_WORLD_RANK", "2"), ("OMPI_COMM_WORLD_SIZE", "3"), ("SLURM_PROCID", "0")];
        assert_eq!(found(&ompi, &none), Ok(Some(Rank { rank: 2, world_size: Some(3), from: "OMPI_COMM_WORLD_RANK" })));
        let slurm = [("SLURM_PROCID", "5"), ("SLURM_NTASKS", "8")];
        assert_eq!(found(&slurm, &none).unwrap().unwrap().world_size, Some(8));
        let k8s = [("JOB_COMPLETION_INDEX", "1")];
        assert_eq!(found(&k8s, &none).unwrap().unwrap().world_size, None);
        let world = RankArgs { rank: None, world: Some(4) };
        assert_eq!(found(&k8s, &world), Ok(Some(Rank { rank: 1, world_size: Some(4), from: "JOB_COMPLETION_INDEX" })));
        let by_hand = RankArgs { rank: Some(0), world: Some(2) };
        assert_eq!(found(&ompi, &by_hand).unwrap().unwrap().from, "--rank");
    }

    #[test]
    fn bad_values_are_named() {
        let none = RankArgs::default();
        assert_eq!(
            detect(&none, env(&[("PMI_RANK", "x")])).unwrap_err(),
            "PMI_RANK=\"x\": not a whole number (a rank or a size)"
        );
        assert_eq!(
            detect(&none, env(&[("PMI_RANK", "3"), ("PMI_SIZE", "3")])).unwrap_err(),
            "rank 3 (PMI_RANK) is not below the world size 3"
        );
        let alone = RankArgs { rank: Some(1), world: None };
        assert_eq!(detect(&alone, env(&[])).unwrap_err(), "--rank 1: needs --world N (how many ranks)");
    }
}
