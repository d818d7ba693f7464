//! The `herald` command: a thin shell over the library.

fn main() {
    quiet_on_closed_pipe();
    std::process::exit(herald::cli::main());
}

/// `herald run ... | head` closes standard output early: end quietly, as Unix tools do
/// (exit status 141, as if killed by SIGPIPE), instead of reporting a panic.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}
