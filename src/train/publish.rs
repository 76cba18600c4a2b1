//! Publishing a trained model: the folder is assembled under a hidden temporary name beside
//! the output folder, completed with the model card (`README.md`) and the provenance record
//! (`manifest.json`: the sha256 of every file, the base model, the data, the hyper-parameters,
//! the epochs, the calibration and the metrics), then renamed into place — a crash never
//! leaves a half model under the output name.

use std::path::{Path, PathBuf};

use super::distill::Teacher;
use super::{EpochLog, Init, Splits, TrainError, TrainSettings};
use crate::eval::Metrics;
use crate::model::config::Pooling;
use crate::model::manifest::sha256_file;
use crate::model::{BertConfig, Calibration, Manifest};
use crate::tokenize::InputFormat;

/// A model folder under construction, beside the folder it will be published as.
pub(super) struct Staging {
    dir: PathBuf,
}

impl Staging {
    /// Creates the parent of `out` if needed and clears a hidden temporary folder beside `out`
    /// (named after it and this process).
    pub(super) fn beside(out: &Path) -> Result<Staging, TrainError> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|source| TrainError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
        let dir = parent.join(format!(
            ".{}.tmp-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(Staging { dir })
    }

    /// The temporary folder.
    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Everything the provenance record and the model card tell about a run.
pub(super) struct Record<'a> {
    /// The run's settings.
    pub settings: &'a TrainSettings,
    /// The folder training started from.
    pub init_dir: &'a Path,
    /// Its config.
    pub config: &'a BertConfig,
    /// The data read.
    pub data: &'a Splits,
    /// Per-epoch log.
    pub logs: &'a [EpochLog],
    /// The epoch kept.
    pub best_epoch: usize,
    /// The fitted calibration.
    pub cal: &'a Calibration,
    /// Dev metrics of the saved model.
    pub dev: &'a Metrics,
    /// Test metrics, if any.
    pub test: Option<&'a Metrics>,
    /// Wall seconds so far.
    pub seconds: f64,
}

/// Writes the model card and the manifest into the staged folder, then renames it to the
/// output folder.
pub(super) fn publish(staging: Staging, r: &Record) -> Result<(), TrainError> {
    let s = r.settings;
    let tmp = staging.dir();
    let info = provenance(r);
    let card_path = tmp.join("README.md");
    std::fs::write(&card_path, model_card(r)).map_err(|source| TrainError::Io {
        path: card_path.clone(),
        source,
    })?;
    let manifest = Manifest::build(tmp, &s.name, info)?;
    manifest.write(tmp)?;
    std::fs::rename(tmp, &s.out).map_err(|source| TrainError::Io {
        path: s.out.clone(),
        source,
    })?;
    Ok(())
}

/// Path, sha256 and size of a file (path only when it cannot be read).
fn file_info(p: &Path) -> serde_json::Value {
    match sha256_file(p) {
        Ok((sha, size)) => {
            serde_json::json!({"path": p.display().to_string(), "sha256": sha, "bytes": size})
        }
        Err(_) => serde_json::json!({"path": p.display().to_string()}),
    }
}

/// What training started from: its kind, folder, name and weights file.
fn base_model_info(r: &Record) -> serde_json::Value {
    let w = r.init_dir.join(crate::model::WEIGHTS_FILE);
    serde_json::json!({
        "kind": match r.settings.init { Init::Base(_) => "pretrained encoder", Init::FineTuned(_) => "fine-tuned stance model (retraining)" },
        "dir": r.init_dir.display().to_string(),
        "name": r.config.extra.get("_name_or_path").cloned().unwrap_or(serde_json::Value::Null),
        "weights": file_info(&w),
    })
}

/// The data files (with digests) and example counts of each split.
fn data_info(r: &Record) -> serde_json::Value {
    let s = r.settings;
    let d = r.data;
    serde_json::json!({
        "train": {"files": s.train.iter().map(|p| file_info(p)).collect::<Vec<_>>(), "examples": d.train.len()},
        "dev": {"file": file_info(&s.dev), "examples": d.dev.len()},
        "test": s.test.as_ref().map(|p| serde_json::json!({"file": file_info(p), "examples": d.test.as_ref().map_or(0, |e| e.len())})),
        "pool": s.distill.as_ref().map(|t| serde_json::json!({"files": t.pool.iter().map(|p| file_info(p)).collect::<Vec<_>>(), "examples": d.pool.len()})),
        "left_out_reporting_actors": s.leave_out_reporting_actors.then_some(d.left_out),
    })
}

/// The teacher of a distilled model: its folder, name and weights file.
fn teacher_info(r: &Record) -> serde_json::Value {
    let Some(d) = &r.settings.distill else {
        return serde_json::Value::Null;
    };
    match &d.teacher {
        Teacher::Model(dir) => {
            let manifest = Manifest::read(dir).ok();
            serde_json::json!({
                "dir": dir.display().to_string(),
                "name": manifest.map(|m| m.name),
                "weights": file_info(&dir.join(crate::model::WEIGHTS_FILE)),
            })
        }
        Teacher::Readings(file) => serde_json::json!({"readings": file_info(file)}),
    }
}

/// The `info` of the manifest: the full training record.
fn provenance(r: &Record) -> serde_json::Map<String, serde_json::Value> {
    let mut info = serde_json::Map::new();
    info.insert("base_model".into(), base_model_info(r));
    info.insert("data".into(), data_info(r));
    info.insert("teacher".into(), teacher_info(r));
    info.insert(
        "hyperparameters".into(),
        serde_json::to_value(r.settings).unwrap_or_default(),
    );
    info.insert(
        "epochs".into(),
        serde_json::to_value(r.logs).unwrap_or_default(),
    );
    info.insert("best_epoch".into(), r.best_epoch.into());
    info.insert(
        "calibration".into(),
        serde_json::to_value(r.cal).unwrap_or_default(),
    );
    info.insert(
        "metrics".into(),
        serde_json::json!({"dev": r.dev, "test": r.test}),
    );
    info.insert("training_seconds".into(), r.seconds.into());
    info.insert("threads".into(), tch::get_num_threads().into());
    info.insert(
        "tool".into(),
        serde_json::json!({"name": "strait-stance", "version": env!("CARGO_PKG_VERSION")}),
    );
    info
}

/// The card's note on what the model reads (nothing for text-only models).
fn input_note(format: InputFormat, actor_dropout: f64, actor_swap: f64) -> String {
    match format {
        InputFormat::Text => String::new(),
        InputFormat::ActorText => format!(
            "\n## Input\n\nThis model reads whose words a statement records: `config.json` has \
             `\"stance_input\": \"actor_text\"`, and each input is the pair \
             `[CLS] actor [SEP] text [SEP]` (the `actor` column first, at most 16 tokens; an \
             empty first segment when there is none). `stance` forms the pair itself; with \
             `transformers`, call the tokenizer as `tok(actors, texts)`. {:.0}% of the training \
             rows were read without their actor and {:.0}% with another row's (label kept).\n",
            100.0 * actor_dropout,
            100.0 * actor_swap
        ),
    }
}

/// The card's note on what the head reads (nothing for `[CLS]` models).
fn pooling_note(pooling: Pooling) -> &'static str {
    match pooling {
        Pooling::Cls => "",
        Pooling::Mean => {
            "\n## Pooling\n\nThe head reads the mean of the encoder's last token states over \
             the text's tokens (padding excluded), not `[CLS]`: `config.json` has \
             `\"stance_pooling\": \"mean\"`. With `transformers`, load the folder as \
             `BertForSequenceClassification` and compute \
             `classifier(tanh(bert.pooler.dense(mean)))` from `bert(...).last_hidden_state` \
             yourself; calling the model directly reads `[CLS]` and gives other logits.\n"
        }
    }
}

/// A short model card (README.md in the model folder): what it is, its metrics, what it reads,
/// how it was trained.
fn model_card(r: &Record) -> String {
    let mut t = card_intro(r);
    t.push_str(&metrics_table(r));
    t.push_str(&input_note(
        r.config.stance_input,
        r.settings.actor_dropout,
        r.settings.actor_swap,
    ));
    t.push_str(pooling_note(r.config.stance_pooling));
    t.push_str(&training_section(r));
    t
}

/// The card's title and first paragraph: the task, where the weights started, the files.
fn card_intro(r: &Record) -> String {
    format!(
        "# {name}\n\nA six-way stance classifier (opposes, does_not_support, neutral, \
         leans_supports, supports, off_topic) for statements about Taiwan independence, \
         fine-tuned by `stance train` from the {start}. Standard Hugging Face \
         `BertForSequenceClassification` checkpoint; `calibration.json` holds the temperature \
         (T = {t:.3}) that `stance classify` applies; `manifest.json` lists the sha256 of every \
         file and the full training record.\n",
        name = r.settings.name,
        start = starting_point(r),
        t = r.cal.temperature
    )
}

/// Where the weights started: the base encoder or a fine-tuned model, and the teacher if any.
fn starting_point(r: &Record) -> String {
    let s = r.settings;
    let base = match &s.init {
        Init::Base(p) => format!("pretrained encoder `{}`", p.display()),
        Init::FineTuned(p) => format!("fine-tuned stance model `{}` (retraining)", p.display()),
    };
    match &s.distill {
        Some(d) => format!(
            "{base}, distilled from {} `{}` (weight {}, temperature {}, {} pool statements)",
            match d.teacher {
                Teacher::Model(_) => "the model",
                Teacher::Readings(_) => "a teacher's readings in",
            },
            d.teacher.path().display(),
            d.weight,
            d.temperature,
            r.data.pool.len()
        ),
        None => base,
    }
}

/// The card's metrics table: dev, and test when one was given.
fn metrics_table(r: &Record) -> String {
    let row = |name: &str, m: &Metrics| {
        format!(
            "| {name} | {} | {:.4} | {:.4} | {:.4} | {:.2}% | {} |\n",
            m.n,
            m.accuracy,
            m.macro_f1,
            m.ece,
            100.0 * m.opposes_dns_confusion_rate,
            m.stance_score_mae
                .map(|x| format!("{x:.3}"))
                .unwrap_or_else(|| "n/a".into())
        )
    };
    let mut t = String::from(
        "\n## Metrics\n\n\
         | split | n | accuracy | macro-F1 | ECE | opposes↔does_not_support | stance-score MAE |\n\
         |---|---|---|---|---|---|---|\n",
    );
    t.push_str(&row("dev", r.dev));
    if let Some(m) = r.test {
        t.push_str(&row("test", m));
    }
    t
}

/// The loss's optional terms, as the card lists them after the class balance (empty when
/// none is on).
fn loss_terms(s: &TrainSettings) -> String {
    let mut t = String::new();
    if s.label_smoothing > 0.0 {
        t.push_str(&format!(", label smoothing {}", s.label_smoothing));
    }
    if s.flip_penalty > 0.0 {
        t.push_str(&format!(", polarity-flip penalty {}", s.flip_penalty));
    }
    t
}

/// The card's note on reporting actors' rows left out of train and dev (empty when none were).
fn left_out_note(r: &Record) -> String {
    if !r.settings.leave_out_reporting_actors {
        return String::new();
    }
    format!(
        "; left out as reporting actors' (answered by the guide's rule, GUIDE 5.14.47): {} train \
         and {} dev rows",
        r.data.left_out.train, r.data.left_out.dev
    )
}

/// The card's training section: data, schedule, wall time, intended use.
fn training_section(r: &Record) -> String {
    let s = r.settings;
    format!(
        "\n## Training\n\n- data: `{}` (train), `{}` (dev){}{}\n- epochs run: {} (kept epoch {} by dev macro-F1), \
         lr {}, batch {}, warmup {}, weight decay {}, clip {}, max tokens {}, seed {}, \
         class-balanced loss: {}{}, weights stored as {}\n- wall time: {:.0} s\n\n\
         Intended use: research and monitoring of diplomatic wording; labels follow \
         `datasets/GUIDE.md`. Check predictions on your own data with `stance eval` before \
         relying on them.\n",
        s.train
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join("`, `"),
        s.dev.display(),
        s.test
            .as_ref()
            .map(|p| format!(", `{}` (test)", p.display()))
            .unwrap_or_default(),
        left_out_note(r),
        r.logs.len(),
        r.best_epoch,
        s.lr,
        s.batch_size,
        s.warmup,
        s.weight_decay,
        s.clip_norm,
        s.max_tokens,
        s.seed,
        s.balanced,
        loss_terms(s),
        if s.half { "fp16" } else { "fp32" },
        r.seconds
    )
}
