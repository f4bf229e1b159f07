//! The human view of a [`TargetInfo`] for `jdbio info`: an aligned
//! two-column table, unknown values shown as "-".

use super::{TargetInfo, TargetKind};
use crate::units::human_bytes;

impl TargetInfo {
    /// An aligned key/value table, one line per row, each ending in a newline.
    pub fn human_table(&self) -> String {
        let block = self.kind == TargetKind::Block;
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let mut rows: Vec<(&str, String)> = vec![
            ("path", self.path.clone()),
            ("kind", if block { "block device" } else { "regular file" }.into()),
            ("size", bytes_and_human(self.size_bytes)),
            ("logical block", format!("{} bytes", self.logical_block_bytes)),
            ("physical block", format!("{} bytes", self.physical_block_bytes)),
            ("direct I/O", direct_io(self.direct_io).into()),
            ("dio memory align", format!("{} bytes", self.dio_mem_align)),
            ("dio offset align", format!("{} bytes", self.dio_offset_align)),
            ("filesystem", or_dash(&self.filesystem)),
            ("device", or_dash(&self.device)),
            ("rotational", self.rotational.map_or("-", |r| if r { "yes" } else { "no" }).into()),
            ("scheduler", or_dash(&self.scheduler)),
            ("model", or_dash(&self.model)),
            ("write cache", or_dash(&self.write_cache)),
        ];
        if block {
            rows.push(("mounted", list_or(&self.mounted, "no")));
            rows.push(("holders", list_or(&self.holders, "none")));
        } else if !self.loop_devices.is_empty() {
            rows.push(("backs loop", self.loop_devices.join(", ")));
            rows.push(("mounted", list_or(&self.mounted, "no")));
            rows.push(("holders", list_or(&self.holders, "none")));
        }
        rows.push(("signature", self.signature.clone().unwrap_or_else(|| "none found".into())));
        let width = rows.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
        rows.iter().map(|(key, value)| format!("{key:<width$}  {value}\n")).collect()
    }
}

/// "1073741824 (1.00 GiB)".
fn bytes_and_human(n: u64) -> String {
    format!("{n} ({})", human_bytes(n as f64))
}

fn direct_io(works: bool) -> &'static str {
    if works { "yes" } else { "no: O_DIRECT refused here; the alignments are the 4096 fallback" }
}

fn list_or(items: &[String], empty: &str) -> String {
    if items.is_empty() { empty.into() } else { items.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_show_bytes_and_binary_units() {
        assert_eq!(bytes_and_human(1 << 30), "1073741824 (1.00 GiB)");
        assert_eq!(bytes_and_human(268_435_456), "268435456 (256.00 MiB)");
        assert_eq!(bytes_and_human(512), "512 (512 B)");
        assert_eq!(bytes_and_human(0), "0 (0 B)");
    }

    #[test]
    fn lists() {
        assert_eq!(list_or(&[], "no"), "no");
        assert_eq!(list_or(&["/".into(), "/mnt/x".into()], "no"), "/, /mnt/x");
    }
}
