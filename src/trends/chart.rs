//! The stance-over-time chart: one line per actor through its period means, 95% intervals as
//! whiskers, shifts circled, and the five label bands shaded so a reader sees at a glance
//! which wording a score corresponds to. Written as SVG and PNG. Labels are drawn in the
//! bundled Latin font, or in the CJK font where they need it (see [`super::fonts`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{Datelike, Duration, NaiveDate};
use plotters::chart::DualCoordChartContext;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift as AreaShift;
use plotters::prelude::*;

use super::fonts::ChartFonts;
use super::{Shift, TrendError, TrendRow, TrendSettings};

/// Widest legend label, in pixels (the panel is 230 wide; labels start at 40).
const LEGEND_LABEL_PX: u32 = 176;

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
    chart: &ChartData,
    fonts: &ChartFonts,
) -> Result<(), String> {
    let ChartData {
        series,
        shifts,
        range,
        title,
        yearly,
    } = chart;
    let (range, yearly) = (*range, *yearly);
    root.fill(&WHITE).map_err(msg)?;
    let root = root
        .titled(title, fonts.font_for(title, 22.0))
        .map_err(msg)?;
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
    draw_legend(&legend, series, fonts)?;
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

/// `name` as it fits `max_px` pixels in `font` (cut with "…" where it does not).
fn fit_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, AreaShift>,
    name: &str,
    font: &FontDesc,
    max_px: u32,
) -> String {
    let style = TextStyle::from(font.clone());
    let width = |s: &str| area.estimate_text_size(s, &style).map_or(0, |(w, _)| w);
    if width(name) <= max_px {
        return name.to_string();
    }
    let mut chars: Vec<char> = name.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut: String = chars.iter().collect::<String>() + "…";
        if width(&cut) <= max_px {
            return cut;
        }
    }
    "…".to_string()
}

/// The legend panel: one entry per actor (names cut to the panel's width, each in a font
/// that has its glyphs), then what a ring and a whisker mean.
fn draw_legend<DB: DrawingBackend>(
    legend: &DrawingArea<DB, AreaShift>,
    series: &[(String, Series)],
    fonts: &ChartFonts,
) -> Result<(), String> {
    let font = (super::fonts::LATIN_FAMILY, 14).into_font();
    let mut y = 40;
    for (i, (actor, _)) in series.iter().enumerate() {
        let color = LINE_COLORS[i % LINE_COLORS.len()];
        legend
            .draw(&PathElement::new(
                vec![(8, y), (34, y)],
                color.stroke_width(3),
            ))
            .map_err(msg)?;
        let name_font = fonts.font_for(actor, 14.0).into_font();
        let name = fit_label(legend, actor, &name_font, LEGEND_LABEL_PX);
        legend
            .draw(&Text::new(name, (40, y - 8), name_font))
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

/// What one chart shows.
struct ChartData {
    /// Each actor's points, most statements first.
    series: Vec<(String, Series)>,
    /// Shifts: (actor, x, score).
    shifts: Vec<(String, f64, f64)>,
    /// The x range.
    range: (f64, f64),
    /// The title.
    title: String,
    /// Whether periods are years (x labels are years only).
    yearly: bool,
}

/// The chart of `rows` and `shifts`; `None` when no actor has a dated stance-bearing period.
fn chart_data(rows: &[TrendRow], shifts: &[Shift], s: &TrendSettings) -> Option<ChartData> {
    let series: Vec<(String, Series)> = top_actors(rows, s.chart_actors)
        .into_iter()
        .map(|actor| (actor.to_string(), actor_series(rows, actor, s.period)))
        .collect();
    let range = x_range(&series, s.period)?;
    let shifts = shifts
        .iter()
        .map(|sh| {
            (
                sh.actor.clone(),
                period_x(sh.period_start, s.period),
                sh.score,
            )
        })
        .collect();
    Some(ChartData {
        series,
        shifts,
        range,
        title: title(s),
        yearly: s.period == super::Period::Year,
    })
}

/// What [`draw`] did.
pub struct Drawn {
    /// Files written (none when no actor has a dated stance-bearing period).
    pub files: Vec<PathBuf>,
    /// What a person should know about the chart (labels drawn as boxes for want of a font).
    pub warnings: Vec<String>,
}

/// The chart's size in pixels.
const CHART_SIZE: (u32, u32) = (1200, 680);

/// Draws `stance_trends.svg` and `stance_trends.png`. The PNG draws labels that need it in the
/// CJK font of `s.cjk_font`; the SVG names `sans-serif` and leaves the glyphs to the viewer.
pub fn draw(rows: &[TrendRow], shifts: &[Shift], s: &TrendSettings) -> Result<Drawn, TrendError> {
    let Some(chart) = chart_data(rows, shifts, s) else {
        return Ok(Drawn {
            files: Vec::new(),
            warnings: Vec::new(),
        });
    };
    let fonts = ChartFonts::load(s.cjk_font.as_deref());
    let labels =
        std::iter::once(chart.title.as_str()).chain(chart.series.iter().map(|(a, _)| a.as_str()));
    let warnings = fonts.missing_glyphs_warning(labels).into_iter().collect();
    let svg = s.out.join("stance_trends.svg");
    let png = s.out.join("stance_trends.png");
    draw_on(
        SVGBackend::new(&svg, CHART_SIZE).into_drawing_area(),
        &chart,
        &fonts.latin_only(),
    )
    .map_err(TrendError::Chart)?;
    draw_on(
        BitMapBackend::new(&png, CHART_SIZE).into_drawing_area(),
        &chart,
        &fonts,
    )
    .map_err(TrendError::Chart)?;
    Ok(Drawn {
        files: vec![svg, png],
        warnings,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trends::fonts::{default_cjk_font, ChartFonts};

    const NAMES: [&str; 2] = ["中华人民共和国外交部", "中華民國外交部"];

    /// The PNG pixels of a two-point chart of one actor.
    fn render(actor: &str, fonts: &ChartFonts) -> Vec<u8> {
        let chart = ChartData {
            series: vec![(
                actor.to_string(),
                vec![(2020.5, -1.0, None, None), (2021.5, 1.0, None, None)],
            )],
            shifts: Vec::new(),
            range: (2020.0, 2022.0),
            title: "Stance by actor".into(),
            yearly: true,
        };
        let (w, h) = CHART_SIZE;
        let mut buf = vec![0u8; (w * h * 3) as usize];
        draw_on(
            BitMapBackend::with_buffer(&mut buf, CHART_SIZE).into_drawing_area(),
            &chart,
            fonts,
        )
        .unwrap();
        buf
    }

    /// The x of every pixel where two renderings differ.
    fn differing_x(a: &[u8], b: &[u8]) -> Vec<u32> {
        let w = CHART_SIZE.0 as usize;
        (0..a.len() / 3)
            .filter(|i| a[i * 3..i * 3 + 3] != b[i * 3..i * 3 + 3])
            .map(|i| (i % w) as u32)
            .collect()
    }

    fn cjk_fonts() -> ChartFonts {
        let path = default_cjk_font();
        let fonts = ChartFonts::load(Some(&path));
        assert!(
            fonts.renders(NAMES[0]),
            "no CJK font at {} (scripts/setup.sh fetches it)",
            path.display()
        );
        fonts
    }

    #[test]
    fn chinese_actor_names_have_glyphs_in_the_cjk_font_and_not_in_the_latin_one() {
        let fonts = cjk_fonts();
        for c in NAMES.iter().flat_map(|n| n.chars()) {
            assert_ne!(fonts.cjk_glyph(c), 0, "{c}");
            assert_eq!(
                fonts.latin_glyph(c),
                0,
                "{c} (the CJK font would not be needed)"
            );
        }
        assert_ne!(fonts.family_for(NAMES[0]), fonts.family_for("Nauru"));
        assert_eq!(
            fonts.family_for("Nauru"),
            crate::trends::fonts::LATIN_FAMILY
        );
    }

    #[test]
    fn chinese_actor_names_are_drawn_as_glyphs_not_boxes() {
        let fonts = cjk_fonts();
        let boxes = fonts.latin_only();
        for name in NAMES {
            let reversed: String = name.chars().rev().collect();
            // Boxes cannot tell one character from another: the reversed name looks the same.
            assert_eq!(render(name, &boxes), render(&reversed, &boxes));
            // Glyphs can, and the difference lies in the legend panel (its last 230 pixels).
            let glyphs = render(name, &fonts);
            let xs = differing_x(&glyphs, &render(&reversed, &fonts));
            assert!(xs.len() > 200, "{name}: only {} pixels differ", xs.len());
            assert!(xs.iter().all(|x| *x >= CHART_SIZE.0 - 230), "{name}");
            // And they are not the boxes.
            assert!(!differing_x(&glyphs, &render(name, &boxes)).is_empty());
        }
    }

    #[test]
    fn a_missing_cjk_font_still_draws_the_chart_and_says_why() {
        let fonts = ChartFonts::load(Some(std::path::Path::new("/nonexistent/font.otf")));
        assert!(!render(NAMES[0], &fonts).iter().all(|b| *b == 255));
        let w = fonts
            .missing_glyphs_warning(["Stance by actor", "Nauru", NAMES[1]])
            .unwrap();
        assert!(w.contains(NAMES[1]) && !w.contains("Nauru"), "{w}");
        assert!(
            w.contains("/nonexistent/font.otf") && w.contains("scripts/setup.sh"),
            "{w}"
        );
        assert!(fonts.missing_glyphs_warning(["Nauru"]).is_none());
    }

    #[test]
    fn long_legend_names_are_cut_to_the_panel() {
        let fonts = cjk_fonts();
        let long = "中华人民共和国国务院台湾事务办公室发言人";
        let wide = render(long, &fonts);
        let (w, _) = CHART_SIZE;
        // Nothing is drawn in the last few columns of the image.
        let row_len = (w * 3) as usize;
        for row in wide.chunks(row_len) {
            assert!(row[row_len - 3 * 4..].iter().all(|b| *b == 255));
        }
    }
}
