//! `--io buffered`: the page cache around the measured phase. Before each
//! repetition the region is written back and evicted (unless `--warm`), so
//! a buffered read starts from the device; at the start and the end the
//! region's resident bytes are counted, so the report says how much of a
//! buffered figure memory served.

use std::fs::File;

use super::plan::Plan;
use crate::{dio::os::page_cache, error::AppError};

/// Evicts the region unless `--warm`; returns its bytes then in memory.
pub fn settle(plan: &Plan) -> Result<u64, AppError> {
    let file = open(plan)?;
    if !plan.warm {
        page_cache::drop_cached(&file, plan.offset, plan.size)
            .map_err(|e| failed(plan, "write back and evict the region from the page cache", &e))?;
    }
    count(plan, &file)
}

/// The region's bytes in memory now.
pub fn resident(plan: &Plan) -> Result<u64, AppError> {
    count(plan, &open(plan)?)
}

fn count(plan: &Plan, file: &File) -> Result<u64, AppError> {
    let bytes = page_cache::resident_bytes(file, plan.offset, plan.size)
        .map_err(|e| failed(plan, "count the region's pages in the page cache (mincore)", &e))?;
    Ok(bytes.min(plan.size))
}

/// The target, read-only and through the cache (its pages are the ones
/// the run's buffered descriptors share).
fn open(plan: &Plan) -> Result<File, AppError> {
    File::open(&plan.path).map_err(|e| failed(plan, "open", &e))
}

fn failed(plan: &Plan, action: &str, e: &std::io::Error) -> AppError {
    AppError::Io(format!("{}: cannot {action}: {e}", plan.path.display()))
}
