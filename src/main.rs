//! The `kurator` binary: parse the command line, run the library, map the
//! outcome to an exit code (0 ok, 1 content errors, 2 usage, 3 internal).

fn main() {
    let code = std::panic::catch_unwind(kurator::cli::run).unwrap_or_else(|_| {
        eprintln!("error: kurator hit an internal error (a bug, not a problem with your site).");
        eprintln!("Please report it with the command you ran and, if you can, the file that triggered it.");
        3
    });
    std::process::exit(code);
}
