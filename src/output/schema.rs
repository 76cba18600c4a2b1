//! The one description of every table the pipeline writes: names, order, types and meaning of
//! the columns of `predictions`, `sentences` and `rejects`. The frame builders
//! ([`super::frames`]), the JSON-lines stream ([`super::stream`]), `stance schema` and the Python
//! scripts (`scripts/spark_classify.py`, `scripts/check_readers.py`, which run
//! `stance schema --json`) all derive from it.

use serde::Serialize;

/// A column's logical type, as every reader should see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// UTF-8 text (Parquet BYTE_ARRAY/UTF8; Arrow `large_string`).
    String,
    /// 32-bit float.
    Float32,
    /// 32-bit integer.
    Int32,
    /// 64-bit integer.
    Int64,
    /// Boolean.
    Bool,
    /// Calendar date (Arrow `date32`).
    Date,
    /// Instant in microseconds, UTC (Arrow `timestamp[us, tz=UTC]`).
    TimestampUtc,
}

/// One column.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ColumnSpec {
    /// Name (never renamed once published).
    pub name: &'static str,
    /// Type.
    #[serde(rename = "type")]
    pub dtype: ColumnType,
    /// Whether values may be null.
    pub nullable: bool,
    /// Whether the JSON-lines stream (`--out -`) carries it too.
    pub in_stream: bool,
    /// What it holds.
    pub description: &'static str,
}

/// One table.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TableSpec {
    /// Folder name under the dataset root.
    pub name: &'static str,
    /// What a row is.
    pub description: &'static str,
    /// Core columns, in order.
    pub columns: &'static [ColumnSpec],
    /// Whether the input's other columns follow the core ones (renamed `input_<name>` on a
    /// clash with a core column, case-insensitively).
    pub passthrough: bool,
}

impl TableSpec {
    /// Column names, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }
}

/// The hive partition column every table's folders are named by (`run_date=YYYY-MM-DD`).
pub const PARTITION_COLUMN: &str = "run_date";
/// The field the JSON-lines stream adds first to every line (`ok` or `rejected`).
pub const STREAM_STATUS: &str = "status";

const fn col(
    name: &'static str,
    dtype: ColumnType,
    nullable: bool,
    description: &'static str,
) -> ColumnSpec {
    ColumnSpec {
        name,
        dtype,
        nullable,
        in_stream: true,
        description,
    }
}

const fn table_only(c: ColumnSpec) -> ColumnSpec {
    ColumnSpec {
        in_stream: false,
        ..c
    }
}

/// Concatenates column lists at compile time (a table built from shared blocks such as
/// [`READING`]); `N` must be the total, or the build fails.
const fn join<const N: usize>(parts: &[&[ColumnSpec]]) -> [ColumnSpec; N] {
    let mut out = [col("", ColumnType::String, false, ""); N];
    let (mut k, mut i) = (0, 0);
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[k] = parts[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(k == N, "join: N is not the number of columns given");
    out
}

use ColumnType::*;

/// What the model read, the same in `predictions` and `sentences`: the label, its confidence,
/// the stance score and one calibrated probability per label (in [`crate::labels::Label::ALL`]
/// order).
const READING: [ColumnSpec; 9] = [
    col(
        "label",
        String,
        false,
        "predicted label (argmax of the probabilities)",
    ),
    col(
        "confidence",
        Float32,
        false,
        "probability of the predicted label",
    ),
    col(
        "stance_score",
        Float32,
        false,
        "expected score -2..+2 over the five stance labels (off_topic excluded)",
    ),
    col(
        "p_opposes",
        Float32,
        false,
        "calibrated probability of opposes",
    ),
    col(
        "p_does_not_support",
        Float32,
        false,
        "calibrated probability of does_not_support",
    ),
    col(
        "p_neutral",
        Float32,
        false,
        "calibrated probability of neutral",
    ),
    col(
        "p_leans_supports",
        Float32,
        false,
        "calibrated probability of leans_supports",
    ),
    col(
        "p_supports",
        Float32,
        false,
        "calibrated probability of supports",
    ),
    col(
        "p_off_topic",
        Float32,
        false,
        "calibrated probability of off_topic",
    ),
];

/// `predictions`: one row per classified document (or per sentence at sentence granularity).
pub const PREDICTIONS: TableSpec = TableSpec {
    name: "predictions",
    description: "one row per classified statement",
    columns: &PREDICTION_COLUMNS,
    passthrough: true,
};

const PREDICTION_COLUMNS: [ColumnSpec; 27] = join(&[
    &[
        col(
            "id",
            String,
            false,
            "input id, else sha-<first 16 hex of text_sha256>",
        ),
        col("text", String, false, "the statement"),
        col(
            "text_sha256",
            String,
            false,
            "hex sha256 of the text's UTF-8 bytes",
        ),
    ],
    &READING,
    &[
        col(
            "lang",
            String,
            false,
            "language the statement was routed by: zh (mostly Han script) or en (everything else)",
        ),
        col("model", String, false, "name of the model that read it"),
        col(
            "model_sha256",
            String,
            false,
            "digest of the model's manifest",
        ),
        col(
            "classified_at",
            TimestampUtc,
            false,
            "when the run classified it",
        ),
        col("date", Date, true, "statement date, if given and parseable"),
        col("actor", String, true, "government, party or body, if given"),
        col("speaker", String, true, "speaker, if given"),
        col("source", String, true, "source document, if given"),
        col(
            "evidence",
            String,
            true,
            "the deciding sentence (or the whole statement) when it takes a stance",
        ),
        col(
            "evidence_start",
            Int64,
            true,
            "evidence start, in characters into text",
        ),
        col(
            "evidence_end",
            Int64,
            true,
            "evidence end (exclusive), in characters",
        ),
        col(
            "n_sentences",
            Int32,
            false,
            "sentences the statement was split into",
        ),
        col(
            "warning",
            String,
            true,
            "a problem that did not cost the row (e.g. an unparseable date)",
        ),
        col(
            "rule",
            String,
            true,
            "an annotation-guide rule that decided the label instead of the model: reporting_actor (the actor is a news outlet, agency, journalist or commentator: off_topic, GUIDE 5.14.47) or party_state_side (the actor is an organ of the PRC party-state and the model read the statement on the supports side: the likeliest of the other four labels, GUIDE 5.14.88); null when the model decided",
        ),
        col("run_id", String, false, "the run that wrote the row"),
    ],
]);

/// `sentences`: the drill-down, one row per classified sentence.
pub const SENTENCES: TableSpec = TableSpec {
    name: "sentences",
    description: "one row per classified sentence of a segmented statement",
    columns: &SENTENCE_COLUMNS,
    passthrough: false,
};

const SENTENCE_COLUMNS: [ColumnSpec; 19] = join(&[
    &[
        col("id", String, false, "statement id (joins to predictions)"),
        col(
            "text_sha256",
            String,
            false,
            "statement text hash (joins to predictions)",
        ),
        col(
            "sentence_index",
            Int32,
            false,
            "0-based position in the statement",
        ),
        col(
            "start",
            Int64,
            false,
            "start, in characters into the statement text",
        ),
        col("end", Int64, false, "end (exclusive), in characters"),
        col("text", String, false, "the sentence"),
    ],
    &READING,
    &[
        col(
            "is_evidence",
            Bool,
            false,
            "whether this sentence decided the statement's label",
        ),
        col(
            "model_sha256",
            String,
            false,
            "digest of the model's manifest",
        ),
        col(
            "classified_at",
            TimestampUtc,
            false,
            "when the run classified it",
        ),
        col("run_id", String, false, "the run that wrote the row"),
    ],
]);

/// `rejects`: one row per input record that could not be classified, with the reason.
pub const REJECTS: TableSpec = TableSpec {
    name: "rejects",
    description: "one row per rejected input record",
    columns: &[
        col("run_id", String, false, "the run that rejected it"),
        col("input_path", String, false, "input as given"),
        col(
            "record_ordinal",
            Int64,
            false,
            "1-based position in its input",
        ),
        col(
            "byte_offset",
            Int64,
            true,
            "byte offset of the record, where known",
        ),
        col(
            "stage",
            String,
            false,
            "read, utf8, parse, validate or tokenize",
        ),
        col("error_code", String, false, "machine-readable reason"),
        col(
            "error_message",
            String,
            false,
            "what was wrong, naming the column or byte",
        ),
        col("column", String, true, "the column at fault, if one"),
        col(
            "raw",
            String,
            false,
            "the record's first 4 KiB (bytes that are not UTF-8 written as \\xNN)",
        ),
        col("raw_len", Int64, false, "the record's full length in bytes"),
        table_only(col(
            "reject_key",
            String,
            false,
            "identity across runs: input, position and bytes",
        )),
        table_only(col(
            "rejected_at",
            TimestampUtc,
            false,
            "when the run rejected it",
        )),
    ],
    passthrough: false,
};

/// The passthrough collision rule's test vector (`output::frames::passthrough_names`): input
/// column names, the core columns they must avoid, and the names they get. Published in
/// `stance schema --json` so ports of the rule (the Spark job) test against the same vector.
pub const PASSTHROUGH_EXAMPLE: ([&str; 4], [&str; 3], [&str; 4]) = (
    ["label", "input_label", "ID", "topic"],
    ["id", "label", "text"],
    ["input_input_label", "input_label", "input_ID", "topic"],
);

/// Every table, in the order they are committed last-to-first (predictions last).
pub const TABLES: [&TableSpec; 3] = [&PREDICTIONS, &SENTENCES, &REJECTS];

/// The whole description as JSON (`stance schema --json`).
pub fn to_json() -> serde_json::Value {
    serde_json::json!({
        "partition_column": PARTITION_COLUMN,
        "stream_status_field": STREAM_STATUS,
        "tables": TABLES,
        "passthrough_example": {
            "names": PASSTHROUGH_EXAMPLE.0,
            "core": PASSTHROUGH_EXAMPLE.1,
            "renamed": PASSTHROUGH_EXAMPLE.2,
        },
    })
}

/// The description as readable text (`stance schema`).
pub fn to_text() -> std::string::String {
    let mut out = std::string::String::new();
    for t in TABLES {
        out.push_str(&format!(
            "{}/{}=YYYY-MM-DD/part-*.parquet — {}\n",
            t.name, PARTITION_COLUMN, t.description
        ));
        for c in t.columns {
            let ty = serde_json::to_value(c.dtype)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let null = if c.nullable { "null" } else { "" };
            out.push_str(&format!(
                "  {:<20} {:<14} {:<5} {}\n",
                c.name, ty, null, c.description
            ));
        }
        if t.passthrough {
            out.push_str(
                "  …                    input's other columns (input_<name> on a clash)\n",
            );
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::Label;

    #[test]
    fn label_columns_follow_label_order() {
        for t in [&PREDICTIONS, &SENTENCES] {
            let names = t.names();
            let at = names.iter().position(|n| *n == "p_opposes").unwrap();
            for (k, l) in Label::ALL.iter().enumerate() {
                assert_eq!(names[at + k], l.prob_column(), "{}", t.name);
            }
        }
    }

    #[test]
    fn column_names_are_unique_per_table() {
        for t in TABLES {
            let mut n = t.names();
            n.sort();
            n.dedup();
            assert_eq!(n.len(), t.columns.len(), "{}", t.name);
        }
    }
}
