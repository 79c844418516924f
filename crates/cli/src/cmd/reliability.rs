//! `uptake reliability` (in progress).

/// Arguments of `uptake reliability`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `uptake reliability`.
pub fn run(_args: Args, _ctx: &super::Ctx) -> anyhow::Result<()> {
    anyhow::bail!("`uptake reliability` is not built yet")
}
