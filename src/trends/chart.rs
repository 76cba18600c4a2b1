//! The stance-over-time chart: one line per actor through its period means, 95% intervals as
//! whiskers, shifts circled, and the five label bands shaded so a reader sees at a glance
//! which wording a score corresponds to. Written as SVG and PNG.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Once;

use chrono::{Datelike, Duration, NaiveDate};
use plotters::chart::DualCoordChartContext;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift as AreaShift;
use plotters::prelude::*;

use super::{Shift, TrendError, TrendRow, TrendSettings};

/// The bundled font (DejaVu Sans, see assets/DejaVuSans-LICENSE.txt), so charts render the
/// same on machines without fonts.
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

const BANDS: [(&str, f64, f64, RGBColor); 5] = [
    ("opposes", -2.2, -1.5, RGBColor(244, 204, 204)),
    ("does_not_support", -1.5, -0.5, RGBColor(252, 229, 205)),
    ("neutral", -0.5, 0.5, RGBColor(238, 238, 238)),
    ("leans_supports", 0.5, 1.5, RGBColor(217, 234, 211)),
    ("supports", 1.5, 2.2, RGBColor(182, 215, 168)),
];

const LINE_COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
];

/// (x in fractional years at the period's middle, mean, ci_low, ci_high).
type Series = Vec<(f64, f64, Option<f64>, Option<f64>)>;

/// A date as a fractional year.
fn year_frac(d: NaiveDate) -> f64 {
    f64::from(d.year()) + f64::from(d.ordinal0()) / 365.25
}

/// The x position of a period: its middle, so a yearly point sits between its year's ticks.
fn period_x(start: NaiveDate, period: super::Period) -> f64 {
    let half = match period {
        super::Period::Month => 15,
        super::Period::Quarter => 45,
        super::Period::Year => 182,
    };
    year_frac(start + Duration::days(half))
}

/// The plot's coordinates: fractional years by mean stance score, on both y axes (the right
/// one names the label bands).
type Plot<'a, DB> = DualCoordChartContext<
    'a,
    DB,
    Cartesian2d<RangedCoordf64, RangedCoordf64>,
    Cartesian2d<RangedCoordf64, RangedCoordf64>,
>;

/// A drawing error as text.
fn msg<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

/// Draws the whole chart on one backend: title, plot on the left, legend panel on the right
/// (never over the lines).
fn draw_on<DB: DrawingBackend>(
    root: DrawingArea<DB, AreaShift>,
    series: &[(String, Series)],
    shifts: &[(String, f64, f64)],
    range: (f64, f64),
    title: &str,
    yearly: bool,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(msg)?;
    let root = root.titled(title, ("sans-serif", 22)).map_err(msg)?;
    let (width, _) = root.dim_in_pixel();
    let (plot, legend) = root.split_horizontally(width.saturating_sub(230));
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .right_y_label_area_size(120)
        .build_cartesian_2d(range.0..range.1, -2.2f64..2.2f64)
        .map_err(msg)?
        .set_secondary_coord(range.0..range.1, -2.2f64..2.2f64);
    draw_bands(&mut chart, range)?;
    draw_axes(&mut chart, yearly)?;
    for (i, (actor, pts)) in series.iter().enumerate() {
        let color = LINE_COLORS[i % LINE_COLORS.len()];
        draw_actor(
            &mut chart,
            pts,
            shifts.iter().filter(|(a, _, _)| a == actor),
            color,
        )?;
    }
    draw_legend(&legend, series)?;
    root.present().map_err(msg)?;
    Ok(())
}

/// The five label bands, shaded across the whole x range.
fn draw_bands<DB: DrawingBackend>(chart: &mut Plot<DB>, range: (f64, f64)) -> Result<(), String> {
    for (_, lo, hi, color) in BANDS {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(range.0, lo), (range.1, hi)],
                color.filled(),
            )))
            .map_err(msg)?;
    }
    Ok(())
}

/// The grid and the axes: years (or months for shorter periods) below, the score on the left,
/// band names on the right at each band's centre.
fn draw_axes<DB: DrawingBackend>(chart: &mut Plot<DB>, yearly: bool) -> Result<(), String> {
    // x is in fractional years; label year boundaries (or months for shorter periods).
    let label = |x: &f64| {
        let year = x.floor();
        let month = ((x - year) * 12.0).round() as u32 + 1;
        if yearly || month == 1 || month > 12 {
            format!("{}", year as i64 + i64::from(month > 12))
        } else {
            format!("{}-{month:02}", year as i64)
        }
    };
    chart
        .configure_mesh()
        .y_desc("mean stance score")
        .x_labels(12)
        .x_label_formatter(&label)
        .y_labels(9)
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .draw()
        .map_err(msg)?;
    chart
        .configure_secondary_axes()
        .y_labels(5)
        .y_label_formatter(&|v| {
            BANDS
                .iter()
                .find(|(_, lo, hi, _)| ((lo + hi) / 2.0 - v).abs() < 0.3)
                .map(|(n, _, _, _)| n.to_string())
                .unwrap_or_default()
        })
        .draw()
        .map_err(msg)?;
    Ok(())
}

/// One actor: interval whiskers, the line through its period means, the points, and a ring
/// round each of its shifts.
fn draw_actor<'s, DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    pts: &Series,
    shifts: impl Iterator<Item = &'s (String, f64, f64)>,
    color: RGBColor,
) -> Result<(), String> {
    chart
        .draw_series(pts.iter().filter_map(|(d, _, lo, hi)| {
            Some(PathElement::new(
                vec![(*d, (*lo)?), (*d, (*hi)?)],
                color.mix(0.35).stroke_width(1),
            ))
        }))
        .map_err(msg)?;
    chart
        .draw_series(LineSeries::new(
            pts.iter().map(|(d, m, _, _)| (*d, *m)),
            color.stroke_width(2),
        ))
        .map_err(msg)?;
    chart
        .draw_series(
            pts.iter()
                .map(|(d, m, _, _)| Circle::new((*d, *m), 3, color.filled())),
        )
        .map_err(msg)?;
    chart
        .draw_series(shifts.map(|(_, x, y)| Circle::new((*x, *y), 9, color.stroke_width(2))))
        .map_err(msg)?;
    Ok(())
}

/// The legend panel: one entry per actor (long names cut), then what a ring and a whisker mean.
fn draw_legend<DB: DrawingBackend>(
    legend: &DrawingArea<DB, AreaShift>,
    series: &[(String, Series)],
) -> Result<(), String> {
    let font = ("sans-serif", 14).into_font();
    let mut y = 40;
    for (i, (actor, _)) in series.iter().enumerate() {
        let color = LINE_COLORS[i % LINE_COLORS.len()];
        legend
            .draw(&PathElement::new(
                vec![(8, y), (34, y)],
                color.stroke_width(3),
            ))
            .map_err(msg)?;
        let name: String = if actor.chars().count() > 24 {
            actor.chars().take(23).collect::<String>() + "…"
        } else {
            actor.clone()
        };
        legend
            .draw(&Text::new(name, (40, y - 8), font.clone()))
            .map_err(msg)?;
        y += 24;
    }
    legend
        .draw(&Circle::new((21, y + 6), 8, BLACK.stroke_width(2)))
        .map_err(msg)?;
    legend
        .draw(&Text::new("shift", (40, y - 2), font.clone()))
        .map_err(msg)?;
    legend
        .draw(&PathElement::new(
            vec![(21, y + 24), (21, y + 44)],
            BLACK.mix(0.35).stroke_width(1),
        ))
        .map_err(msg)?;
    legend
        .draw(&Text::new("95% interval", (40, y + 26), font))
        .map_err(msg)?;
    Ok(())
}

/// Draws `stance_trends.svg` and `stance_trends.png`; returns the files written (none when no
/// actor has a dated stance-bearing period).
pub fn draw(
    rows: &[TrendRow],
    shifts: &[Shift],
    s: &TrendSettings,
) -> Result<Vec<PathBuf>, TrendError> {
    register_font();
    let series: Vec<(String, Series)> = top_actors(rows, s.chart_actors)
        .into_iter()
        .map(|actor| (actor.to_string(), actor_series(rows, actor, s.period)))
        .collect();
    let Some(range) = x_range(&series, s.period) else {
        return Ok(Vec::new());
    };
    let shown: Vec<(String, f64, f64)> = shifts
        .iter()
        .map(|sh| {
            (
                sh.actor.clone(),
                period_x(sh.period_start, s.period),
                sh.score,
            )
        })
        .collect();
    let yearly = s.period == super::Period::Year;
    let title = title(s);
    let svg = s.out.join("stance_trends.svg");
    let png = s.out.join("stance_trends.png");
    draw_on(
        SVGBackend::new(&svg, (1200, 680)).into_drawing_area(),
        &series,
        &shown,
        range,
        &title,
        yearly,
    )
    .map_err(TrendError::Chart)?;
    draw_on(
        BitMapBackend::new(&png, (1200, 680)).into_drawing_area(),
        &series,
        &shown,
        range,
        &title,
        yearly,
    )
    .map_err(TrendError::Chart)?;
    Ok(vec![svg, png])
}

/// Registers the bundled font as `sans-serif` (once per process).
fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// The `n` actors with the most stance-bearing statements in dated periods (ties by name).
fn top_actors(rows: &[TrendRow], n: usize) -> Vec<&str> {
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for r in rows {
        if r.period_start.is_some() && r.mean_stance_score.is_some() {
            *totals.entry(&r.actor).or_default() += r.n_stance;
        }
    }
    let mut actors: Vec<(&str, u64)> = totals.into_iter().collect();
    actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    actors.truncate(n.max(1));
    actors.into_iter().map(|(a, _)| a).collect()
}

/// An actor's dated, stance-bearing periods in time order.
fn actor_series(rows: &[TrendRow], actor: &str, period: super::Period) -> Series {
    let mut pts: Series = rows
        .iter()
        .filter(|r| r.actor == actor && r.n_stance > 0)
        .filter_map(|r| {
            Some((
                period_x(r.period_start?, period),
                r.mean_stance_score?,
                r.ci_low,
                r.ci_high,
            ))
        })
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

/// The x range covering every point with a margin fitting the period; `None` without points.
fn x_range(series: &[(String, Series)], period: super::Period) -> Option<(f64, f64)> {
    let xs: Vec<f64> = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|x| x.0))
        .collect();
    if xs.is_empty() {
        return None;
    }
    let min = xs.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let pad = match period {
        super::Period::Year => 0.5,
        super::Period::Quarter => 0.125,
        super::Period::Month => 0.05,
    };
    Some((min - pad, max + pad))
}

/// The chart's title, naming the grouping column and the period.
fn title(s: &TrendSettings) -> String {
    format!(
        "Stance toward Taiwan independence by {} ({} mean stance score)",
        s.by,
        match s.period {
            super::Period::Month => "monthly",
            super::Period::Quarter => "quarterly",
            super::Period::Year => "yearly",
        }
    )
}
