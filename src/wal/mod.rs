//! Placeholder while being written.

/// Placeholder.
#[derive(Debug, clap::Args)]
pub struct WalArgs {}

/// Placeholder.
pub fn run(_args: &WalArgs) -> Result<(), crate::AppError> {
    Err(crate::AppError::Usage("not built yet".into()))
}
