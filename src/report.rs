//! Progress reporting. The library never prints: long operations call a [`Reporter`], which the
//! CLI implements with indicatif progress bars (hidden with `--quiet` or off a terminal).

/// Receives progress from long-running library operations.
pub trait Reporter: Sync {
    /// A phase starts; `total` items if known.
    fn begin(&self, _phase: &str, _total: Option<u64>) {}
    /// `n` more items done.
    fn advance(&self, _n: u64) {}
    /// Replaces the status message (e.g. a running loss).
    fn message(&self, _msg: &str) {}
    /// A warning a person should see.
    fn warn(&self, _msg: &str) {}
    /// A line of information worth keeping on screen (e.g. an epoch's dev score).
    fn note(&self, _msg: &str) {}
    /// The phase ended.
    fn end(&self) {}
}

/// A reporter that ignores everything (tests, `--quiet`).
pub struct Silent;

impl Reporter for Silent {}
