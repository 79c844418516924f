//! `uptake codebook` (in progress).

/// Arguments of `uptake codebook`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `uptake codebook`.
pub fn run(_args: Args, _ctx: &super::Ctx) -> anyhow::Result<()> {
    anyhow::bail!("`uptake codebook` is not built yet")
}
