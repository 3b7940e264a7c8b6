//! `kurator serve`.

use super::{print_human, SiteArgs};
use crate::serve::{serve, ServeError, ServeOptions};
use crate::LoadOptions;
use std::net::IpAddr;

/// Arguments of `kurator serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Address to listen on (loopback by default; `localhost` means 127.0.0.1).
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_bind)]
    bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Include future-dated items.
    #[arg(long)]
    future: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
}

fn parse_bind(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::from([127, 0, 0, 1]));
    }
    s.parse()
        .map_err(|_| format!("`{s}` is not an IP address (try 127.0.0.1 or ::1)"))
}

/// Runs the server; returns only on a startup failure (the exit code).
pub fn run(a: ServeArgs) -> i32 {
    let site_dir = crate::site_dir(a.site.site.as_deref());
    let opts = ServeOptions {
        load: LoadOptions {
            site_dir: site_dir.clone(),
            drafts: a.site.drafts,
            future: a.future,
            base_url: None,
            exclude: Vec::new(),
            ..Default::default()
        },
        bind: a.bind,
        port: a.port,
        open: a.open,
    };
    match serve(opts) {
        Ok(()) => 0,
        Err(ServeError::Site(diags)) => {
            print_human(&diags, &site_dir);
            1
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
