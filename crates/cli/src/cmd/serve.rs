//! `uptake serve` (in progress).

/// Arguments of `uptake serve`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `uptake serve`.
pub fn run(_args: Args, _ctx: &super::Ctx) -> anyhow::Result<()> {
    anyhow::bail!("`uptake serve` is not built yet")
}
