//! Classifying each case (kernel versus library), the `align` report
//! section, and the human matrix.

use std::fmt::Write;

pub use crate::model::align::{CaseResult, LibraryAlignment, Minimum, Reported, Section, Verdict};

use super::{
    cases::{Case, Dimension, Op},
    kernel, library,
};
use crate::dio::Alignment;

impl CaseResult {
    /// Compares the two answers for `case`.
    pub fn new(case: Case, k: kernel::Outcome, l: &library::Outcome) -> Self {
        let verdict = match (k.accepted(), l) {
            (true, library::Outcome::Done) | (false, library::Outcome::Refused) => Verdict::Match,
            (true, library::Outcome::Refused) => Verdict::Superset,
            (false, library::Outcome::Done) | (_, library::Outcome::Failed(_)) => Verdict::Violation,
        };
        Self { case, kernel: k.label(case.len), library: l.label(), verdict }
    }
}

impl From<Alignment> for LibraryAlignment {
    fn from(a: Alignment) -> Self {
        Self { mem_bytes: a.mem, offset_bytes: a.offset }
    }
}

impl Minimum {
    /// From the kernel's (`library == false`) or the library's answers.
    pub fn of(results: &[CaseResult], library: bool) -> Self {
        let smallest = |dim: Dimension| {
            let accepted = |v: u64| {
                results
                    .iter()
                    .filter(|r| r.case.dimension == dim && r.case.value() == Some(v))
                    .all(|r| if library { r.library == "ok" } else { r.kernel == "ok" })
            };
            let mut values: Vec<u64> =
                results.iter().filter(|r| r.case.dimension == dim).filter_map(|r| r.case.value()).collect();
            values.sort_unstable();
            values.into_iter().find(|&v| v > 0 && accepted(v))
        };
        Self {
            offset: smallest(Dimension::Offset),
            length: smallest(Dimension::Length),
            addr: smallest(Dimension::Addr),
        }
    }

    fn line(&self) -> String {
        let v = |n: Option<u64>| n.map_or("none".to_string(), |n| n.to_string());
        format!("offset {}, length {}, buffer address {}", v(self.offset), v(self.length), v(self.addr))
    }
}

impl Section {
    /// Builds the section and its counts.
    pub fn new(
        reported: Reported,
        library_alignment: Alignment,
        base_len: usize,
        writes_tested: bool,
        cases: Vec<CaseResult>,
    ) -> Self {
        let count = |v: Verdict| cases.iter().filter(|c| c.verdict == v).count();
        Self {
            reported,
            library_alignment: library_alignment.into(),
            kernel_min: Minimum::of(&cases, false),
            library_min: Minimum::of(&cases, true),
            base_len,
            writes_tested,
            matches: count(Verdict::Match),
            violations: count(Verdict::Violation),
            superset: count(Verdict::Superset),
            restored_bytes: None,
            cases,
        }
    }
}

/// The human output: requirements, measured minimums, one table per
/// dimension, the verdict and every violation.
pub fn render(header: &str, s: &Section) -> String {
    let mut out = String::new();
    let r = &s.reported;
    let _ = writeln!(out, "{header}");
    let _ = writeln!(
        out,
        "  reported  Direct I/O offset/length alignment {}, memory alignment {}; logical block {}, physical block {}",
        r.dio_offset_align, r.dio_mem_align, r.logical_block_bytes, r.physical_block_bytes
    );
    let _ = writeln!(out, "  kernel    smallest accepted: {}", s.kernel_min.line());
    let _ = writeln!(out, "  library   smallest accepted: {}", s.library_min.line());
    let ops: &[Op] = if s.writes_tested { &[Op::Read, Op::Write] } else { &[Op::Read] };
    for dim in Dimension::ALL {
        table(&mut out, s, dim, ops);
    }
    out.push('\n');
    let total = s.cases.len();
    if s.violations > 0 {
        let _ = writeln!(
            out,
            "  verdict: FAILED: the library let through {} of {total} requests that the kernel rejects:",
            s.violations
        );
        for c in s.cases.iter().filter(|c| c.verdict == Verdict::Violation) {
            let _ = writeln!(
                out,
                "    {} offset {} length {} buffer +{}: kernel {}, library {}",
                c.case.op.name(),
                c.case.offset,
                c.case.len,
                c.case.addr_offset,
                c.kernel,
                c.library
            );
        }
    } else if s.superset > 0 {
        let _ = writeln!(
            out,
            "  verdict: ok: the library never lets through a request the kernel rejects ({total} requests); it is stricter than the kernel on {} (an allowed superset, marked 'stricter')",
            s.superset
        );
    } else {
        let _ = writeln!(
            out,
            "  verdict: ok: the library refuses exactly the requests the kernel rejects ({total} requests, {} rejected)",
            s.cases.iter().filter(|c| c.library == "alignment").count()
        );
    }
    out
}

/// One dimension's table: value -> kernel / library answer for each op,
/// and a mark where they differ.
fn table(out: &mut String, s: &Section, dim: Dimension, ops: &[Op]) {
    let title = match dim {
        Dimension::Offset => format!("by offset (length {}, buffer +0)", s.base_len),
        Dimension::Length => "by length (offset 0, buffer +0)".to_string(),
        Dimension::Addr => format!("by buffer address, bytes past a page boundary (offset 0, length {})", s.base_len),
        Dimension::Mixed => "mixed: offset/length/+buffer".to_string(),
    };
    let mut head = format!("  {:>16}", "value");
    for op in ops {
        let _ = write!(head, "   {:<13} {:<13}", format!("{} kernel", op.name()), format!("{} library", op.name()));
    }
    let _ = writeln!(out, "\n  {title}\n{}", head.trim_end());
    let key = |c: &CaseResult| (c.case.offset, c.case.len, c.case.addr_offset);
    for row in s.cases.iter().filter(|c| c.case.dimension == dim && c.case.op == ops[0]) {
        let mut line = format!("  {:>16}", row.case.label());
        let mut marks = Vec::new();
        for &op in ops {
            let same = |c: &&CaseResult| c.case.op == op && c.case.dimension == dim && key(c) == key(row);
            let Some(c) = s.cases.iter().find(same) else { continue };
            let library = if c.library == "alignment" { "refused" } else { c.library.as_str() };
            let _ = write!(line, "   {:<13} {:<13}", c.kernel, library);
            match c.verdict {
                Verdict::Match => {}
                Verdict::Superset => marks.push(format!("{}: library stricter", op.name())),
                Verdict::Violation => marks.push(format!("{}: VIOLATION", op.name())),
            }
        }
        let line = format!("{}   {}", line.trim_end(), marks.join(", "));
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align_check::{kernel::Outcome as K, library::Outcome as L};

    fn case(offset: u64) -> Case {
        Case { dimension: Dimension::Offset, op: Op::Read, offset, len: 4096, addr_offset: 0 }
    }

    #[test]
    fn verdicts() {
        let einval = K::Rejected(libc::EINVAL);
        assert_eq!(CaseResult::new(case(0), K::Accepted(4096), &L::Done).verdict, Verdict::Match);
        assert_eq!(CaseResult::new(case(1), einval, &L::Refused).verdict, Verdict::Match);
        assert_eq!(CaseResult::new(case(512), K::Accepted(4096), &L::Refused).verdict, Verdict::Superset);
        assert_eq!(CaseResult::new(case(1), einval, &L::Done).verdict, Verdict::Violation);
        assert_eq!(CaseResult::new(case(1), einval, &L::Failed("EINVAL".into())).verdict, Verdict::Violation);
        let r = CaseResult::new(case(1), einval, &L::Refused);
        assert_eq!((r.kernel.as_str(), r.library.as_str()), ("EINVAL", "alignment"));
    }

    #[test]
    fn minimum_and_violation_output() {
        let results = vec![
            CaseResult::new(case(0), K::Accepted(4096), &L::Done),
            CaseResult::new(case(1), K::Rejected(libc::EINVAL), &L::Done),
            CaseResult::new(case(512), K::Accepted(4096), &L::Refused),
            CaseResult::new(case(4096), K::Accepted(4096), &L::Done),
        ];
        let reported = Reported {
            dio_mem_align: 512,
            dio_offset_align: 512,
            logical_block_bytes: 512,
            physical_block_bytes: 4096,
        };
        let s = Section::new(reported, Alignment { mem: 512, offset: 4096 }, 4096, false, results);
        assert_eq!((s.kernel_min.offset, s.library_min.offset), (Some(512), Some(1)));
        assert_eq!((s.matches, s.superset, s.violations), (2, 1, 1));
        let text = render("header", &s);
        assert!(text.contains("read: VIOLATION"), "{text}");
        assert!(text.contains("read: library stricter"), "{text}");
        assert!(
            text.contains("FAILED") && text.contains("read offset 1 length 4096 buffer +0: kernel EINVAL, library ok"),
            "{text}"
        );
    }
}
