//! The `kurator` binary: parse the command line, run the library, map the
//! outcome to an exit code (0 ok, 1 content errors, 2 usage, 3 internal).

// See Cargo.toml and docs/performance.md for why and what it measured.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    no_huge_pages();
    // One clear message instead of the default hook's "thread panicked at":
    // a panic is kurator's bug, never the user's, and says where to report it.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: kurator hit an internal error (a bug, not a problem with your site): {info}"
        );
    }));
    let code = std::panic::catch_unwind(|| {
        // Lets the tests check this handler; compiled out of release builds.
        if cfg!(debug_assertions) && std::env::var_os("KURATOR_DEBUG_PANIC").is_some() {
            panic!("KURATOR_DEBUG_PANIC is set");
        }
        kurator::cli::run()
    })
    .unwrap_or_else(|_| {
        eprintln!("Please report it with the command you ran and, if you can, the file that triggered it.");
        3
    });
    std::process::exit(code);
}

/// Keeps transparent huge pages off for this process. mimalloc asks for
/// them on its arenas, and every 2 MiB page the kernel zeroes on first
/// touch: on the reference benchmark that was ~7 % of the build's CPU and
/// 45 MiB of peak RSS for memory the build never used (docs/performance.md).
/// Set before the build allocates its large arenas; the flag is checked at
/// page-fault time, so it holds for the arenas mimalloc reserved already.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments and touches
    // no memory of ours; a failure (old kernel) only leaves THP as it was.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
