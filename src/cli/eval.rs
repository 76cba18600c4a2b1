//! `stance eval`.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use strait_stance::classify::ClassifierSettings;
use strait_stance::defaults;
use strait_stance::eval::trends::TrendAgreement;
use strait_stance::eval::{evaluate, render, EvalReport, Metrics};
use strait_stance::input::labelled::read_labelled;
use strait_stance::model::Routes;

use super::common::{ClassifierArgs, ModelArgs};
use super::progress::Bars;

/// The behavioural suite shipped with the checkout.
const SUITE: &str = "datasets/suite/behaviour.jsonl";

/// Arguments of `stance eval`.
#[derive(clap::Args)]
#[command(after_long_help = "Examples:
  stance eval --data datasets/real/test.jsonl --data datasets/stance/test.jsonl   # side by side
  stance eval --data datasets/longdocs/test.jsonl          # adds evidence accuracy
  stance eval --suite                                      # behavioural suite, pass rate per capability")]
pub struct Args {
    /// Labelled file(s) (JSONL, CSV or Parquet) with text and label columns. Give several to see
    /// them side by side. An `evidence` column of {start, end} character spans adds evidence
    /// accuracy; a `phrasing` column (seen/held_out) adds per-phrasing metrics; `actor` and
    /// `date` columns add the trend table of the model's labels against the gold labels'
    /// (actor x year).
    #[arg(long, value_name = "FILE", required_unless_present = "suite")]
    data: Vec<PathBuf>,
    /// Behavioural suite (JSONL with text, label and capability): the pass rate per capability.
    /// Without a value: the checkout's datasets/suite/behaviour.jsonl.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = SUITE)]
    suite: Option<PathBuf>,
    /// Text column.
    #[arg(long, default_value = defaults::TEXT_COL, value_name = "NAME")]
    text_col: String,
    /// Label column.
    #[arg(long, default_value = defaults::LABEL_COL, value_name = "NAME")]
    label_col: String,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    classifier: ClassifierArgs,
    /// libtorch threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// One evaluated file.
#[derive(Serialize)]
struct Evaluated {
    data: PathBuf,
    #[serde(flatten)]
    report: EvalReport,
}

/// Everything `--json` prints when more than one set (or the suite) was evaluated.
#[derive(Serialize)]
struct Combined<'a> {
    sets: &'a [Evaluated],
    suite: Option<&'a Evaluated>,
}

/// Runs `stance eval`: every file, then the suite, printed as tables or as JSON.
pub fn run(a: Args) -> Result<i32> {
    super::set_threads(a.threads);
    let (routes, _, route_warning) = a.model.load_routes()?;
    if let Some(w) = &route_warning {
        eprintln!("warning: {w}");
    }
    let settings = a.classifier.settings(routes.primary())?;
    let eval_file = |path: &Path| evaluate_file(&a, &routes, &settings, path);
    let sets = a
        .data
        .iter()
        .map(|p| eval_file(p))
        .collect::<Result<Vec<_>>>()?;
    let suite = match &a.suite {
        Some(p) => Some(eval_file(&resolve_suite(p)).and_then(suite_with_capabilities)?),
        None => None,
    };
    if a.json {
        print_json(&sets, suite.as_ref())?;
    } else {
        print_tables(&sets, suite.as_ref());
    }
    Ok(super::EXIT_OK)
}

/// Reads one labelled file and evaluates the routes on it.
fn evaluate_file(
    a: &Args,
    routes: &Routes,
    settings: &ClassifierSettings,
    path: &Path,
) -> Result<Evaluated> {
    let examples = read_labelled(path, &a.text_col, &a.label_col)
        .with_context(|| format!("cannot read labelled data from {}", path.display()))?;
    let bars = Bars::new(a.quiet || a.json, "statements");
    let report = evaluate(routes, &examples, settings, &AtomicBool::new(false), &bars)
        .context("evaluation failed")?;
    Ok(Evaluated {
        data: path.to_path_buf(),
        report,
    })
}

/// A suite must say which capability each item tests.
fn suite_with_capabilities(s: Evaluated) -> Result<Evaluated> {
    if s.report.by_capability.is_empty() {
        bail!("{} has no capability column", s.data.display());
    }
    Ok(s)
}

/// One report as JSON, or every set and the suite together.
fn print_json(sets: &[Evaluated], suite: Option<&Evaluated>) -> Result<()> {
    let json = if sets.len() == 1 && suite.is_none() {
        serde_json::to_string_pretty(&sets[0].report)?
    } else {
        serde_json::to_string_pretty(&Combined { sets, suite })?
    };
    println!("{json}");
    Ok(())
}

/// Each set's report, the sets side by side when there are several, then the suite.
fn print_tables(sets: &[Evaluated], suite: Option<&Evaluated>) {
    for s in sets {
        print_set(s);
    }
    if sets.len() > 1 {
        print!("{}", side_by_side(sets));
    }
    if let Some(s) = suite {
        print!("{}", suite_table(s));
    }
}

/// `--suite` without a value names the checkout's suite; found from the working directory or,
/// failing that, from the checkout the binary was built in.
fn resolve_suite(p: &Path) -> PathBuf {
    if p.exists() || p != Path::new(SUITE) {
        return p.to_path_buf();
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SUITE)
}

fn print_set(s: &Evaluated) {
    let r = &s.report;
    println!(
        "model {} ({}) on {} — {} examples in {:.1}s\n",
        r.model,
        &r.model_sha256[..12.min(r.model_sha256.len())],
        s.data.display(),
        r.metrics.n,
        r.seconds
    );
    print!("{}", render(&r.metrics));
    for (k, m) in &r.by_phrasing {
        println!(
            "\nphrasing={k}: {} examples, accuracy {:.4}, macro-F1 {:.4}",
            m.n, m.accuracy, m.macro_f1
        );
    }
    for (k, m) in &r.by_language {
        println!(
            "\nlang={k}: {} examples, accuracy {:.4}, macro-F1 {:.4}, polarity flips {}",
            m.n,
            m.accuracy,
            m.macro_f1,
            pct(m, |m| m.polarity_flip_rate)
        );
    }
    if let Some(e) = r.evidence_accuracy {
        println!(
            "\nevidence accuracy {:.4} over {} stance-bearing documents",
            e, r.evidence_n
        );
    }
    if let Some(t) = &r.trends {
        println!("\n{}", trend_line(t));
    }
    if !r.rules.is_empty() {
        let each: Vec<String> = r
            .rules
            .iter()
            .map(|(rule, t)| format!("{rule} decided {} ({} as gold)", t.decided, t.as_gold))
            .collect();
        println!("\nactor rules: {}", each.join(", "));
    }
    println!();
}

/// The trend comparison in one paragraph.
fn trend_line(t: &TrendAgreement) -> String {
    format!(
        "trends (actor x {}, {} dated statements with an actor; cells with >= {} gold stance statements): \
         {} cells, mean-score MAE {}, within {} of gold {:.1}%, same dominant label {:.1}%, \
         no model stance {}; shifts: gold {}, model {}, both {}",
        t.period.name(),
        t.statements,
        t.min_statements,
        t.cells,
        t.mean_score_mae
            .map(|x| format!("{x:.3}"))
            .unwrap_or_else(|| "n/a".into()),
        strait_stance::eval::trends::CLOSE,
        100.0 * t.within_close,
        100.0 * t.dominant_agreement,
        t.cells_without_stance,
        t.gold_shifts,
        t.model_shifts,
        t.shifts_in_both
    )
}

/// One cell of the side-by-side table: a headline number of one report.
type Cell = dyn Fn(&EvalReport) -> String;

/// The headline numbers of several sets, one column each.
fn side_by_side(sets: &[Evaluated]) -> String {
    let name = |s: &Evaluated| {
        let p = &s.data;
        let parent = p
            .parent()
            .and_then(|d| d.file_name())
            .map(|d| d.to_string_lossy().to_string())
            .unwrap_or_default();
        let stem = p
            .file_stem()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        if parent.is_empty() {
            stem
        } else {
            format!("{parent}/{stem}")
        }
    };
    let rows: [(&str, &Cell); 8] = [
        ("items", &|r| r.metrics.n.to_string()),
        ("macro-F1", &|r| format!("{:.4}", r.metrics.macro_f1)),
        ("held-out macro-F1", &|r| {
            r.by_phrasing
                .get("held_out")
                .map(|m| format!("{:.4}", m.macro_f1))
                .unwrap_or_else(|| "-".into())
        }),
        ("accuracy", &|r| format!("{:.4}", r.metrics.accuracy)),
        ("polarity flips", &|r| {
            pct(&r.metrics, |m| m.polarity_flip_rate)
        }),
        ("opposes<->dns", &|r| {
            pct(&r.metrics, |m| m.opposes_dns_confusion_rate)
        }),
        ("ECE", &|r| format!("{:.4}", r.metrics.ece)),
        ("stance-score MAE", &|r| {
            r.metrics
                .stance_score_mae
                .map(|x| format!("{x:.4}"))
                .unwrap_or_else(|| "-".into())
        }),
    ];
    let mut out = format!("{:<20}", "side by side");
    for s in sets {
        out.push_str(&format!(" {:>18}", name(s)));
    }
    out.push('\n');
    for (label, f) in rows {
        out.push_str(&format!("{label:<20}"));
        for s in sets {
            out.push_str(&format!(" {:>18}", f(&s.report)));
        }
        out.push('\n');
    }
    out
}

fn pct(m: &Metrics, f: impl Fn(&Metrics) -> f64) -> String {
    format!("{:.2}%", 100.0 * f(m))
}

/// Pass rate (accuracy) per capability of the behavioural suite, and overall.
fn suite_table(s: &Evaluated) -> String {
    let r = &s.report;
    let mut out = format!(
        "\nbehavioural suite {} — pass rate per capability\n{:<20} {:>6} {:>10}\n",
        s.data.display(),
        "capability",
        "items",
        "pass rate"
    );
    for (k, m) in &r.by_capability {
        out.push_str(&format!(
            "{k:<20} {:>6} {:>9.1}%\n",
            m.n,
            100.0 * m.accuracy
        ));
    }
    out.push_str(&format!(
        "{:<20} {:>6} {:>9.1}%\n",
        "overall",
        r.metrics.n,
        100.0 * r.metrics.accuracy
    ));
    out
}
