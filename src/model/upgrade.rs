//! `jdbio.report/1` -> `jdbio.report/2`: the keys /2 renamed to carry their
//! unit, and the one shape of latency /2 uses everywhere. Applied to a /1
//! file's JSON before it is read into the /2 types, so every reader sees
//! one shape. The mapping (also in the README):
//!
//! - `target.dio_mem_align`, `dio_offset_align` -> `*_bytes`
//! - bench `job.bs`, `size`, `offset` -> `bs_bytes`, `size_bytes`,
//!   `offset_bytes`; `job.ramp`, `interval`, `stop.time` -> `ramp_s`,
//!   `interval_s`, `stop.time_s`; `job.rate` -> `rate_iops`
//! - wal `job.bs`, `size`, `time` -> `bs_bytes`, `size_bytes`, `time_s`
//! - verify `job.size`, `job.run.bs`, `verify.bs` -> `*_bytes` (an early
//!   /1 job's flat `bs` and `seed` -> `job.run`; its missing
//!   `bad_blocks_total` -> the sum of the bad classes' counts);
//!   `bad_blocks[].offset` -> `offset_bytes`; `ack_log.torn_last_record.at`
//!   -> `offset_bytes`
//! - prealloc `job.size`, `job.bs` and each entry's `size_*`,
//!   `allocated_*` -> with `_bytes`
//! - align `reported.dio_*` -> `*_bytes`; `library_alignment.mem`,
//!   `offset`, the minimums' `offset`, `length`, `addr`, `base_len`, each
//!   case's `offset`, `len`, `addr_offset` -> with `_bytes`
//! - `series.KIND[]`: `count`, `p50_ns`, `p99_ns`, `max_ns`, `hdr` ->
//!   `latency_ns` (decoded from `hdr`, so min, mean, stdev and every
//!   percentile are there too); `response` -> `response_latency_ns`
//! - a suite's job reports, each mapped the same way.

use serde_json::{Map, Value};

use super::{LatencySummary, SCHEMA, decode_hdr};

/// Maps the /1 report `v` to /2 in place; an error names the key at fault.
pub fn v1_to_v2(v: &mut Value) -> Result<(), String> {
    let Some(map) = v.as_object_mut() else { return Ok(()) };
    map.insert("schema".into(), SCHEMA.into());
    if let Some(target) = map.get_mut("target").and_then(Value::as_object_mut) {
        rename_each(target, &[("dio_mem_align", "dio_mem_align_bytes"), ("dio_offset_align", "dio_offset_align_bytes")]);
    }
    let command = map.get("command").and_then(Value::as_str).unwrap_or_default().to_string();
    let job = map.get_mut("job").and_then(Value::as_object_mut);
    match command.as_str() {
        "bench" => {
            if let Some(job) = job {
                rename_each(
                    job,
                    &[
                        ("bs", "bs_bytes"),
                        ("size", "size_bytes"),
                        ("offset", "offset_bytes"),
                        ("ramp", "ramp_s"),
                        ("interval", "interval_s"),
                        ("rate", "rate_iops"),
                    ],
                );
                if let Some(stop) = job.get_mut("stop").and_then(Value::as_object_mut) {
                    rename_each(stop, &[("time", "time_s")]);
                }
            }
            if let Some(verify) = map.get_mut("verify").and_then(Value::as_object_mut) {
                bad_blocks(verify);
            }
            if let Some(series) = map.get_mut("series").and_then(Value::as_object_mut) {
                series_rows(series)?;
            }
        }
        "wal" => {
            if let Some(job) = job {
                rename_each(job, &[("bs", "bs_bytes"), ("size", "size_bytes"), ("time", "time_s")]);
            }
        }
        "verify" => {
            let section_seed = map.get("verify").and_then(|v| v.get("seed")).cloned();
            if let Some(job) = map.get_mut("job").and_then(Value::as_object_mut) {
                rename_each(job, &[("size", "size_bytes")]);
                if let Some(run) = job.get_mut("run").and_then(Value::as_object_mut) {
                    rename_each(run, &[("bs", "bs_bytes")]);
                } else {
                    // Early /1: bs and seed flat in the job (a null seed: the
                    // one found in the target, stated in the section).
                    let seed = job.remove("seed").filter(|s| !s.is_null()).or(section_seed);
                    let bs = job.remove("bs");
                    job.insert("run".into(), serde_json::json!({ "seed": seed, "bs_bytes": bs }));
                }
            }
            if let Some(verify) = map.get_mut("verify").and_then(Value::as_object_mut) {
                rename_each(verify, &[("bs", "bs_bytes")]);
                bad_blocks(verify);
                if !verify.contains_key("bad_blocks_total") {
                    // Early /1: every class counted but the total not stated.
                    let counts = verify.get("counts").and_then(Value::as_object);
                    let bad = counts.into_iter().flatten().filter(|(class, _)| *class != "good");
                    let total: u64 = bad.filter_map(|(_, n)| n.as_u64()).sum();
                    verify.insert("bad_blocks_total".into(), total.into());
                }
                if let Some(torn) = verify
                    .get_mut("ack_log")
                    .and_then(|a| a.get_mut("torn_last_record"))
                    .and_then(Value::as_object_mut)
                {
                    rename_each(torn, &[("at", "offset_bytes")]);
                }
            }
        }
        "prealloc" => {
            if let Some(job) = job {
                rename_each(job, &[("size", "size_bytes"), ("bs", "bs_bytes")]);
            }
            for entry in list(map.get_mut("prealloc"), "entries") {
                rename_each(
                    entry,
                    &[
                        ("size_before", "size_before_bytes"),
                        ("allocated_before", "allocated_before_bytes"),
                        ("size_after", "size_after_bytes"),
                        ("allocated_after", "allocated_after_bytes"),
                        ("size_after_writes", "size_after_writes_bytes"),
                        ("allocated_after_writes", "allocated_after_writes_bytes"),
                    ],
                );
            }
        }
        "align" => {
            if let Some(align) = map.get_mut("align").and_then(Value::as_object_mut) {
                align_section(align);
            }
        }
        "run" => {
            for entry in list(map.get_mut("suite"), "jobs") {
                if let Some(report) = entry.get_mut("report").filter(|r| r.is_object()) {
                    v1_to_v2(report)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Renames each `(old, new)` key of `map` that is present.
fn rename_each(map: &mut Map<String, Value>, pairs: &[(&str, &str)]) {
    for (old, new) in pairs {
        if let Some(v) = map.remove(*old) {
            map.insert((*new).to_string(), v);
        }
    }
}

/// The objects of the array `key` of `section`.
fn list<'a>(section: Option<&'a mut Value>, key: &str) -> impl Iterator<Item = &'a mut Map<String, Value>> {
    section
        .and_then(|s| s.get_mut(key))
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// `bad_blocks[].offset` -> `offset_bytes`.
fn bad_blocks(section: &mut Map<String, Value>) {
    for block in section.get_mut("bad_blocks").and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(block) = block.as_object_mut() {
            rename_each(block, &[("offset", "offset_bytes")]);
        }
    }
}

/// The align section's byte counts.
fn align_section(align: &mut Map<String, Value>) {
    let obj = |align: &mut Map<String, Value>, key: &str, pairs: &[(&str, &str)]| {
        if let Some(o) = align.get_mut(key).and_then(Value::as_object_mut) {
            rename_each(o, pairs);
        }
    };
    obj(align, "reported", &[("dio_mem_align", "dio_mem_align_bytes"), ("dio_offset_align", "dio_offset_align_bytes")]);
    obj(align, "library_alignment", &[("mem", "mem_bytes"), ("offset", "offset_bytes")]);
    let min = [("offset", "offset_bytes"), ("length", "length_bytes"), ("addr", "addr_bytes")];
    obj(align, "kernel_min", &min);
    obj(align, "library_min", &min);
    rename_each(align, &[("base_len", "base_len_bytes")]);
    for case in align.get_mut("cases").and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(case) = case.as_object_mut() {
            rename_each(case, &[("offset", "offset_bytes"), ("len", "len_bytes"), ("addr_offset", "addr_offset_bytes")]);
        }
    }
}

/// Each `series` row's latency keys -> `latency_ns`, its `response` ->
/// `response_latency_ns`, both decoded from their `hdr`.
fn series_rows(series: &mut Map<String, Value>) -> Result<(), String> {
    for (kind, rows) in series.iter_mut().filter(|(k, _)| *k != "interval_s") {
        for (i, row) in rows.as_array_mut().into_iter().flatten().enumerate() {
            let Some(row) = row.as_object_mut() else { continue };
            let at = format!("series.{kind}[{i}]");
            let service = latency(row, &at)?;
            row.insert("latency_ns".into(), service);
            if let Some(mut response) = row.remove("response").filter(Value::is_object) {
                let summary = latency(response.as_object_mut().unwrap_or(&mut Map::new()), &format!("{at}.response"))?;
                row.insert("response_latency_ns".into(), summary);
            }
        }
    }
    Ok(())
}

/// Takes a /1 interval's latency keys out of `row` and gives the /2
/// `latency_ns` object, from its decoded `hdr`.
fn latency(row: &mut Map<String, Value>, at: &str) -> Result<Value, String> {
    for key in ["latency", "count", "p50_ns", "p99_ns", "max_ns"] {
        row.remove(key);
    }
    let blob = row.remove("hdr").and_then(|v| v.as_str().map(String::from)).ok_or(format!("{at}.hdr is missing"))?;
    let hist = decode_hdr(&blob).map_err(|why| format!("{at}.hdr: {why}"))?;
    serde_json::to_value(LatencySummary::from_histogram(&hist)).map_err(|e| e.to_string())
}
