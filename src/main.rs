//! The `herald` command: a thin shell over the library.

fn main() {
    std::process::exit(herald::cli::main());
}
