//! The plotters code: the page layout (title, charts, legend column) and
//! the three charts: latency by percentile, IOPS over time, p99 over time.
//! Only the SVG backend is used; text stays text (`<text>` elements), so no
//! font is loaded here and the viewer renders it.

use plotters::{coord::Shift, prelude::*};

use super::{
    args::Scale,
    axis::{Axis, Labels},
    figure::{COLORS, Figure, Style},
    legend,
    ticked::Ticked,
};
use crate::error::AppError;

pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Coords = Cartesian2d<Ticked, Ticked>;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Coords>;
pub(super) type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Line colours: matplotlib's tab10, reordered so that the first two lines
/// (the usual comparison) are blue and red.
pub(super) const PALETTE: [RGBColor; COLORS] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x17, 0xbe, 0xcf),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x7f, 0x7f, 0x7f),
];

/// Font sizes as plotters takes them (it writes 1/1.24 of this as the SVG
/// font-size).
const TITLE: u32 = 28;
const CAPTION: u32 = 22;
const AXIS_DESC: u32 = 20;
const TICK: u32 = 18;
const ABOUT: u32 = 18;

/// Time series with at most this many samples get a dot on each.
const MARKERS_UP_TO: usize = 60;

/// The picture as SVG text.
pub fn render(fig: &Figure, size: (u32, u32), scale: Scale) -> Result<String, AppError> {
    let mut svg = String::new();
    draw(fig, &mut svg, size, scale).map_err(|e| AppError::Io(format!("drawing the plot: {e}")))?;
    Ok(svg)
}

fn draw(fig: &Figure, svg: &mut String, (width, height): (u32, u32), scale: Scale) -> DrawResult<()> {
    let root = SVGBackend::with_string(svg, (width, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let header_h = 46 + 20 * fig.about.len() as i32;
    let (header, body) = root.split_vertically(header_h);
    draw_header(&header, fig)?;
    let legend_w = legend::width(&fig.legend, width);
    let (plots, key) = body.split_horizontally(width as i32 - legend_w);
    if fig.has_series() {
        let (top, rest) = plots.split_vertically(plots.dim_in_pixel().1 as i32 * 54 / 100);
        let (middle, bottom) = rest.split_vertically(rest.dim_in_pixel().1 as i32 / 2);
        spectrum_chart(&top, fig, scale)?;
        iops_chart(&middle, fig)?;
        p99_chart(&bottom, fig, scale)?;
    } else {
        spectrum_chart(&plots, fig, scale)?;
    }
    // Level with the top of the spectrum's plotting area, under its caption.
    legend::draw(&key, &fig.legend, 44)?;
    root.present()?;
    Ok(())
}

fn draw_header(area: &Area, fig: &Figure) -> DrawResult<()> {
    let title = ("sans-serif", TITLE).into_font().style(FontStyle::Bold).color(&BLACK);
    area.draw_text(&fig.title, &title, (16, 12))?;
    let about = ("sans-serif", ABOUT).into_font().color(&RGBColor(0x55, 0x55, 0x55));
    for (i, line) in fig.about.iter().enumerate() {
        area.draw_text(line, &about, (16, 46 + 20 * i as i32))?;
    }
    Ok(())
}

/// Latency by percentile, one line per distribution.
fn spectrum_chart(area: &Area, fig: &Figure, scale: Scale) -> DrawResult<()> {
    let points = fig.lines.iter().flat_map(|l| &l.points);
    let max_x = points.clone().map(|p| p.0).fold(0.0, f64::max);
    let (lo, hi) = points.fold((f64::MAX, 0.0f64), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    // The plotting width: the area less the y labels and margins.
    let x = Axis::percentile(max_x, area.dim_in_pixel().0.saturating_sub(110));
    let (y, unit) = Axis::latency(lo.min(hi), hi, scale);
    let mut chart = chart(area, "Latency by percentile", &x, &y)?;
    mesh(&mut chart, &x, &y, "percentile", &format!("latency ({})", unit.symbol()))?;
    for line in &fig.lines {
        let points = line.points.iter().map(|(px, ns)| (*px, y.coord(*ns))).collect();
        path(&mut chart, points, line.style)?;
    }
    Ok(())
}

/// IOPS per interval of the `series`.
fn iops_chart(area: &Area, fig: &Figure) -> DrawResult<()> {
    let samples = fig.time_lines.iter().flat_map(|l| &l.samples);
    let x = time_axis(fig);
    let mut y = Axis::linear(samples.map(|s| s.iops).fold(0.0, f64::max), 1.0);
    y.labels = Labels::Count;
    let mut chart = chart(area, "IOPS over time", &x, &y)?;
    mesh(&mut chart, &x, &y, "time (s)", "IOPS (ops/s)")?;
    for line in fig.time_lines.iter().filter(|l| l.iops) {
        let points: Vec<(f64, f64)> = line.samples.iter().map(|s| (s.t_s, s.iops)).collect();
        series(&mut chart, vec![points], line.style)?;
    }
    Ok(())
}

/// p99 latency per interval; a gap where an interval had no ops.
fn p99_chart(area: &Area, fig: &Figure, scale: Scale) -> DrawResult<()> {
    let values = fig.time_lines.iter().flat_map(|l| &l.samples).filter_map(|s| s.p99_ns);
    let (lo, hi) = values.fold((f64::MAX, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if hi > 0.0 { (lo, hi) } else { (1e3, 1e6) };
    let x = time_axis(fig);
    let (y, unit) = Axis::latency(lo, hi, scale);
    let mut chart = chart(area, "p99 latency over time", &x, &y)?;
    mesh(&mut chart, &x, &y, "time (s)", &format!("p99 latency ({})", unit.symbol()))?;
    for line in &fig.time_lines {
        let mut runs = vec![Vec::new()];
        for s in &line.samples {
            match s.p99_ns {
                Some(ns) => runs.last_mut().expect("never empty").push((s.t_s, y.coord(ns))),
                None => runs.push(Vec::new()),
            }
        }
        series(&mut chart, runs, line.style)?;
    }
    Ok(())
}

/// Seconds from 0 to the last sample.
fn time_axis(fig: &Figure) -> Axis {
    let last = fig.time_lines.iter().flat_map(|l| &l.samples).map(|s| s.t_s).fold(0.0, f64::max);
    Axis::linear(last, 1.0)
}

/// A chart with a caption on `area`, built on the two axes.
fn chart<'a, 'b>(area: &'a Area<'b>, caption: &str, x: &Axis, y: &Axis) -> DrawResult<Chart<'a, 'b>> {
    let chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", CAPTION))
        .margin(8)
        .margin_right(24)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(Ticked::from(x), Ticked::from(y))?;
    Ok(chart)
}

/// Grid, ticks, tick labels and axis titles.
fn mesh(chart: &mut Chart, x: &Axis, y: &Axis, x_desc: &str, y_desc: &str) -> DrawResult<()> {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|c| x.label(*c))
        .y_label_formatter(&|c| y.label(*c))
        .label_style(("sans-serif", TICK))
        .axis_desc_style(("sans-serif", AXIS_DESC))
        .bold_line_style(BLACK.mix(0.15))
        .light_line_style(BLACK.mix(0.05))
        .draw()?;
    Ok(())
}

/// Time-series runs as lines in `style`, with a dot per sample when there
/// are few (a one-interval run is still visible).
fn series(chart: &mut Chart, runs: Vec<Vec<(f64, f64)>>, style: Style) -> DrawResult<()> {
    let samples: usize = runs.iter().map(Vec::len).sum();
    for run in runs {
        if samples <= MARKERS_UP_TO {
            let color = PALETTE[style.color];
            chart.draw_series(run.iter().map(|p| Circle::new(*p, 3, color.filled())))?;
        }
        if run.len() > 1 {
            path(chart, run, style)?;
        }
    }
    Ok(())
}

/// One line in `style`: solid, dashed or dotted.
fn path(chart: &mut Chart, points: Vec<(f64, f64)>, style: Style) -> DrawResult<()> {
    let shape = PALETTE[style.color].stroke_width(2);
    match style.dash {
        0 => chart.draw_series(LineSeries::new(points, shape))?,
        1 => chart.draw_series(DashedLineSeries::new(points, 10, 6, shape))?,
        _ => chart.draw_series(DashedLineSeries::new(points, 2, 5, shape))?,
    };
    Ok(())
}
