//! `stance schema`: prints the description of every output table (the one the writers use).

use anyhow::Result;
use strait_stance::output::schema;

/// Arguments of `stance schema`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON (what scripts read) instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs `stance schema`.
pub fn run(a: Args) -> Result<i32> {
    if a.json {
        println!("{}", serde_json::to_string_pretty(&schema::to_json())?);
    } else {
        print!("{}", schema::to_text());
    }
    Ok(super::EXIT_OK)
}
