//! Emitting a chunk's rows: as JSON lines in input order (`Stream`), or as Parquet frames handed
//! to a writer thread that commits them to the dataset (`Dataset`), so encoding overlaps
//! inference.

use std::io::Write;
use std::thread::JoinHandle;

use crossbeam_channel::Sender;
use polars::prelude::DataFrame;

use super::route::{Routed, Slot};
use super::rows::Rows;
use super::{Granularity, RunError, RunSettings};
use crate::output::dataset::DatasetError;
use crate::output::frames::{predictions_frame, rejects_frame, sentences_frame, RejectRow};
use crate::output::{stream, DatasetWriter, PassthroughTypes, RowContext};

/// One chunk's tables, as the writer thread commits them.
pub(super) struct Chunk {
    predictions: DataFrame,
    sentences: DataFrame,
    rejects: DataFrame,
}

/// Where rows go.
pub(super) enum Sink<'a> {
    /// JSON lines on `out`.
    Stream(&'a mut dyn Write),
    /// The dataset's writer thread.
    Dataset {
        tx: Sender<Chunk>,
        handle: JoinHandle<Result<DatasetWriter, DatasetError>>,
    },
}

impl<'a> Sink<'a> {
    /// Starts the writer thread for `writer`.
    pub fn dataset(mut writer: DatasetWriter) -> Sink<'a> {
        let (tx, rx) = crossbeam_channel::bounded::<Chunk>(2);
        let handle = std::thread::spawn(move || -> Result<DatasetWriter, DatasetError> {
            for mut c in rx {
                writer.commit(&mut [
                    ("sentences", std::mem::take(&mut c.sentences)),
                    ("rejects", std::mem::take(&mut c.rejects)),
                    // Predictions go last: a reader that sees a prediction sees its sentences.
                    ("predictions", std::mem::take(&mut c.predictions)),
                ])?;
            }
            Ok(writer)
        });
        Sink::Dataset { tx, handle }
    }

    /// Emits one chunk. `frame` holds the chunk's Parquet passthrough columns, if any.
    pub fn emit(
        &mut self,
        settings: &RunSettings,
        routed: &Routed,
        rows: &Rows,
        ctx: &RowContext,
        frame: Option<&DataFrame>,
        types: &mut PassthroughTypes,
    ) -> Result<(), RunError> {
        match self {
            Sink::Stream(out) => stream_lines(*out, routed, rows, ctx, frame),
            Sink::Dataset { tx, .. } => {
                let chunk = frames(settings, rows, &routed.rejects, ctx, frame, types)?;
                // A send fails only when the writer died; `finish` reports its error.
                tx.send(chunk).map_err(|_| RunError::Writer)
            }
        }
    }

    /// Stops the writer thread and returns the dataset writer (`None` for a stream). The
    /// writer's own error wins: it explains a broken channel.
    pub fn finish(self) -> Result<Option<DatasetWriter>, RunError> {
        match self {
            Sink::Stream(_) => Ok(None),
            Sink::Dataset { tx, handle } => {
                drop(tx);
                match handle.join() {
                    Ok(Ok(w)) => Ok(Some(w)),
                    Ok(Err(e)) => Err(e.into()),
                    Err(_) => Err(RunError::Writer),
                }
            }
        }
    }
}

fn stream_lines(
    out: &mut dyn Write,
    routed: &Routed,
    rows: &Rows,
    ctx: &RowContext,
    frame: Option<&DataFrame>,
) -> Result<(), RunError> {
    let mut write = || -> std::io::Result<()> {
        for slot in &routed.slots {
            let v = match slot {
                Slot::Pred(i) => stream::prediction_json(&rows.predictions[*i], ctx, frame),
                Slot::Rej(i) => stream::reject_json(&routed.rejects[*i], ctx),
            };
            stream::write_line(out, &v)?;
        }
        out.flush()
    };
    write().map_err(RunError::Stdout)
}

fn frames(
    settings: &RunSettings,
    rows: &Rows,
    rejects: &[RejectRow],
    ctx: &RowContext,
    frame: Option<&DataFrame>,
    types: &mut PassthroughTypes,
) -> Result<Chunk, RunError> {
    let f = |table| move |source| RunError::Frame { table, source };
    let sentences = sentences_frame(&rows.sentences, ctx).map_err(f("sentences"))?;
    let predictions = if settings.granularity == Granularity::Sentence {
        sentences.clone()
    } else {
        predictions_frame(&rows.predictions, frame, ctx, types).map_err(f("predictions"))?
    };
    Ok(Chunk {
        predictions,
        sentences: if settings.write_sentences {
            sentences
        } else {
            DataFrame::empty()
        },
        rejects: rejects_frame(rejects, ctx).map_err(f("rejects"))?,
    })
}
