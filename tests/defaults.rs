//! The README's option table says what `stance <command> --help` says: every default in the
//! table is the one clap prints, and every option with a default in `--help` is in the table.
//! (Both come from `src/defaults.rs`; this catches a README that drifts.)

mod common;

use std::collections::BTreeMap;

const COMMANDS: &[&str] = &[
    "classify",
    "eval",
    "train",
    "trends",
    "model pack",
    "model assemble",
    "sample",
    "label import",
    "audit",
];

/// `--flag` → default, from one command's `--help`.
fn help_defaults(command: &str) -> BTreeMap<String, String> {
    let mut args: Vec<&str> = command.split_whitespace().collect();
    args.push("--help");
    let out = common::run(&args);
    assert!(out.status.success(), "stance {command} --help failed");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    // One block per option: from a line starting with `-x, --flag` or `--flag` to the next.
    let mut blocks: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let flag = t.strip_prefix("--").or_else(|| {
            t.get(4..)
                .filter(|_| t.starts_with('-') && t.get(2..4) == Some(", "))
                .and_then(|r| r.strip_prefix("--"))
        });
        match flag {
            Some(f) if line.starts_with("  ") && !line.starts_with("          ") => {
                let name: String = f
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                blocks.push((format!("--{name}"), t.to_string()));
            }
            _ => {
                if let Some(b) = blocks.last_mut() {
                    b.1.push(' ');
                    b.1.push_str(t);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for (flag, block) in blocks {
        let block = block.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(i) = block.find("[default: ") {
            let rest = &block[i + "[default: ".len()..];
            if let Some(j) = rest.find(']') {
                out.insert(flag, rest[..j].to_string());
            }
        }
    }
    out
}

/// (command, flag) → default, from the README table rows `| classify | `--flag` | `value` |`.
fn readme_defaults() -> BTreeMap<(String, String), String> {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let start = readme
        .find("<!-- options-table -->")
        .expect("README has no <!-- options-table --> marker");
    let mut out = BTreeMap::new();
    for line in readme[start..].lines().skip(1) {
        if !line.starts_with('|') {
            if out.is_empty() {
                continue;
            }
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 5 || !cells[2].starts_with("`--") {
            continue;
        }
        let unquote = |s: &str| s.trim_matches('`').to_string();
        out.insert((unquote(cells[1]), unquote(cells[2])), unquote(cells[3]));
    }
    out
}

#[test]
fn readme_option_defaults_match_help() {
    let readme = readme_defaults();
    assert!(
        readme.len() >= 20,
        "README options table has only {} rows",
        readme.len()
    );
    let mut problems = Vec::new();
    for command in COMMANDS {
        let help = help_defaults(command);
        for (flag, default) in &help {
            match readme.get(&(command.to_string(), flag.clone())) {
                Some(r) if r == default => {}
                Some(r) => problems.push(format!(
                    "{command} {flag}: README says {r}, --help says {default}"
                )),
                None => problems.push(format!(
                    "{command} {flag} (default {default}) is missing from the README table"
                )),
            }
        }
        for ((c, flag), r) in &readme {
            if c == command && !help.contains_key(flag) {
                problems.push(format!(
                    "{command} {flag}: README gives default {r}, --help gives none"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "README options table drifted:\n{}",
        problems.join("\n")
    );
}

/// The README's development map names every top-level entry of `src/` and nothing that is gone.
#[test]
fn readme_development_map_matches_the_source_tree() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let start = readme
        .find("```text\nsrc/\n")
        .expect("README has the src/ map");
    let map = &readme[start..];
    let map = &map[..map[8..].find("```").map_or(map.len(), |i| i + 8)];
    // Entries are the first word of lines indented by two spaces under `src/`.
    let named: Vec<String> = map
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    let mut actual: Vec<String> = std::fs::read_dir(common::root().join("src"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            if e.path().is_dir() {
                format!("{name}/")
            } else {
                name
            }
        })
        .collect();
    actual.sort();
    let mut named_sorted = named.clone();
    named_sorted.sort();
    assert_eq!(named_sorted, actual, "README development map vs src/");
}
