//! Criterion benchmarks for the CPU side of classification: tokenization, sentence
//! segmentation, batch planning and padded tensor building. The model is not involved, so
//! regressions in the pipeline around it show up on their own.
//!
//! Run: `cargo bench --bench batching` (needs scripts/setup.sh for the tokenizer).

use std::path::PathBuf;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use strait_stance::batch::{make_batch, plan_batches, BatchLimits};
use strait_stance::segment::sentences;
use strait_stance::tokenize::TextTokenizer;

fn corpus() -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/stance/test.jsonl");
    std::fs::read_to_string(path)
        .expect("datasets/stance/test.jsonl")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect()
}

fn benches(c: &mut Criterion) {
    let tok = TextTokenizer::from_file(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/all-minilm-l6-v2/tokenizer.json"),
    )
    .expect("run scripts/setup.sh first");
    let texts = corpus();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let long: String = refs.join(" ");

    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Elements(refs.len() as u64));
    g.bench_function("tokenize_test_split", |b| {
        b.iter(|| tok.tokenize(black_box(&refs)).unwrap())
    });
    g.bench_function("segment_test_split", |b| {
        b.iter(|| {
            refs.iter()
                .map(|t| sentences(black_box(t)).len())
                .sum::<usize>()
        })
    });
    let seqs: Vec<Vec<i64>> = tok
        .tokenize(&refs)
        .unwrap()
        .iter()
        .map(|t| tok.with_specials(&t.ids, 256))
        .collect();
    let lengths: Vec<usize> = seqs.iter().map(Vec::len).collect();
    g.bench_function("plan_batches", |b| {
        b.iter(|| plan_batches(black_box(&lengths), BatchLimits::default()))
    });
    let plan = plan_batches(&lengths, BatchLimits::default());
    g.bench_function("make_batches", |b| {
        b.iter(|| {
            plan.iter()
                .map(|rows| make_batch(&seqs, rows, 0).len)
                .sum::<usize>()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("long_document");
    g.throughput(Throughput::Bytes(long.len() as u64));
    g.bench_function("segment_300kb", |b| {
        b.iter(|| sentences(black_box(&long)).len())
    });
    g.finish();
}

criterion_group!(benches_group, benches);
criterion_main!(benches_group);
