//! Fine-tuning a stance classifier with tch: rust-bert's `BertForSequenceClassification`,
//! AdamW with decoupled weight decay, linear warmup then linear decay, class-balanced
//! cross-entropy, gradient clipping, a fixed seed, dev evaluation every epoch with early
//! stopping on dev macro-F1, then temperature scaling on dev. The result is a Hugging Face
//! checkpoint plus `manifest.json`.

pub mod calibrate;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::Serialize;
use tch::nn::OptimizerConfig;
use tch::{Kind, Reduction, Tensor};

use crate::batch::{make_batch, TextTokenizer};
use crate::classify::{ClassifierSettings, ClassifyError};
use crate::eval::{self, Metrics};
use crate::input::labelled::{read_labelled, Example, LabelledError};
use crate::labels::{Label, NUM_LABELS};
use crate::model::manifest::sha256_file;
use crate::model::{
    BertConfig, Calibration, LoadOptions, Manifest, ModelError, ReferenceBert, StanceModel, Weights,
};
use crate::report::Reporter;

/// Where the weights to start from come from.
#[derive(Debug, Clone)]
pub enum Init {
    /// A pretrained encoder (e.g. all-MiniLM-L6-v2): the classifier head starts random.
    Base(PathBuf),
    /// A fine-tuned stance model: everything continues from it (retraining on a new corpus).
    FineTuned(PathBuf),
}

/// Hyper-parameters and paths of a training run.
#[derive(Debug, Clone, Serialize)]
pub struct TrainSettings {
    /// Training data: one or more files, concatenated (e.g. the synthetic and the real corpus).
    pub train: Vec<PathBuf>,
    /// Dev data (early stopping, calibration).
    pub dev: PathBuf,
    /// Optional test data, evaluated once at the end for the manifest.
    pub test: Option<PathBuf>,
    /// Starting weights.
    #[serde(skip)]
    pub init: Init,
    /// Output folder.
    pub out: PathBuf,
    /// Model name for the manifest.
    pub name: String,
    /// Maximum epochs.
    pub epochs: usize,
    /// Peak learning rate.
    pub lr: f64,
    /// Examples per step.
    pub batch_size: usize,
    /// Share of steps spent warming up.
    pub warmup: f64,
    /// Decoupled weight decay (not on biases and layer norms).
    pub weight_decay: f64,
    /// Gradient-norm clip.
    pub clip_norm: f64,
    /// Longest training sequence in tokens.
    pub max_tokens: usize,
    /// Seed for initialisation, dropout and shuffling.
    pub seed: u64,
    /// Epochs without dev improvement before stopping.
    pub patience: usize,
    /// Weight the loss by inverse class frequency.
    pub balanced: bool,
    /// Label smoothing of the cross-entropy (0 = none).
    pub label_smoothing: f64,
    /// Store weights as fp16.
    pub half: bool,
    /// Text and label columns.
    pub text_col: String,
    /// Label column.
    pub label_col: String,
}

/// Why training failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// Bad data.
    #[error(transparent)]
    Data(#[from] LabelledError),
    /// Model problems.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Interrupted.
    #[error("interrupted")]
    Interrupted,
    /// Output folder problems.
    #[error("{0}")]
    Output(String),
    /// Filesystem.
    #[error("cannot access {}", path.display())]
    Io {
        /// Where.
        path: PathBuf,
        /// Error.
        #[source]
        source: std::io::Error,
    },
}

impl From<ClassifyError> for TrainError {
    fn from(e: ClassifyError) -> Self {
        match e {
            ClassifyError::Interrupted => TrainError::Interrupted,
            ClassifyError::Model(m) => TrainError::Model(m),
        }
    }
}

/// One epoch's numbers.
#[derive(Debug, Clone, Serialize)]
pub struct EpochLog {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Dev macro-F1 (whole texts, reference model).
    pub dev_macro_f1: f64,
    /// Dev accuracy.
    pub dev_accuracy: f64,
    /// Seconds.
    pub seconds: f64,
}

/// What training produced.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// Output folder.
    pub out: PathBuf,
    /// Per-epoch log.
    pub epochs: Vec<EpochLog>,
    /// Epoch kept.
    pub best_epoch: usize,
    /// Fitted temperature.
    pub temperature: f64,
    /// Dev metrics of the saved model through the classify pipeline.
    pub dev: Metrics,
    /// Test metrics, if a test file was given.
    pub test: Option<Metrics>,
    /// Wall seconds.
    pub seconds: f64,
}

struct Encoded {
    seqs: Vec<Vec<i64>>,
    labels: Vec<i64>,
}

fn encode(tok: &TextTokenizer, ex: &[Example], max_tokens: usize) -> Result<Encoded, ModelError> {
    let texts: Vec<&str> = ex.iter().map(|e| e.text.as_str()).collect();
    let toks = tok.tokenize(&texts)?;
    Ok(Encoded {
        seqs: toks
            .iter()
            .map(|t| tok.with_specials(&t.ids, max_tokens))
            .collect(),
        labels: ex.iter().map(|e| e.label.index() as i64).collect(),
    })
}

fn is_decayed(name: &str) -> bool {
    !(name.ends_with(".bias") || name.contains("LayerNorm"))
}

/// Batches for one epoch: shuffle, then sort by length within pools of 50 batches so batches
/// are dense without losing randomness, then shuffle the batch order.
fn epoch_batches(lengths: &[usize], batch: usize, rng: &mut rand::rngs::StdRng) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..lengths.len()).collect();
    idx.shuffle(rng);
    let pool = batch * 50;
    let mut batches = Vec::new();
    for chunk in idx.chunks(pool) {
        let mut c = chunk.to_vec();
        c.sort_by_key(|&i| std::cmp::Reverse(lengths[i]));
        for b in c.chunks(batch) {
            batches.push(b.to_vec());
        }
    }
    batches.shuffle(rng);
    batches
}

fn dev_metrics(model: &ReferenceBert, enc: &Encoded, pad: i64) -> Metrics {
    let lengths: Vec<usize> = enc.seqs.iter().map(Vec::len).collect();
    let mut probs = vec![[0f32; NUM_LABELS]; enc.seqs.len()];
    let plan = crate::batch::plan_batches(&lengths, crate::batch::BatchLimits::default());
    tch::no_grad(|| {
        for rows in plan {
            let b = make_batch(&enc.seqs, &rows, pad);
            let p = model
                .logits(&b.ids, &b.mask, false)
                .softmax(-1, Kind::Float)
                .contiguous();
            let flat: Vec<f32> = Vec::try_from(p.reshape([-1])).unwrap_or_default();
            for (k, r) in rows.iter().enumerate() {
                probs[*r].copy_from_slice(&flat[k * NUM_LABELS..(k + 1) * NUM_LABELS]);
            }
        }
    });
    let gold: Vec<Label> = enc
        .labels
        .iter()
        .filter_map(|&l| Label::from_index(l as usize))
        .collect();
    eval::compute(&gold, &probs)
}

/// Trains, calibrates, evaluates and writes a model folder.
pub fn train(
    s: &TrainSettings,
    reporter: &dyn Reporter,
    cancel: &AtomicBool,
) -> Result<TrainReport, TrainError> {
    let started = Instant::now();
    if s.out.exists() {
        return Err(TrainError::Output(format!(
            "{} already exists; choose a new folder (models are never overwritten)",
            s.out.display()
        )));
    }
    if s.train.is_empty() {
        return Err(TrainError::Output("no training data given".into()));
    }
    let mut train_ex = Vec::new();
    for p in &s.train {
        train_ex.extend(read_labelled(p, &s.text_col, &s.label_col)?);
    }
    let dev_ex = read_labelled(&s.dev, &s.text_col, &s.label_col)?;
    let test_ex = match &s.test {
        Some(p) => Some(read_labelled(p, &s.text_col, &s.label_col)?),
        None => None,
    };

    // Model and tokenizer.
    let init_dir = match &s.init {
        Init::Base(p) | Init::FineTuned(p) => p.clone(),
    };
    if !init_dir.is_dir() {
        return Err(ModelError::NotFound(init_dir).into());
    }
    let mut config = BertConfig::from_file(&init_dir.join("config.json"))?;
    if let Init::FineTuned(_) = s.init {
        config.stance_labels()?;
        crate::model::verify_dir(&init_dir, false)?;
    }
    config.set_stance_labels();
    let tok = TextTokenizer::from_file(&init_dir.join("tokenizer.json"))?;
    tch::manual_seed(s.seed as i64);
    let mut model = ReferenceBert::new(&config)?;
    let weights = Weights::read(&init_dir)?;
    let (missing, _unused) = model.load(&weights)?;
    let allowed_missing =
        |n: &String| matches!(s.init, Init::Base(_)) && n.starts_with("classifier.");
    let bad: Vec<String> = missing
        .iter()
        .filter(|n| !allowed_missing(n))
        .cloned()
        .collect();
    if !bad.is_empty() {
        return Err(ModelError::MissingTensors(bad).into());
    }
    drop(weights);

    let max_tokens = s.max_tokens.min(config.max_position_embeddings as usize);
    let train_enc = encode(&tok, &train_ex, max_tokens)?;
    let dev_enc = encode(&tok, &dev_ex, max_tokens)?;
    let lengths: Vec<usize> = train_enc.seqs.iter().map(Vec::len).collect();

    // Class weights: inverse frequency, normalised to mean 1.
    let mut counts = [0f64; NUM_LABELS];
    for &l in &train_enc.labels {
        counts[l as usize] += 1.0;
    }
    let n = train_enc.labels.len() as f64;
    let class_w: Vec<f32> = counts
        .iter()
        .map(|&c| {
            if s.balanced && c > 0.0 {
                (n / (NUM_LABELS as f64 * c)) as f32
            } else {
                1.0
            }
        })
        .collect();
    let class_w = Tensor::from_slice(&class_w);

    let steps_per_epoch = lengths.len().div_ceil(s.batch_size.max(1));
    let total_steps = (steps_per_epoch * s.epochs).max(1);
    let warmup_steps = ((total_steps as f64) * s.warmup).round() as usize;
    let lr_at = |step: usize| -> f64 {
        if step < warmup_steps {
            s.lr * (step + 1) as f64 / warmup_steps.max(1) as f64
        } else {
            let rest = (total_steps - warmup_steps).max(1) as f64;
            s.lr * ((total_steps - step) as f64 / rest).max(0.0)
        }
    };
    let mut opt = tch::nn::AdamW {
        beta1: 0.9,
        beta2: 0.999,
        wd: 0.0,
        eps: 1e-8,
        amsgrad: false,
    }
    .build(&model.vs, s.lr)
    .map_err(|e| ModelError::Invalid(format!("cannot build the optimizer: {e}")))?;
    let decayed: Vec<Tensor> = model
        .vs
        .variables()
        .into_iter()
        .filter(|(n, _)| is_decayed(n))
        .map(|(_, t)| t)
        .collect();

    let mut rng = rand::rngs::StdRng::seed_from_u64(s.seed);
    let pad = tok.pad_id();
    let mut step = 0usize;
    let mut logs = Vec::new();
    // (dev macro-F1, epoch, weights) of the best epoch so far.
    type Snapshot = (f64, usize, Vec<(String, Tensor)>);
    let mut best: Option<Snapshot> = None;
    let mut since_best = 0usize;
    for epoch in 1..=s.epochs {
        let t_epoch = Instant::now();
        reporter.begin(
            &format!("epoch {epoch}/{}", s.epochs),
            Some(steps_per_epoch as u64),
        );
        let mut loss_sum = 0.0;
        let mut loss_n = 0usize;
        for rows in epoch_batches(&lengths, s.batch_size, &mut rng) {
            if cancel.load(Ordering::Relaxed) {
                reporter.end();
                return Err(TrainError::Interrupted);
            }
            let b = make_batch(&train_enc.seqs, &rows, pad);
            let y: Vec<i64> = rows.iter().map(|&r| train_enc.labels[r]).collect();
            let y = Tensor::from_slice(&y);
            let logits = model.logits(&b.ids, &b.mask, true);
            let loss = logits.cross_entropy_loss::<Tensor>(
                &y,
                Some(class_w.shallow_clone()),
                Reduction::Mean,
                -100,
                s.label_smoothing,
            );
            let lr = lr_at(step);
            opt.set_lr(lr);
            opt.backward_step_clip_norm(&loss, s.clip_norm);
            if s.weight_decay > 0.0 {
                // Decoupled weight decay (AdamW), skipping biases and layer norms.
                tch::no_grad(|| {
                    for t in &decayed {
                        let mut t = t.shallow_clone();
                        let _ = t.f_mul_(&Tensor::from(1.0 - lr * s.weight_decay));
                    }
                });
            }
            let l = loss.double_value(&[]);
            loss_sum += l;
            loss_n += 1;
            step += 1;
            reporter.advance(1);
            reporter.message(&format!(
                "loss {:.4} lr {:.2e}",
                loss_sum / loss_n as f64,
                lr
            ));
        }
        reporter.end();
        let dev = dev_metrics(&model, &dev_enc, pad);
        let log = EpochLog {
            epoch,
            train_loss: loss_sum / loss_n.max(1) as f64,
            dev_macro_f1: dev.macro_f1,
            dev_accuracy: dev.accuracy,
            seconds: t_epoch.elapsed().as_secs_f64(),
        };
        reporter.note(&format!(
            "epoch {epoch}: train loss {:.4}, dev macro-F1 {:.4}, dev accuracy {:.4} ({:.0}s)",
            log.train_loss, log.dev_macro_f1, log.dev_accuracy, log.seconds
        ));
        logs.push(log);
        if best.as_ref().is_none_or(|(f1, _, _)| dev.macro_f1 > *f1) {
            let snapshot = model
                .named_tensors()
                .into_iter()
                .map(|(n, t)| (n, t.detach().copy()))
                .collect();
            best = Some((dev.macro_f1, epoch, snapshot));
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= s.patience {
                reporter.note(&format!(
                    "early stop: no dev improvement for {} epoch(s)",
                    s.patience
                ));
                break;
            }
        }
    }
    let (_, best_epoch, snapshot) =
        best.ok_or_else(|| TrainError::Output("no epoch ran".into()))?;
    tch::no_grad(|| {
        let vars = model.vs.variables();
        for (name, t) in &snapshot {
            if let Some(v) = vars.get(name) {
                let mut v = v.shallow_clone();
                v.copy_(t);
            }
        }
    });

    // Write into a temp folder, then rename: a crash never leaves a half model under OUT.
    let parent = s
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|source| TrainError::Io {
        path: parent.to_path_buf(),
        source,
    })?;
    let tmp = parent.join(format!(
        ".{}.tmp-{}",
        s.out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    crate::model::save::write_checkpoint(&tmp, &config, &model, &init_dir, s.half, None)?;
    drop(model);

    // Calibrate through the real classify pipeline (the units classify uses).
    let settings = ClassifierSettings::default();
    let uncal = StanceModel::load(
        &tmp,
        &LoadOptions {
            allow_unverified: true,
            ..Default::default()
        },
    )?;
    let dev_texts: Vec<&str> = dev_ex.iter().map(|e| e.text.as_str()).collect();
    let mut dev_probs = Vec::new();
    for group in dev_texts.chunks(512) {
        let (res, _) = crate::classify::classify_documents(&uncal, group, &settings, cancel)?;
        dev_probs.extend(res.into_iter().map(|r| r.probs));
    }
    let dev_gold: Vec<Label> = dev_ex.iter().map(|e| e.label).collect();
    let before = eval::compute(&dev_gold, &dev_probs);
    let t = calibrate::fit_temperature(&dev_probs, &dev_gold);
    let scaled: Vec<_> = dev_probs.iter().map(|p| calibrate::rescale(p, t)).collect();
    let after = eval::compute(&dev_gold, &scaled);
    drop(uncal);
    let cal = Calibration {
        temperature: t,
        ece_before: Some(before.ece),
        ece_after: Some(after.ece),
        fitted_on: Some(s.dev.display().to_string()),
    };
    let cal_path = tmp.join(crate::model::CALIBRATION_FILE);
    let text = serde_json::to_string_pretty(&cal).unwrap_or_default();
    crate::fsio::atomic_write(&cal_path, format!("{text}\n").as_bytes()).map_err(|source| {
        TrainError::Io {
            path: cal_path.clone(),
            source,
        }
    })?;

    // Final metrics with the saved, calibrated model.
    let model = StanceModel::load(
        &tmp,
        &LoadOptions {
            allow_unverified: true,
            ..Default::default()
        },
    )?;
    let dev = eval::evaluate(&model, &dev_ex, &settings, cancel, &crate::report::Silent)?.metrics;
    let test = match &test_ex {
        Some(ex) => {
            Some(eval::evaluate(&model, ex, &settings, cancel, &crate::report::Silent)?.metrics)
        }
        None => None,
    };
    drop(model);
    let seconds = started.elapsed().as_secs_f64();

    let file_info = |p: &Path| -> serde_json::Value {
        match sha256_file(p) {
            Ok((sha, size)) => {
                serde_json::json!({"path": p.display().to_string(), "sha256": sha, "bytes": size})
            }
            Err(_) => serde_json::json!({"path": p.display().to_string()}),
        }
    };
    let base_info = {
        let w = init_dir.join(crate::model::WEIGHTS_FILE);
        serde_json::json!({
            "kind": match s.init { Init::Base(_) => "pretrained encoder", Init::FineTuned(_) => "fine-tuned stance model (retraining)" },
            "dir": init_dir.display().to_string(),
            "name": config.extra.get("_name_or_path").cloned().unwrap_or(serde_json::Value::Null),
            "weights": file_info(&w),
        })
    };
    let mut info = serde_json::Map::new();
    info.insert("base_model".into(), base_info);
    info.insert(
        "data".into(),
        serde_json::json!({
            "train": {"files": s.train.iter().map(|p| file_info(p)).collect::<Vec<_>>(), "examples": train_ex.len()},
            "dev": {"file": file_info(&s.dev), "examples": dev_ex.len()},
            "test": s.test.as_ref().map(|p| serde_json::json!({"file": file_info(p), "examples": test_ex.as_ref().map_or(0, |e| e.len())})),
        }),
    );
    info.insert(
        "hyperparameters".into(),
        serde_json::to_value(s).unwrap_or_default(),
    );
    info.insert(
        "epochs".into(),
        serde_json::to_value(&logs).unwrap_or_default(),
    );
    info.insert("best_epoch".into(), best_epoch.into());
    info.insert(
        "calibration".into(),
        serde_json::to_value(&cal).unwrap_or_default(),
    );
    info.insert(
        "metrics".into(),
        serde_json::json!({"dev": dev, "test": test}),
    );
    info.insert("training_seconds".into(), seconds.into());
    info.insert("threads".into(), tch::get_num_threads().into());
    info.insert(
        "tool".into(),
        serde_json::json!({"name": "strait-stance", "version": env!("CARGO_PKG_VERSION")}),
    );
    let card = model_card(s, &logs, best_epoch, &cal, &dev, test.as_ref(), seconds);
    let card_path = tmp.join("README.md");
    std::fs::write(&card_path, card).map_err(|source| TrainError::Io {
        path: card_path.clone(),
        source,
    })?;
    let manifest = Manifest::build(&tmp, &s.name, info)?;
    manifest.write(&tmp)?;
    std::fs::rename(&tmp, &s.out).map_err(|source| TrainError::Io {
        path: s.out.clone(),
        source,
    })?;
    Ok(TrainReport {
        out: s.out.clone(),
        epochs: logs,
        best_epoch,
        temperature: t,
        dev,
        test,
        seconds,
    })
}

/// A short model card (README.md in the model folder).
fn model_card(
    s: &TrainSettings,
    logs: &[EpochLog],
    best_epoch: usize,
    cal: &Calibration,
    dev: &Metrics,
    test: Option<&Metrics>,
    seconds: f64,
) -> String {
    let base = match &s.init {
        Init::Base(p) => format!("pretrained encoder `{}`", p.display()),
        Init::FineTuned(p) => format!("fine-tuned stance model `{}` (retraining)", p.display()),
    };
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
    let mut t = format!(
        "# {name}\n\nA six-way stance classifier (opposes, does_not_support, neutral, \
         leans_supports, supports, off_topic) for statements about Taiwan independence, \
         fine-tuned by `stance train` from the {base}. Standard Hugging Face \
         `BertForSequenceClassification` checkpoint; `calibration.json` holds the temperature \
         (T = {t:.3}) that `stance classify` applies; `manifest.json` lists the sha256 of every \
         file and the full training record.\n\n## Metrics\n\n\
         | split | n | accuracy | macro-F1 | ECE | opposes↔does_not_support | stance-score MAE |\n\
         |---|---|---|---|---|---|---|\n",
        name = s.name,
        t = cal.temperature
    );
    t.push_str(&row("dev", dev));
    if let Some(m) = test {
        t.push_str(&row("test", m));
    }
    t.push_str(&format!(
        "\n## Training\n\n- data: `{}` (train), `{}` (dev){}\n- epochs run: {} (kept epoch {best_epoch} by dev macro-F1), \
         lr {}, batch {}, warmup {}, weight decay {}, clip {}, max tokens {}, seed {}, \
         class-balanced loss: {}, weights stored as {}\n- wall time: {:.0} s\n\n\
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
        logs.len(),
        s.lr,
        s.batch_size,
        s.warmup,
        s.weight_decay,
        s.clip_norm,
        s.max_tokens,
        s.seed,
        s.balanced,
        if s.half { "fp16" } else { "fp32" },
        seconds
    ));
    t
}
