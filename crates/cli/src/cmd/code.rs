//! `uptake code` (in progress).

/// Arguments of `uptake code`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `uptake code`.
pub fn run(_args: Args, _ctx: &super::Ctx) -> anyhow::Result<()> {
    anyhow::bail!("`uptake code` is not built yet")
}
