//! Bakes an rpath to libtorch into the `stance` binary and the test binaries, so they run
//! without `LD_LIBRARY_PATH`, and compiles the few lines of C++ that reach libtorch's oneDNN
//! linear operators (`src/model/onednn.cpp`; tch binds only the `aten` ones). `LIBTORCH`
//! comes from `.cargo/config.toml` (set up by `scripts/setup.sh`) or from the environment.

use std::env;
use std::path::{Path, PathBuf};

const ONEDNN_SHIM: &str = "src/model/onednn.cpp";

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rerun-if-env-changed=LIBTORCH_CXX11_ABI");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={ONEDNN_SHIM}");
    let Ok(libtorch) = env::var("LIBTORCH") else {
        // torch-sys fails with its own explanation when it cannot find libtorch.
        return;
    };
    let libtorch = PathBuf::from(libtorch);
    compile_onednn_shim(&libtorch);
    let lib = libtorch.join("lib");
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

/// Compiles the oneDNN shim against libtorch's headers, with the C++ ABI libtorch was built
/// with (torch-sys reads the same variable; PyPI's wheels use the pre-C++11 one).
fn compile_onednn_shim(libtorch: &Path) {
    let abi = env::var("LIBTORCH_CXX11_ABI").unwrap_or_else(|_| "1".into());
    cc::Build::new()
        .cpp(true)
        .pic(true)
        .warnings(false)
        .include(libtorch.join("include"))
        .include(libtorch.join("include/torch/csrc/api/include"))
        .flag("-std=c++17")
        .flag(format!("-D_GLIBCXX_USE_CXX11_ABI={abi}"))
        .file(ONEDNN_SHIM)
        .compile("stance_onednn");
}
