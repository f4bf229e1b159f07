//! What a command writes besides its target and what it reads, named
//! before anything runs, so the application checks and creates every
//! output first and no output lands on a path the run reads or writes.

use std::path::PathBuf;

/// What a command will write besides its target, named before the run.
#[derive(Debug, Default)]
pub struct OutputPlan {
    /// `(flag, value)` of each output jdbio writes at the end ("-" is stdout).
    pub outputs: Vec<(&'static str, String)>,
    /// `(flag, path)` of each file the command creates itself during the
    /// run (the ack log): checked, not created here.
    pub checked: Vec<(&'static str, PathBuf)>,
    /// Every path the command reads or writes: the target, its scratch
    /// files, input reports.
    pub inputs: Vec<PathBuf>,
}

impl OutputPlan {
    /// A plan that reads `inputs` and writes `--json` to `json`, if given.
    pub fn reading(inputs: Vec<PathBuf>, json: &Option<String>) -> Self {
        let outputs = json.iter().map(|v| ("--json", v.clone())).collect();
        Self { outputs, checked: Vec::new(), inputs }
    }

    /// True when an output goes to stdout, so human text goes to stderr.
    pub fn takes_stdout(&self) -> bool {
        self.outputs.iter().any(|(_, v)| v == "-")
    }
}
