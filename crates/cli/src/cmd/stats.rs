//! `uptake stats` (in progress).

/// Arguments of `uptake stats`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `uptake stats`.
pub fn run(_args: Args, _ctx: &super::Ctx) -> anyhow::Result<()> {
    anyhow::bail!("`uptake stats` is not built yet")
}
