//! The `stance` command-line tool. All the work is in the library; see `strait_stance::cli`.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
