//! Bakes an rpath to libtorch into the `stance` binary and the test binaries, so they run
//! without `LD_LIBRARY_PATH`. `LIBTORCH` comes from `.cargo/config.toml` (set up by
//! `scripts/setup.sh`) or from the environment.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rerun-if-changed=build.rs");
    let Ok(libtorch) = env::var("LIBTORCH") else {
        // torch-sys fails with its own explanation when it cannot find libtorch.
        return;
    };
    let lib = PathBuf::from(libtorch).join("lib");
    // The CPU-only view holds symlinks; point the rpath at the real folder so libtorch's own
    // $ORIGIN-relative rpaths (to the CUDA runtime stubs it needs) resolve.
    let real = lib
        .join("libtorch_cpu.so")
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(PathBuf::from))
        .unwrap_or(lib);
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", real.display());
}
