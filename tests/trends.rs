//! `stance trends` on a fixture timeline: one actor moves from does_not_support to opposes and
//! must yield exactly that shift; steady actors yield none; off-topic statements never move a
//! score; missing actors and dates are grouped under "unknown".

mod common;

use chrono::NaiveDate;
use common::*;
use polars::prelude::*;

fn fixture(dir: &std::path::Path) {
    fixture_named(dir, ["Mover", "Steady", "Ally"]);
}

/// The fixture with other names for the mover, the steady actor and the ally.
fn fixture_named(dir: &std::path::Path, [mover_name, steady, ally_name]: [&str; 3]) {
    // (actor, date, label) — three years of quarterly statements.
    let mut rows: Vec<(Option<&str>, Option<String>, &str)> = Vec::new();
    for year in 2021..=2023 {
        for q in 0..4 {
            for k in 0..3 {
                let date = format!("{year}-{:02}-{:02}", q * 3 + 1 + k % 3, 5 + k);
                // The mover: does_not_support until 2022-Q4, opposes from 2023-Q1.
                let mover = if year < 2023 {
                    "does_not_support"
                } else {
                    "opposes"
                };
                rows.push((Some(mover_name), Some(date.clone()), mover));
                rows.push((Some(steady), Some(date.clone()), "neutral"));
                // Off-topic chatter from the steady supporter must not move it.
                let ally = if k == 2 { "off_topic" } else { "supports" };
                rows.push((Some(ally_name), Some(date.clone()), ally));
            }
        }
    }
    rows.push((None, Some("2022-05-05".into()), "neutral"));
    rows.push((Some(mover_name), None, "opposes"));
    let score = |l: &str| match l {
        "opposes" => -2.0f32,
        "does_not_support" => -1.0,
        "neutral" => 0.0,
        "leans_supports" => 1.0,
        "supports" => 2.0,
        _ => 0.0,
    };
    let n = rows.len();
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let days: Vec<Option<i32>> = rows
        .iter()
        .map(|r| {
            r.1.as_ref().map(|d| {
                (NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap() - epoch).num_days() as i32
            })
        })
        .collect();
    let mut df = DataFrame::new(
        n,
        vec![
            Column::new(
                "id".into(),
                (0..n).map(|i| format!("f{i}")).collect::<Vec<_>>(),
            ),
            Column::new(
                "text_sha256".into(),
                (0..n).map(|i| format!("{i:064}")).collect::<Vec<_>>(),
            ),
            Column::new("label".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
            Column::new(
                "stance_score".into(),
                rows.iter().map(|r| score(r.2)).collect::<Vec<_>>(),
            ),
            Column::new("model_sha256".into(), vec!["m".repeat(64); n]),
            Column::new("classified_at".into(), vec![1_700_000_000_000_000i64; n])
                .cast(&DataType::Datetime(
                    TimeUnit::Microseconds,
                    Some(TimeZone::UTC),
                ))
                .unwrap(),
            Column::new("date".into(), days)
                .cast(&DataType::Date)
                .unwrap(),
            Column::new("actor".into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
        ],
    )
    .unwrap();
    let part = dir.join("predictions/run_date=2026-01-01");
    std::fs::create_dir_all(&part).unwrap();
    ParquetWriter::new(std::fs::File::create(part.join("part-fixture-00000.parquet")).unwrap())
        .finish(&mut df)
        .unwrap();
}

#[test]
fn the_mover_shifts_and_nobody_else_does() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let out = dir.path().join("trends");
    let o = run(&[
        "trends",
        "--predictions",
        dir.path().to_str().unwrap(),
        "--period",
        "quarter",
        "--min-statements",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("1 shift(s)"), "{stdout}");

    let read = |name: &str| {
        ParquetReader::new(std::fs::File::open(out.join(name)).unwrap())
            .finish()
            .unwrap()
    };
    let shifts = read("shifts.parquet");
    assert_eq!(shifts.height(), 1, "{shifts}");
    assert_eq!(strings(&shifts, "actor")[0].as_deref(), Some("Mover"));
    assert_eq!(
        strings(&shifts, "previous_dominant_label")[0].as_deref(),
        Some("does_not_support")
    );
    assert_eq!(
        strings(&shifts, "dominant_label")[0].as_deref(),
        Some("opposes")
    );
    let ps = shifts
        .column("period_start")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    assert_eq!(ps.str().unwrap().get(0), Some("2023-01-01"));
    let delta = shifts
        .column("delta")
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap();
    assert!((delta + 1.0).abs() < 1e-9);
    let ev = strings(&shifts, "evidence_ids");
    let ev: Vec<String> = serde_json::from_str(ev[0].as_deref().unwrap()).unwrap();
    assert_eq!(ev.len(), 3);

    let trends = read("trends.parquet");
    for c in [
        "actor",
        "period_start",
        "n",
        "n_off_topic",
        "mean_stance_score",
        "ci_low",
        "ci_high",
        "share_opposes",
        "share_does_not_support",
        "share_neutral",
        "share_leans_supports",
        "share_supports",
        "dominant_label",
    ] {
        assert!(trends.column(c).is_ok(), "trends lacks {c}");
    }
    assert_eq!(
        trends.column("period_start").unwrap().dtype(),
        &DataType::Date
    );
    // The ally's off-topic statements are counted but its score stays exactly +2.
    let actors = strings(&trends, "actor");
    let means = trends
        .column("mean_stance_score")
        .unwrap()
        .f64()
        .unwrap()
        .clone();
    let offs = trends.column("n_off_topic").unwrap().i64().unwrap().clone();
    for (i, actor) in actors.iter().enumerate() {
        if actor.as_deref() == Some("Ally") {
            assert_eq!(means.get(i), Some(2.0));
            assert_eq!(offs.get(i), Some(1));
        }
    }
    // Missing actor and date are visible as "unknown".
    assert!(actors.iter().any(|a| a.as_deref() == Some("unknown")));
    let periods = strings(&trends, "period");
    assert!(periods.iter().any(|p| p.as_deref() == Some("unknown")));

    let first = read("first_use.parquet");
    let fa = strings(&first, "actor");
    let fl = strings(&first, "label");
    let fd = first
        .column("first_date")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    let i = (0..first.height())
        .find(|&i| fa[i].as_deref() == Some("Mover") && fl[i].as_deref() == Some("opposes"))
        .unwrap();
    assert_eq!(fd.str().unwrap().get(i), Some("2023-01-05"));
    assert!(out.join("stance_trends.svg").exists());
    assert!(out.join("stance_trends.png").exists());
}

#[test]
fn yearly_periods_and_a_higher_threshold() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let out = dir.path().join("t");
    let o = run(&[
        "trends",
        "--predictions",
        dir.path().join("predictions").to_str().unwrap(),
        "--period",
        "year",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shifts = ParquetReader::new(std::fs::File::open(out.join("shifts.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(shifts.height(), 1);
    let ps = shifts
        .column("period_start")
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    assert_eq!(ps.str().unwrap().get(0), Some("2023-01-01"));
}

#[test]
fn empty_or_missing_dataset_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "trends",
        "--predictions",
        dir.path().to_str().unwrap(),
        "--out",
        dir.path().join("t").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no predictions under"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn chinese_actor_names_chart_without_warning_and_a_missing_cjk_font_warns_but_still_draws() {
    let dir = tempfile::tempdir().unwrap();
    fixture_named(
        dir.path(),
        ["中华人民共和国外交部", "中華民國外交部", "Nauru"],
    );
    let trends = |out: &std::path::Path, font: Option<&str>| {
        let mut c = stance(&[
            "trends",
            "--predictions",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        c.env_remove("STANCE_CJK_FONT");
        if let Some(f) = font {
            c.env("STANCE_CJK_FONT", f);
        }
        c.output().unwrap()
    };
    // With the font scripts/setup.sh fetched: no warning.
    let out = dir.path().join("with");
    let o = trends(&out, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let png = std::fs::read(out.join("stance_trends.png")).unwrap();
    // Without it: the same chart, drawn with boxes, and a warning that says why.
    let out = dir.path().join("without");
    let o = trends(&out, Some("/nonexistent/NotoSansSC-Regular.otf"));
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: the chart draws 2 label(s) as boxes")
            && err.contains("中华人民共和国外交部")
            && err.contains("/nonexistent/NotoSansSC-Regular.otf"),
        "{err}"
    );
    let boxes = std::fs::read(out.join("stance_trends.png")).unwrap();
    assert_ne!(png, boxes, "the CJK font changed nothing in the PNG");
}
