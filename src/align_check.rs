//! Placeholder while being written.

/// Placeholder.
#[derive(Debug, clap::Args)]
pub struct AlignArgs {}

/// Placeholder.
pub fn run(_args: &AlignArgs) -> Result<(), crate::AppError> {
    Err(crate::AppError::Usage("not built yet".into()))
}
