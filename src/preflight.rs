//! What each command will write besides its target and what it reads,
//! collected from the command line before anything runs, so every output
//! path is checked and created ([`crate::report::prepare`]) before any I/O.

use std::path::PathBuf;

use crate::{cli::Command, report::OutputPlan};

/// The outputs and inputs of `command`.
pub fn output_plan(command: &Command) -> OutputPlan {
    let mut plan = OutputPlan::default();
    let json = |json: &Option<String>| json.iter().map(|v| ("--json", v.clone())).collect::<Vec<_>>();
    let target = |t: &Option<PathBuf>, default: &str| t.clone().unwrap_or_else(|| PathBuf::from(default));
    match command {
        Command::Info(args) => {
            plan.inputs.push(args.target.clone());
            plan.outputs = json(&args.json);
        }
        Command::Bench(args) => {
            plan.inputs.push(target(&args.target, crate::bench::plan::DEFAULT_TARGET));
            plan.outputs = json(&args.output.json);
            plan.outputs.extend(args.export.outputs());
            plan.outputs.extend(args.hlog.iter().map(|p| ("--hlog", p.display().to_string())));
            // --hgrm names a base: the files are one per op kind and latency
            // beside it, and the base itself must not be a device either.
            plan.checked.extend(args.hgrm.iter().map(|p| ("--hgrm", p.clone())));
            let hgrm = args.hgrm.iter().flat_map(|p| crate::bench::timeline::hgrm_paths(args, p));
            plan.outputs.extend(hgrm.map(|p| ("--hgrm", p.display().to_string())));
        }
        Command::Verify(args) => {
            plan.inputs.push(args.target.clone());
            match (&args.ack_log, args.write) {
                (Some(log), true) => plan.checked.push(("--ack-log", log.clone())),
                (Some(log), false) => plan.inputs.push(log.clone()),
                (None, _) => {}
            }
            plan.outputs = json(&args.output.json);
        }
        Command::Wal(args) => {
            plan.inputs.push(target(&args.target, crate::wal::DEFAULT_TARGET));
            plan.outputs = json(&args.output.json);
            plan.outputs.extend(args.export.outputs());
        }
        Command::Prealloc(args) => {
            let base = target(&args.target, crate::prealloc::DEFAULT_TARGET);
            plan.inputs.extend(crate::prealloc::mode_paths(&base));
            plan.inputs.push(base);
            plan.outputs = json(&args.output.json);
        }
        Command::Align(args) => {
            plan.inputs.push(target(&args.target, crate::align_check::DEFAULT_TARGET));
            plan.outputs = json(&args.json);
        }
        Command::Plot(args) => {
            plan.inputs = args.reports.clone();
            plan.outputs = args.output.iter().map(|v| ("-o", v.clone())).collect();
        }
        Command::Gate(args) => {
            plan.inputs = vec![args.baseline.clone(), args.current.clone()];
            plan.outputs = json(&args.json);
            plan.outputs.extend(args.markdown.iter().map(|v| ("--markdown", v.clone())));
            plan.outputs.extend(args.csv.iter().map(|v| ("--csv", v.clone())));
        }
        Command::Merge(args) => {
            plan.inputs = args.reports.clone();
            plan.outputs = json(&args.json);
            plan.outputs.extend(args.export.outputs());
        }
        Command::Run(args) => {
            plan.inputs.push(args.suite.clone());
            // The jobs' targets, so no output of the suite lands on one (a
            // suite that does not parse is refused by the run itself).
            if let Ok(jobs) = crate::suite::file::read(&args.suite, &|var| std::env::var(var).ok()) {
                plan.inputs.extend(jobs.into_iter().map(|j| {
                    let default = if j.command == "wal" {
                        crate::wal::DEFAULT_TARGET
                    } else {
                        crate::bench::plan::DEFAULT_TARGET
                    };
                    j.target.unwrap_or_else(|| PathBuf::from(default))
                }));
            }
            plan.outputs = json(&args.output.json);
            plan.outputs.extend(args.export.outputs());
        }
        // They print to stdout and read nothing.
        Command::Schema(_) | Command::Completions(_) | Command::Man(_) => {}
    }
    plan
}
