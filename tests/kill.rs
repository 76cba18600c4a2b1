//! Crash safety: kill -9 at several points, rerun, and get exactly the rows of an
//! uninterrupted run; SIGINT stops cleanly with no temp files.

mod common;

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn write_input(path: &Path, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(
            &serde_json::json!({
                "id": format!("k{i}"),
                "text": format!("Statement {i}. The spokesperson addressed cross-strait affairs, trade and the Taiwan question in some detail."),
            })
            .to_string(),
        );
        s.push('\n');
        if i % 997 == 0 {
            s.push_str("{broken line\n");
        }
    }
    std::fs::write(path, s).unwrap();
}

fn start(input: &Path, out: &Path) -> Child {
    stance(&[
        "classify",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        tiny_model().to_str().unwrap(),
        "--quiet",
        "--chunk-rows",
        "200",
        "--threads",
        "1",
        "--max-reject-rate",
        "1",
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap()
}

fn parts(out: &Path) -> usize {
    let d = out.join("predictions");
    if !d.exists() {
        return 0;
    }
    std::fs::read_dir(d)
        .unwrap()
        .map(|p| std::fs::read_dir(p.unwrap().path()).unwrap().count())
        .sum()
}

fn wait_for_parts(child: &mut Child, out: &Path, n: usize) -> bool {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(120) {
        if parts(out) >= n {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

fn rows(out: &Path) -> Vec<(String, String)> {
    let df = read_table(out, "predictions");
    let mut v: Vec<(String, String)> = strings(&df, "id")
        .into_iter()
        .flatten()
        .zip(strings(&df, "label").into_iter().flatten())
        .collect();
    v.sort();
    v
}

#[test]
fn three_kill_nines_then_a_rerun_give_one_row_per_statement() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_input(&input, 6000);

    let reference = dir.path().join("reference");
    let o = start(&input, &reference).wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let expected = rows(&reference);
    assert_eq!(expected.len(), 6000);
    let expected_rejects = read_table(&reference, "rejects").height();

    let out = dir.path().join("out");
    for (k, at) in [2usize, 9, 17].iter().enumerate() {
        let mut child = start(&input, &out);
        let reached = wait_for_parts(&mut child, &out, *at);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert!(
            reached,
            "kill {k}: the run ended before {at} parts were committed"
        );
        // Whatever is on disk now is readable.
        let _ = read_table(&out, "predictions");
    }
    let o = start(&input, &out).wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let got = rows(&out);
    assert_eq!(got.len(), expected.len(), "one row per statement");
    assert_eq!(got, expected);
    assert_eq!(read_table(&out, "rejects").height(), expected_rejects);
    assert!(!out.join("_tmp").exists(), "temp files cleaned up");
    let locks = std::fs::read_dir(out.join("_runs"))
        .unwrap()
        .filter(|e| {
            let n = e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .to_string();
            n.ends_with(".lock") || n.ends_with(".commits")
        })
        .count();
    assert_eq!(locks, 0);
}

#[test]
fn sigint_stops_quickly_and_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_input(&input, 20000);
    let out = dir.path().join("out");
    let mut child = start(&input, &out);
    assert!(wait_for_parts(&mut child, &out, 2));
    let t = Instant::now();
    let ok = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let o = child.wait_with_output().unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(
        o.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.join("_tmp").exists());
    let manifests: Vec<_> = std::fs::read_dir(out.join("_runs")).unwrap().collect();
    assert_eq!(manifests.len(), 1);
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(manifests[0].as_ref().unwrap().path()).unwrap(),
    )
    .unwrap();
    assert_eq!(m["status"], "interrupted");
}
