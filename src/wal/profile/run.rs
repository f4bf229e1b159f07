//! Runs each setting of a `--profile` plan: makes the directory when it
//! is missing, replays the setting's commits ([`super::replay`]) with a
//! fresh set of files, removes the files it made (unless --keep), and
//! gives one row per setting, named by the profile and the setting.

use std::time::Duration;

use super::{
    ProfilePlan, Setting,
    files::Files,
    replay::{self, Replay},
};
use crate::{
    dio::{AlignedBuf, Error},
    error::AppError,
    target::TargetInfo,
    wal::{device_io::Watch, report::Entry, runner::EntryStats},
};

/// What a profile run gives: its rows, the error that ended it early, and
/// what its files are on (a setting's first file, probed before it is
/// removed).
pub struct Ran {
    pub entries: Vec<Entry>,
    pub failure: Option<AppError>,
    pub target: Option<TargetInfo>,
}

/// Runs every setting of `plan` for `time` each, `keep` leaving the files.
pub fn run(plan: &ProfilePlan, time: Duration, keep: bool, bar: &indicatif::ProgressBar) -> Ran {
    let mut ran = Ran { entries: Vec::new(), failure: None, target: None };
    if plan.make_dir
        && let Err(e) = std::fs::create_dir(&plan.dir)
    {
        ran.failure = Some(Error::io(&plan.dir, "create the directory", None, e).into());
        return ran;
    }
    for &setting in &plan.settings {
        if crate::interrupt::requested() {
            break;
        }
        bar.set_message(format!("{} {}", plan.profile.name(), setting.name));
        let mut entry = match setting.unsupported {
            Some(why) => Entry::unsupported(setting.method, setting.file_mode, why.into()),
            None => match watched(plan, setting, time, keep) {
                (watch, Ok((mut stats, target))) => {
                    ran.target = ran.target.take().or(target);
                    let mut entry = Entry::measured(setting.method, setting.file_mode, &stats);
                    // The device's view of the whole setting: its commits and
                    // the file set-up before them (a zero-filled segment).
                    entry.device_io = Some(watch.finish(stats.commits));
                    if let Some(e) = stats.error.take() {
                        entry.note = Some(format!("stopped by an error after {} commits: {e}", stats.commits));
                        ran.failure = Some(e.into());
                    }
                    entry
                }
                (_, Err(e)) => {
                    ran.failure = Some(e.into());
                    break;
                }
            },
        };
        entry.profile = Some(plan.profile);
        entry.setting = Some(setting.name.to_string());
        ran.entries.push(entry);
        bar.inc(time.as_secs().max(1));
        if ran.failure.is_some() {
            break;
        }
    }
    if plan.make_dir && !keep {
        let _ = std::fs::remove_dir(&plan.dir);
    }
    ran
}

/// One setting: set-up, then commits for `time`, on fresh files; and what
/// its first file is on.
fn run_setting(
    plan: &ProfilePlan,
    setting: &Setting,
    time: Duration,
    keep: bool,
) -> Result<(EntryStats, Option<TargetInfo>), Error> {
    let (mut calls, count, name, max_write) = plan.profile.calls(setting);
    let mut files = Files::new(&plan.dir, count, name);
    let mut buf = AlignedBuf::zeroed(max_write)?;
    let mut replay = Replay::new(calls.as_mut(), time);
    replay::run(&mut replay, &mut files, &mut buf);
    let stats = std::mem::replace(&mut replay.stats, EntryStats::new());
    let target = crate::target::probe(files.path(0)).ok();
    if !keep {
        files.remove_created();
    }
    Ok((stats, target))
}

/// Runs `setting` with the device under the directory watched from before
/// its first call, so its row can say what the device saw.
fn watched(
    plan: &ProfilePlan,
    setting: &Setting,
    time: Duration,
    keep: bool,
) -> (Watch, Result<(EntryStats, Option<TargetInfo>), Error>) {
    let watch = Watch::start(&plan.dir);
    (watch, run_setting(plan, setting, time, keep))
}
