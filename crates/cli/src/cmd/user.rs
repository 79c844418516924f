//! `uptake user` (in progress).

/// Arguments of `uptake user`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `uptake user`.
pub fn run(_args: Args, _ctx: &super::Ctx) -> anyhow::Result<()> {
    anyhow::bail!("`uptake user` is not built yet")
}
