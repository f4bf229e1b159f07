//! Placeholder while being written.

/// Placeholder.
#[derive(Debug, clap::Args)]
pub struct PreallocArgs {}

/// Placeholder.
pub fn run(_args: &PreallocArgs) -> Result<(), crate::AppError> {
    Err(crate::AppError::Usage("not built yet".into()))
}
