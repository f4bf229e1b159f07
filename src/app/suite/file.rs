//! Reads a suite file into jobs, each a command line for `bench` or `wal`,
//! and refuses a bad file before anything runs, naming the file, the line
//! and the key.
//!
//! ```toml
//! rounds = 5             # run every job 5 times, interleaved (default 5)
//!
//! [defaults]             # flags for every job whose command has them
//! time = "2s"
//! target = "${DEV}"      # ${VAR} from the environment; a missing one is an error
//!
//! [[job]]
//! name = "randread-qd32"  # unique; what `gate` matches jobs by
//! command = "bench"       # bench | wal
//! mode = "randread"       # every other key is a flag, spelled as on the command line
//! qd = 32
//! ```
//!
//! A key becomes `--key VALUE` (`true` becomes a bare `--key`, `false`
//! leaves it out, an array becomes a comma-separated list). Each key is
//! parsed on its own by the command's own clap definition (so an unknown
//! key or a bad value is pinned to its line), then the whole job is parsed
//! and its plan validated with the rest before the first job starts.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use clap::Parser;
use toml::{
    Spanned,
    de::{DeTable, DeValue},
};

use crate::{app::cli::Cli, error::AppError};

/// The commands a suite job can run.
pub const COMMANDS: [&str; 2] = ["bench", "wal"];

/// Keys that are outputs of the suite itself, not of a job.
const OUTPUT_KEYS: [&str; 6] = ["json", "csv", "markdown", "hlog", "hgrm", "quiet"];

/// A suite file: its jobs and how many rounds it asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    pub jobs: Vec<Job>,
    /// The file's `rounds`, if it sets it.
    pub rounds: Option<u32>,
}

/// The most rounds a suite runs.
pub const MAX_ROUNDS: u32 = 1000;

/// One job of a suite, ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub name: String,
    /// "bench" or "wal".
    pub command: String,
    /// The line of its `[[job]]` table.
    pub line: usize,
    /// The command line after `jdbio`: `bench --qd 32 ... TARGET`.
    pub argv: Vec<String>,
    /// The target it names (`None`: the command's default target).
    pub target: Option<PathBuf>,
}

/// A flag as read from the file: the key, its line and its argv words.
#[derive(Debug, Clone)]
struct Flag {
    key: String,
    line: usize,
    words: Vec<String>,
}

/// Where a problem is: "suite.toml:12: key qd".
struct Place<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Place<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].matches('\n').count() + 1
    }

    fn err(&self, line: usize, what: impl std::fmt::Display) -> AppError {
        AppError::Usage(format!("{}:{line}: {what}", self.path.display()))
    }
}

/// The largest suite file read: 1 MiB, hundreds of times the longest real
/// one; a larger file (or a device, a pipe that does not end) is refused
/// having read no more than that.
const MAX_SUITE_BYTES: u64 = 1 << 20;

/// Reads and checks the suite at `path`; `env` looks up `${VAR}`.
pub fn read(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Suite, AppError> {
    use std::io::Read;
    let fail = |why: String| AppError::Usage(format!("{}: {why}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_SUITE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_SUITE_BYTES {
        return Err(fail(format!("larger than {MAX_SUITE_BYTES} bytes, too large for a suite file; not read further")));
    }
    let text = String::from_utf8(bytes).map_err(|e| fail(format!("not UTF-8 text ({e})")))?;
    parse(path, &text, env)
}

/// Parses suite `text` (read from `path`, for the messages).
pub fn parse(path: &Path, text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Suite, AppError> {
    let at = Place { path, text };
    let doc = DeTable::parse(text).map_err(|e| {
        let line = e.span().map_or(1, |s| at.line(s.start));
        at.err(line, format!("not valid TOML: {}", e.message().trim()))
    })?;
    let mut defaults = Vec::new();
    let mut tables = Vec::new();
    let mut rounds = None;
    for (key, value) in doc.get_ref() {
        let line = at.line(key.span().start);
        match (key.get_ref().as_ref(), value.get_ref()) {
            ("rounds", DeValue::Integer(n)) => {
                let n = n.as_str().parse::<u32>().ok().filter(|n| (1..=MAX_ROUNDS).contains(n));
                rounds = Some(n.ok_or_else(|| at.err(line, format!("key rounds: must be a whole number from 1 to {MAX_ROUNDS}")))?);
            }
            ("rounds", _) => return Err(at.err(line, format!("key rounds: must be a whole number from 1 to {MAX_ROUNDS}"))),
            ("defaults", DeValue::Table(t)) => defaults = flags(&at, t, env)?,
            ("job", DeValue::Array(jobs)) => {
                for job in jobs {
                    let DeValue::Table(t) = job.get_ref() else {
                        return Err(at.err(at.line(job.span().start), "job: must be a [[job]] table"));
                    };
                    tables.push((at.line(job.span().start), t));
                }
            }
            (k, _) => return Err(at.err(line, format!("key {k}: unknown (a suite has rounds, [defaults] and [[job]] tables)"))),
        }
    }
    if tables.is_empty() {
        return Err(at.err(1, "no [[job]] table: nothing to run"));
    }
    // A default must be a flag of some job command.
    for d in &defaults {
        if !COMMANDS.iter().any(|c| parses(c, &d.words).is_ok()) {
            let why = parses(COMMANDS[0], &d.words).err().unwrap_or_default();
            return Err(at.err(d.line, format!("key {}: {why}", d.key)));
        }
    }
    let mut names = BTreeSet::new();
    let mut jobs = Vec::new();
    for (line, table) in tables {
        let job = job(&at, line, table, &defaults, env)?;
        if !names.insert(job.name.clone()) {
            return Err(at.err(line, format!("name {}: two jobs have this name (gate matches jobs by name)", job.name)));
        }
        jobs.push(job);
    }
    Ok(Suite { jobs, rounds })
}

/// One `[[job]]` table as a command line.
fn job(
    at: &Place,
    line: usize,
    table: &DeTable,
    defaults: &[Flag],
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Job, AppError> {
    let mut own = flags(at, table, env)?;
    let mut take = |key: &str| own.iter().position(|f| f.key == key).map(|i| own.remove(i));
    let name = take("name").ok_or_else(|| at.err(line, "job: needs a name"))?;
    let command = take("command").ok_or_else(|| at.err(line, "job: needs a command (bench or wal)"))?;
    let target = take("target");
    let [name_s, command_s] = [&name, &command].map(|f| f.words.last().cloned().unwrap_or_default());
    if !COMMANDS.contains(&command_s.as_str()) {
        return Err(at.err(command.line, format!("key command: {command_s:?} is not one of {}", COMMANDS.join(", "))));
    }
    let target = target.or_else(|| defaults.iter().find(|d| d.key == "target").cloned());
    let mut argv = vec![command_s.clone()];
    for f in &own {
        parses(&command_s, &f.words).map_err(|why| at.err(f.line, format!("key {}: {why}", f.key)))?;
        argv.extend(f.words.iter().cloned());
    }
    // Defaults the job did not set itself, where its command has the flag.
    for d in defaults.iter().filter(|d| d.key != "target" && !own.iter().any(|f| f.key == d.key)) {
        if parses(&command_s, &d.words).is_ok() {
            argv.extend(d.words.iter().cloned());
        }
    }
    let target = target.map(|t| t.words.last().cloned().unwrap_or_default());
    argv.extend(target.clone());
    // The flags together (a conflict between two of them is the job's).
    parses(&command_s, &argv[1..]).map_err(|why| at.err(line, format!("job {name_s}: {why}")))?;
    Ok(Job { name: name_s, command: command_s, line, argv, target: target.map(PathBuf::from) })
}

/// The keys of `table` as flags, `${VAR}` expanded.
fn flags(at: &Place, table: &DeTable, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Flag>, AppError> {
    let mut out = Vec::new();
    for (key, value) in table {
        let line = at.line(key.span().start);
        let k = key.get_ref().to_string();
        if OUTPUT_KEYS.contains(&k.as_str()) {
            return Err(
                at.err(line, format!("key {k}: not allowed in a suite (give `jdbio run` --json, --csv or --markdown)"))
            );
        }
        let raw = scalar(value).map_err(|why| at.err(line, format!("key {k}: {why}")))?;
        let expanded = match raw {
            Some(v) => Some(expand(&v, env).map_err(|var| at.err(line, format!("key {k}: ${{{var}}} is not set")))?),
            None => None,
        };
        let words = match (k.as_str(), expanded) {
            ("name" | "command" | "target", Some(v)) => vec![v],
            (_, Some(v)) if v == "\u{0}true" => vec![format!("--{k}")],
            (_, Some(v)) => vec![format!("--{k}"), v],
            (_, None) => Vec::new(),
        };
        out.push(Flag { key: k, line, words });
    }
    Ok(out)
}

/// A value as one command-line word (`None` for `false`; `true` as a
/// marker that becomes a bare flag).
fn scalar(value: &Spanned<DeValue>) -> Result<Option<String>, String> {
    Ok(Some(match value.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            let digits = digits.trim_start_matches("0x").trim_start_matches("0o").trim_start_matches("0b");
            i64::from_str_radix(digits, i.radix()).map_err(|e| format!("{}: {e}", i.as_str()))?.to_string()
        }
        DeValue::Float(f) => f.as_str().replace('_', ""),
        DeValue::Boolean(true) => "\u{0}true".into(),
        DeValue::Boolean(false) => return Ok(None),
        DeValue::Array(items) => {
            let words: Result<Vec<_>, _> = items.iter().map(|v| scalar(v).map(Option::unwrap_or_default)).collect();
            words?.join(",")
        }
        other => return Err(format!("a {} is not a flag value", other.type_str())),
    }))
}

/// `text` with each `${VAR}` replaced from `env`; Err(VAR) for a missing one.
fn expand(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start + 2..].find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let var = &rest[start + 2..start + 2 + len];
        out.push_str(&env(var).ok_or_else(|| var.to_string())?);
        rest = &rest[start + 3 + len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses `jdbio COMMAND WORDS` with the real clap definitions; the error
/// as one line.
fn parses(command: &str, words: &[String]) -> Result<(), String> {
    let argv = ["jdbio", command].into_iter().map(String::from).chain(words.iter().cloned());
    Cli::try_parse_from(argv).map(|_| ()).map_err(|e| {
        let text = crate::app::cli::one_line(&e);
        let text = text.as_str();
        match e.kind() {
            // "unexpected argument '--qdd' found tip: a similar argument exists: '--qd'"
            clap::error::ErrorKind::UnknownArgument => match text.find("tip:") {
                Some(at) => format!("not a flag of jdbio {command} ({})", &text[at..]),
                None => format!("not a flag of jdbio {command}"),
            },
            _ => text.to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(var: &str) -> Option<String> {
        (var == "DEV").then(|| "/dev/nvme0n1".to_string())
    }

    fn jobs(text: &str) -> Result<Vec<Job>, String> {
        parse(Path::new("s.toml"), text, &env).map(|s| s.jobs).map_err(|e| e.to_string())
    }

    #[test]
    fn keys_become_flags_and_defaults_fill_in() {
        let got = jobs(
            "[defaults]\ntime = \"2s\"\nqd = 4\ntarget = \"${DEV}\"\n\n[[job]]\nname = \"r\"\ncommand = \"bench\"\nqd = 32\nforce = true\nverify = false\n\n[[job]]\nname = \"w\"\ncommand = \"wal\"\nmethod = [\"fsync\", \"fdatasync\"]\ntarget = \"w.log\"\n",
        )
        .unwrap();
        assert_eq!(got[0].argv, ["bench", "--force", "--qd", "32", "--time", "2s", "/dev/nvme0n1"]);
        assert_eq!(got[0].line, 6);
        // wal has no --qd: the default is not applied there.
        assert_eq!(got[1].argv, ["wal", "--method", "fsync,fdatasync", "--time", "2s", "w.log"]);
    }

    #[test]
    fn bad_files_name_the_line_and_key() {
        let cases = [
            ("[[job]]\nname = \"a\"\ncommand = \"bench\"\nqdd = 3\n", "s.toml:4: key qdd"),
            ("[[job]]\nname = \"a\"\ncommand = \"bench\"\nqd = \"many\"\n", "s.toml:4: key qd"),
            (
                "[[job]]\nname = \"a\"\ncommand = \"bench\"\ntarget = \"${NOPE}\"\n",
                "s.toml:4: key target: ${NOPE} is not set",
            ),
            ("[[job]]\nname = \"a\"\ncommand = \"fio\"\n", "s.toml:3: key command"),
            ("[jobs]\n", "s.toml:1: key jobs"),
            ("[[job]]\nname = \"a\"\ncommand = \"wal\"\nmode = \"randread\"\n", "s.toml:4: key mode"),
            ("[[job]]\nname = \"a\"\ncommand = \"bench\"\njson = \"x\"\n", "s.toml:4: key json"),
            (
                "[[job]]\nname = \"a\"\ncommand = \"bench\"\n[[job]]\nname = \"a\"\ncommand = \"wal\"\n",
                "s.toml:4: name a",
            ),
            ("[[job]]\nname = \"a\"\ncommand = \"bench\"\nqd = 1\nqd = 2\n", "s.toml:5"),
            ("[defaults]\nbogus = 1\n[[job]]\nname = \"a\"\ncommand = \"bench\"\n", "s.toml:2: key bogus"),
            ("", "no [[job]]"),
        ];
        for (text, want) in cases {
            let e = jobs(text).unwrap_err();
            assert!(e.contains(want), "{text:?}: {e}");
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }
}
