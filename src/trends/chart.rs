//! The stance-over-time chart: one line per actor through its period means, 95% intervals as
//! whiskers, shifts circled, and the five label bands shaded so a reader sees at a glance
//! which wording a score corresponds to. Written as SVG and PNG.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Once;

use chrono::{Duration, NaiveDate};
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

type Series = Vec<(NaiveDate, f64, Option<f64>, Option<f64>)>;

fn draw_on<DB: DrawingBackend>(
    root: DrawingArea<DB, AreaShift>,
    series: &[(String, Series)],
    shifts: &[&Shift],
    range: (NaiveDate, NaiveDate),
    title: &str,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(36)
        .y_label_area_size(48)
        .right_y_label_area_size(130)
        .build_cartesian_2d(range.0..range.1, -2.2f64..2.2f64)
        .map_err(err)?
        .set_secondary_coord(range.0..range.1, -2.2f64..2.2f64);
    for (name, lo, hi, color) in BANDS {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(range.0, lo), (range.1, hi)],
                color.filled(),
            )))
            .map_err(err)?;
        let _ = name;
    }
    chart
        .configure_mesh()
        .y_desc("mean stance score")
        .x_label_formatter(&|d| d.format("%Y-%m").to_string())
        .y_labels(9)
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    // Band names on the right axis, at each band's centre.
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
        .map_err(err)?;
    for (i, (actor, pts)) in series.iter().enumerate() {
        let color = LINE_COLORS[i % LINE_COLORS.len()];
        chart
            .draw_series(pts.iter().filter_map(|(d, _, lo, hi)| {
                Some(PathElement::new(
                    vec![(*d, (*lo)?), (*d, (*hi)?)],
                    color.mix(0.35).stroke_width(1),
                ))
            }))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|(d, m, _, _)| (*d, *m)),
                color.stroke_width(2),
            ))
            .map_err(err)?
            .label(actor.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
            });
        chart
            .draw_series(
                pts.iter()
                    .map(|(d, m, _, _)| Circle::new((*d, *m), 3, color.filled())),
            )
            .map_err(err)?;
        chart
            .draw_series(
                shifts
                    .iter()
                    .filter(|s| s.actor == *actor)
                    .map(|s| Circle::new((s.period_start, s.score), 9, color.stroke_width(2))),
            )
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

/// Draws `stance_trends.svg` and `stance_trends.png`; returns the files written.
pub fn draw(
    rows: &[TrendRow],
    shifts: &[Shift],
    s: &TrendSettings,
) -> Result<Vec<PathBuf>, TrendError> {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
    // Actors with the most stance-bearing statements, dated periods only.
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for r in rows {
        if r.period_start.is_some() && r.mean_stance_score.is_some() {
            *totals.entry(&r.actor).or_default() += r.n_stance;
        }
    }
    let mut actors: Vec<(&str, u64)> = totals.into_iter().collect();
    actors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    actors.truncate(s.chart_actors.max(1));
    let mut series: Vec<(String, Series)> = Vec::new();
    for (actor, _) in &actors {
        let mut pts: Series = rows
            .iter()
            .filter(|r| r.actor == *actor && r.n_stance > 0)
            .filter_map(|r| Some((r.period_start?, r.mean_stance_score?, r.ci_low, r.ci_high)))
            .collect();
        pts.sort_by_key(|p| p.0);
        series.push((actor.to_string(), pts));
    }
    let dates: Vec<NaiveDate> = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|x| x.0))
        .collect();
    let (Some(min), Some(max)) = (dates.iter().min(), dates.iter().max()) else {
        return Ok(Vec::new());
    };
    let range = (*min - Duration::days(45), *max + Duration::days(45));
    let shown: Vec<&Shift> = shifts.iter().collect();
    let title = format!(
        "Stance toward Taiwan independence by {} ({} means, 95% CI; circles: shifts)",
        s.by,
        match s.period {
            super::Period::Month => "monthly",
            super::Period::Quarter => "quarterly",
            super::Period::Year => "yearly",
        }
    );
    let svg = s.out.join("stance_trends.svg");
    let png = s.out.join("stance_trends.png");
    draw_on(
        SVGBackend::new(&svg, (1200, 680)).into_drawing_area(),
        &series,
        &shown,
        range,
        &title,
    )
    .map_err(TrendError::Chart)?;
    draw_on(
        BitMapBackend::new(&png, (1200, 680)).into_drawing_area(),
        &series,
        &shown,
        range,
        &title,
    )
    .map_err(TrendError::Chart)?;
    Ok(vec![svg, png])
}
