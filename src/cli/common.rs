//! Options shared by the commands that run a model (`classify`, `eval`).

use std::path::PathBuf;

use anyhow::Result;
use strait_stance::batch::BatchLimits;
use strait_stance::classify::{ClassifierSettings, Segmentation};
use strait_stance::defaults;
use strait_stance::model::{
    default_chinese_model_dir, default_model_dir, fast_model_dir, EngineKind, LoadOptions,
    ModelError, Precision, Routes, StanceModel,
};

/// Which model to load, and how.
#[derive(clap::Args)]
#[command(next_help_heading = "Model")]
pub struct ModelArgs {
    /// Model folder (Hugging Face checkpoint + manifest). Default: $STANCE_MODEL, else the
    /// shipped models/stance-minilm-v3.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Use the fast tier for English statements: models/stance-minilm-fast-v3, a 3-layer student
    /// distilled from the default model, with int8 weights unless --precision says otherwise
    /// (about 4.5x faster than the default model, about as accurate on real text; see the
    /// README).
    #[arg(long, conflicts_with = "model")]
    pub fast: bool,
    /// Arithmetic of the encoder's linear layers (int8: about 2.1x faster than fp32 with AVX-512
    /// VNNI, less with AVX2; see the README). auto: int8 for the fast tier, fp32 for every other
    /// model.
    #[arg(long, value_enum, default_value_t)]
    pub precision: PrecisionChoice,
    /// Forward-pass implementation.
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineKind,
    /// Load a model folder that has no manifest.json (its files cannot be verified).
    #[arg(long)]
    pub allow_unverified_model: bool,
    /// Model for Chinese statements (mostly Han script). Default: the shipped
    /// models/stance-multilingual-v7 when installed and --model is not given (--model alone
    /// reads every statement).
    #[arg(long, value_name = "DIR")]
    pub chinese_model: Option<PathBuf>,
}

/// `--precision`: a precision, or the model's own default.
#[derive(Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PrecisionChoice {
    /// int8 for the fast tier, fp32 for every other model.
    #[default]
    Auto,
    /// fp32 everywhere (exact).
    Fp32,
    /// int8 weights, dynamically quantised fp32 activations in the encoder's linear layers.
    Int8,
}

impl ModelArgs {
    /// Load options for the primary model (the fast tier when `--fast` is given).
    fn options(&self) -> LoadOptions {
        // `--fast` cannot be given with `--model`; rust-bert's engine has no int8.
        let tier = if self.fast && self.engine == EngineKind::Fast {
            defaults::FAST_TIER_PRECISION
        } else {
            Precision::default()
        };
        self.options_with(tier)
    }

    /// Load options for the Chinese model: `auto` keeps it at its default precision (the fast
    /// tier is an English model).
    fn chinese_options(&self) -> LoadOptions {
        self.options_with(Precision::default())
    }

    fn options_with(&self, auto: Precision) -> LoadOptions {
        LoadOptions {
            precision: match self.precision {
                PrecisionChoice::Auto => auto,
                PrecisionChoice::Fp32 => Precision::Fp32,
                PrecisionChoice::Int8 => Precision::Int8,
            },
            engine: self.engine,
            allow_unverified: self.allow_unverified_model,
        }
    }

    /// The models of a run: the named model for everything (`--model` or `$STANCE_MODEL`), else
    /// the English model with Chinese statements routed to the multilingual model (loaded on
    /// first use). Returns the routes, the seconds loading took, and a warning when Chinese
    /// text has no model of its own.
    pub fn load_routes(&self) -> Result<(Routes, f64, Option<String>)> {
        let (primary, load_s) = self.load()?;
        let named = self.model.is_some() || std::env::var_os("STANCE_MODEL").is_some();
        if named && self.chinese_model.is_none() {
            return Ok((Routes::single(primary), load_s, None));
        }
        let dir = self
            .chinese_model
            .clone()
            .unwrap_or_else(default_chinese_model_dir);
        if self.chinese_model.is_none() && !dir.join("manifest.json").is_file() {
            let warning = format!(
                "no Chinese model in {}: Chinese statements are read by {} (run scripts/setup.sh)",
                dir.display(),
                primary.info.name
            );
            return Ok((Routes::single(primary), load_s, Some(warning)));
        }
        let routes = Routes::with_chinese(primary, &dir, self.chinese_options()).map_err(|e| {
            anyhow::Error::new(e)
                .context(format!("cannot use the Chinese model in {}", dir.display()))
        })?;
        Ok((routes, load_s, None))
    }

    /// Verifies and loads the model; returns it with the seconds loading took.
    pub fn load(&self) -> Result<(StanceModel, f64)> {
        let dir = match (&self.model, self.fast) {
            (Some(dir), _) => dir.clone(),
            (None, true) => fast_model_dir(),
            (None, false) => default_model_dir(),
        };
        let t = std::time::Instant::now();
        let model = StanceModel::load(&dir, &self.options()).map_err(|e| {
            // The library speaks of settings; name the flags that change them.
            let hint = match &e {
                ModelError::NoManifest { .. } => {
                    "; pass --allow-unverified-model to load it anyway"
                }
                ModelError::Invalid(m) if m.contains("fast engine") => {
                    "; use --engine fast for int8"
                }
                ModelError::NotAssembled { .. } => {
                    "; run `stance model assemble` on it (scripts/setup.sh assembles every packed folder)"
                }
                _ => "",
            };
            anyhow::Error::new(e)
                .context(format!("cannot load the model in {}{hint}", dir.display()))
        })?;
        Ok((model, t.elapsed().as_secs_f64()))
    }
}

/// How documents are cut and batched.
#[derive(clap::Args)]
#[command(next_help_heading = "Segmentation and batching")]
pub struct ClassifierArgs {
    /// Longest unit (statement, sentence or window) in tokens, specials included. Default: the
    /// model's limit, capped at 256.
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<usize>,
    /// Most sequences per batch.
    #[arg(long, default_value_t = defaults::BATCH_SIZE, value_name = "N")]
    pub batch_size: usize,
    /// Most padded tokens (rows × length) per batch.
    #[arg(long, default_value_t = defaults::MAX_BATCH_TOKENS, value_name = "N")]
    pub max_batch_tokens: usize,
    /// How documents are cut: auto (whole text when it fits the window, else sentences rolled
    /// up), sentences (always), or truncate (whole text cut at the window).
    #[arg(long, value_enum, default_value_t)]
    pub segmentation: Segmentation,
    /// In segmented documents, the probability a sentence's top stance label needs to decide
    /// the document.
    #[arg(long, default_value_t = defaults::MIN_STANCE_CONFIDENCE, value_name = "P")]
    pub min_stance_confidence: f32,
    /// Read every unit with the model, even one identical to a unit already read in this run
    /// (by default a repeated sentence is classified once and its result reused).
    #[arg(long)]
    pub no_reuse: bool,
    /// Batches in flight at once, each on its own inference stream with an equal share of the
    /// threads (auto: one per thread, at most 4; 1: one stream whose matrix products use every
    /// thread)
    #[arg(long, default_value_t = StreamCount::Auto, value_name = "N|auto")]
    pub streams: StreamCount,
    /// Let the model label every statement. By default a statement whose actor is a news
    /// outlet, agency, journalist or commentator is off_topic, as the annotation guide rules
    /// (GUIDE 5.14.47), and its `rule` column says reporting_actor; and one whose actor is an
    /// organ of the PRC party-state that the model reads on the supports side takes the
    /// likeliest of the other four labels (GUIDE 5.14.88; rule party_state_side).
    #[arg(long)]
    pub no_actor_rules: bool,
}

impl ClassifierArgs {
    /// Validated settings for `model`.
    pub fn settings(&self, model: &StanceModel) -> Result<ClassifierSettings> {
        self.settings_capped(model.info.max_positions)
    }

    /// Validated settings with the token window capped at `max_positions` (before a model is
    /// loaded: `usize::MAX`).
    pub fn settings_capped(&self, max_positions: usize) -> Result<ClassifierSettings> {
        let max_tokens = self
            .max_tokens
            .unwrap_or(defaults::MAX_TOKENS)
            .min(max_positions);
        let settings = ClassifierSettings {
            max_tokens,
            limits: BatchLimits {
                max_rows: self.batch_size,
                max_tokens: self.max_batch_tokens,
            },
            window_overlap: (max_tokens / 8).max(4),
            segmentation: self.segmentation,
            min_stance_confidence: self.min_stance_confidence,
            reuse: !self.no_reuse,
            streams: self.streams.resolve(tch::get_num_threads().max(1) as usize),
            actor_rules: defaults::ACTOR_RULES && !self.no_actor_rules,
        };
        settings.validate().map_err(settings_error)?;
        Ok(settings)
    }
}

/// A library settings error with the command-line flags that set it (the library speaks of
/// settings only).
pub fn settings_error(message: String) -> anyhow::Error {
    const FLAGS: &[(&str, &str)] = &[
        ("sharding needs", "--shard with --out -"),
        ("standard input", "- given more than once"),
        ("maximum reject rate", "--max-reject-rate"),
        ("chunks need", "--chunk-rows"),
        ("token window", "--max-tokens"),
        ("batches need room", "--batch-size, --max-batch-tokens"),
        ("minimum stance confidence", "--min-stance-confidence"),
        ("inference stream", "--streams"),
    ];
    let flag = FLAGS
        .iter()
        .find(|(k, _)| message.contains(k))
        .map(|(_, f)| format!(" ({f})"))
        .unwrap_or_default();
    anyhow::anyhow!("invalid settings: {message}{flag}")
}

/// `--streams`: a number of inference streams, or `auto` (one per intra-op thread, at most
/// [`defaults::MAX_AUTO_STREAMS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamCount {
    /// One stream per thread, capped.
    Auto,
    /// Exactly this many (0 is refused by the settings check).
    Fixed(usize),
}

impl StreamCount {
    /// The stream count for `threads` intra-op threads.
    pub fn resolve(self, threads: usize) -> usize {
        match self {
            StreamCount::Auto => defaults::streams(threads),
            StreamCount::Fixed(n) => n,
        }
    }
}

impl std::str::FromStr for StreamCount {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("auto") {
            return Ok(StreamCount::Auto);
        }
        s.parse()
            .map(StreamCount::Fixed)
            .map_err(|_| format!("expected a number of streams or `auto`, got `{s}`"))
    }
}

impl std::fmt::Display for StreamCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamCount::Auto => f.write_str("auto"),
            StreamCount::Fixed(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod stream_count_tests {
    use super::StreamCount;

    #[test]
    fn auto_streams_are_one_per_thread_up_to_four() {
        let auto: StreamCount = "auto".parse().unwrap();
        assert_eq!(auto, StreamCount::Auto);
        assert_eq!([1, 2, 3, 4, 16].map(|t| auto.resolve(t)), [1, 2, 3, 4, 4]);
        let fixed: StreamCount = "3".parse().unwrap();
        assert_eq!(fixed.resolve(16), 3);
        assert!("many".parse::<StreamCount>().is_err());
        assert_eq!(StreamCount::Auto.to_string(), "auto");
    }
}
