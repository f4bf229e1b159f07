//! What goes on the picture, decided before any drawing: the title, one
//! styled line per latency distribution and per time series, the legend.
//! Colours follow (report, op kind or wal method); line styles tell apart
//! what shares a colour (service vs response latency, wal file modes).

use std::path::{Path, PathBuf};

use super::{
    load::{Sample, Source},
    spectrum,
};

/// How one line looks: a palette index and a dash pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub color: usize,
    /// 0 solid, 1 dashed, 2 dotted.
    pub dash: usize,
}

/// One line on the spectrum.
#[derive(Debug)]
pub struct Line {
    pub style: Style,
    /// (log10(1/(1-p)), latency ns).
    pub points: Vec<(f64, f64)>,
}

/// One line on the over-time panels.
#[derive(Debug)]
pub struct TimeLine {
    pub style: Style,
    /// Drawn on the IOPS panel too (a response-time line repeats its
    /// service line's IOPS, so it is drawn on the p99 panel only).
    pub iops: bool,
    pub samples: Vec<Sample>,
}

/// One row of the legend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A report's name and what its lines share: "w.json: wal, bs 8k".
    Heading(String),
    /// A line of that report.
    Line(String, Style),
}

/// The whole picture's content.
#[derive(Debug)]
pub struct Figure {
    /// Names the reports.
    pub title: String,
    /// One line per report (at most [`MAX_ABOUT`], then "and N more").
    pub about: Vec<String>,
    pub lines: Vec<Line>,
    pub time_lines: Vec<TimeLine>,
    /// In drawing order: each report's heading, then its lines.
    pub legend: Vec<Entry>,
}

/// Number of report descriptions under the title.
const MAX_ABOUT: usize = 3;

/// Distinct colours before line styles start to repeat with them.
pub const COLORS: usize = 10;

impl Figure {
    /// Lays out `sources`, read from `paths` (same order).
    pub fn new(sources: &[Source], paths: &[PathBuf]) -> Self {
        let names = names(paths);
        let mut groups: Vec<(usize, String)> = Vec::new();
        let mut style = |report: usize, group: &str, variant: usize| {
            let i = groups.iter().position(|(r, g)| (*r, g.as_str()) == (report, group)).unwrap_or_else(|| {
                groups.push((report, group.to_string()));
                groups.len() - 1
            });
            // Past the palette, colours come back with another dash pattern.
            Style { color: i % COLORS, dash: (variant + i / COLORS) % 3 }
        };
        let mut lines = Vec::new();
        let mut time_lines = Vec::new();
        let mut legend = Vec::new();
        for (i, (source, name)) in sources.iter().zip(&names).enumerate() {
            legend.push(Entry::Heading(format!("{name}: {}", source.heading)));
            for curve in &source.curves {
                let style = style(i, &curve.group, curve.variant);
                legend.push(Entry::Line(curve.label.clone(), style));
                lines.push(Line { style, points: spectrum::points(&curve.hist) });
            }
            for track in &source.tracks {
                let style = style(i, &track.group, track.variant);
                if !legend.iter().any(|e| matches!(e, Entry::Line(_, s) if *s == style)) {
                    legend.push(Entry::Line(track.label.clone(), style));
                }
                time_lines.push(TimeLine { style, iops: track.variant == 0, samples: track.samples.clone() });
            }
        }
        let mut about: Vec<String> =
            sources.iter().zip(&names).take(MAX_ABOUT).map(|(s, name)| format!("{name}: {}", s.about)).collect();
        if sources.len() > MAX_ABOUT {
            about.push(format!("and {} more", sources.len() - MAX_ABOUT));
        }
        Figure { title: title(&names, sources), about, lines, time_lines, legend }
    }

    /// True when the over-time panels are drawn.
    pub fn has_series(&self) -> bool {
        !self.time_lines.is_empty()
    }
}

/// "Latency of b.json (bench) and w.json (wal)".
fn title(names: &[String], sources: &[Source]) -> String {
    let mut named: Vec<String> =
        names.iter().zip(sources).take(4).map(|(n, s)| format!("{n} ({})", s.command)).collect();
    if names.len() > 4 {
        named.push(format!("{} more", names.len() - 4));
    }
    let list = match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => named.join(""),
    };
    format!("Latency of {list}")
}

/// Short names for legends: the file name, or the path as given when two
/// reports share a file name.
fn names(paths: &[PathBuf]) -> Vec<String> {
    let file = |p: &Path| p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned());
    paths
        .iter()
        .map(|p| {
            let clash = paths.iter().filter(|q| file(q) == file(p)).count() > 1;
            if clash { p.display().to_string() } else { file(p) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::load::{Curve, Track};

    fn source(command: &str, curves: &[(&str, &str, usize)], tracks: &[(&str, usize)]) -> Source {
        let mut hist = crate::model::new_histogram();
        hist.record(1000).unwrap();
        Source {
            command: command.into(),
            heading: command.into(),
            about: "about".into(),
            curves: curves
                .iter()
                .map(|(label, group, variant)| Curve {
                    label: label.to_string(),
                    group: group.to_string(),
                    variant: *variant,
                    hist: hist.clone(),
                })
                .collect(),
            tracks: tracks
                .iter()
                .map(|(g, variant)| Track {
                    label: format!("series {g}"),
                    group: g.to_string(),
                    variant: *variant,
                    samples: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn service_and_response_share_a_colour_and_the_series_too() {
        let s = source(
            "bench",
            &[("read service", "read", 0), ("read response", "read", 1), ("write", "write", 0)],
            &[("read", 0), ("read", 1)],
        );
        let fig = Figure::new(&[s], &["b.json".into()]);
        let styles: Vec<Style> = fig.lines.iter().map(|l| l.style).collect();
        assert_eq!(styles, [Style { color: 0, dash: 0 }, Style { color: 0, dash: 1 }, Style { color: 1, dash: 0 }]);
        assert_eq!(fig.time_lines[0].style, styles[0]);
        assert_eq!(fig.time_lines[1].style, styles[1], "response p99 over time is dashed like the response curve");
        assert!(fig.time_lines[0].iops && !fig.time_lines[1].iops);
        assert_eq!(fig.legend.len(), 4, "the series is the service line's colour; no extra entry");
        assert_eq!(fig.legend[0], Entry::Heading("b.json: bench".into()));
        assert_eq!(fig.legend[1], Entry::Line("read service".into(), styles[0]));
    }

    #[test]
    fn reports_get_their_own_colours_and_names() {
        let a = source("bench", &[("randread", "read", 0)], &[]);
        let b = source("wal", &[("fdatasync", "fdatasync", 0)], &[]);
        let fig = Figure::new(&[a, b], &["x/b.json".into(), "w.json".into()]);
        assert_eq!(fig.lines[1].style.color, 1);
        assert_eq!(fig.legend[2], Entry::Heading("w.json: wal".into()));
        assert_eq!(fig.title, "Latency of b.json (bench) and w.json (wal)");
        assert!(!fig.has_series());
    }

    #[test]
    fn clashing_file_names_keep_their_paths() {
        assert_eq!(names(&["a/r.json".into(), "b/r.json".into(), "c.json".into()]), ["a/r.json", "b/r.json", "c.json"]);
    }
}
