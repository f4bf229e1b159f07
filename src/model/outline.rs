//! The JSON Schema as markdown tables: every key of a report with its type
//! and the first paragraph of its doc comment. The README's report section
//! is this text (`jdbio schema --outline`), and a test keeps it so.
//!
//! The keys every report has come first, then one table per `command`
//! with its `job` and sections, then the objects several places share
//! (latency, results, the target), each once. An object used in one place
//! is spelled out there with dotted keys (`job.stop.ops`, `bad_blocks[].offset`).

use std::{collections::BTreeMap, fmt::Write};

use serde_json::Value;

/// The outline of `schema` (what [`super::json_schema`] returns).
pub fn outline(schema: &Value) -> String {
    let defs = schema["$defs"].as_object().cloned().unwrap_or_default();
    let mut uses = BTreeMap::new();
    count_refs(schema, &mut uses);
    let o = Outline { defs: &defs, uses };
    let mut out = String::new();
    let _ = writeln!(out, "Every report (`{}`):\n", schema["title"].as_str().unwrap_or_default());
    let mut rows = vec![Row {
        key: "command".into(),
        ty: branches(schema).iter().map(|(c, _)| format!("`\"{c}\"`")).collect::<Vec<_>>().join(" \\| "),
        meaning: "The subcommand; it says which `job` and sections follow.".into(),
    }];
    o.rows(schema, "", &mut rows);
    table(&mut out, &rows);
    for (command, branch) in branches(schema) {
        let _ = writeln!(out, "\n`\"command\": \"{command}\"`: {}\n", meaning(&branch["description"]));
        let mut rows = Vec::new();
        o.rows(o.resolve(branch), "", &mut rows);
        table(&mut out, &rows);
    }
    for (name, def) in &defs {
        if o.shared(name) && def.get("properties").is_some() {
            let _ = writeln!(out, "\n`{name}`: {}\n", meaning(&def["description"]));
            let mut rows = Vec::new();
            o.rows(def, "", &mut rows);
            table(&mut out, &rows);
        }
    }
    out
}

/// One table row.
struct Row {
    key: String,
    ty: String,
    meaning: String,
}

/// The definitions and how often each is referred to.
struct Outline<'a> {
    defs: &'a serde_json::Map<String, Value>,
    uses: BTreeMap<String, usize>,
}

impl Outline<'_> {
    /// An object definition referred to from more than one place: it gets
    /// a table of its own.
    fn shared(&self, name: &str) -> bool {
        self.uses.get(name).is_some_and(|&n| n > 1)
    }

    /// The definition `schema` refers to, or `schema` itself.
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        ref_name(schema).and_then(|name| self.defs.get(name)).unwrap_or(schema)
    }

    /// A row per property of `object` (keys under `prefix`), an object
    /// used only here spelled out below its own row.
    fn rows(&self, object: &Value, prefix: &str, rows: &mut Vec<Row>) {
        let empty = serde_json::Map::new();
        let props = object["properties"].as_object().unwrap_or(&empty);
        let required: Vec<&str> = object["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let mut keys: Vec<&String> = props.keys().collect();
        keys.sort_by_key(|k| (required.iter().position(|r| r == k).unwrap_or(usize::MAX), k.as_str()));
        for key in keys {
            let prop = &props[key];
            let path = format!("{prefix}{key}");
            let mut ty = self.type_of(prop);
            if !required.contains(&key.as_str()) {
                ty.push_str(", optional");
            }
            let described = if prop["description"].is_string() { prop } else { self.resolve(non_null(prop)) };
            rows.push(Row { key: path.clone(), ty, meaning: meaning(&described["description"]) });
            self.expand(prop, &path, rows);
        }
        // Keys beside the named ones (a flattened map: `series.read`).
        let other = &object["additionalProperties"];
        if other.is_object() {
            let path = format!("{prefix}*");
            let ty = self.type_of(other);
            rows.push(Row { key: path.clone(), ty, meaning: format!("Any other key: {}", meaning(&object["description"])) });
            self.expand(other, &path, rows);
        }
    }

    /// Spells out what `prop` holds when it is an object (or array or map
    /// of objects) used only here.
    fn expand(&self, prop: &Value, path: &str, rows: &mut Vec<Row>) {
        let inner = non_null(prop);
        let is_array = inner["type"] == "array" || inner["type"].as_array().is_some_and(|t| t.iter().any(|t| t == "array"));
        let (target, suffix) = if is_array {
            (&inner["items"], "[]")
        } else if inner["additionalProperties"].is_object() {
            (&inner["additionalProperties"], ".*")
        } else {
            (inner, "")
        };
        let own = ref_name(target).is_none_or(|name| !self.shared(name));
        let object = self.resolve(target);
        if own && object.get("properties").is_some() {
            self.rows(object, &format!("{path}{suffix}."), rows);
        }
    }

    /// A property's type as the table shows it.
    fn type_of(&self, prop: &Value) -> String {
        if let Some(any) = prop["anyOf"].as_array() {
            let parts: Vec<String> = any.iter().map(|s| self.type_of(s)).collect();
            return parts.join(" or ");
        }
        if let Some(name) = ref_name(prop) {
            let def = &self.defs[name];
            return match choices(def) {
                Some(values) => values,
                None if def.get("oneOf").is_some() => self.variants(def),
                None if self.shared(name) => format!("`{name}`"),
                None => "object".into(),
            };
        }
        if let Some(value) = prop.get("const") {
            return format!("`{value}`");
        }
        match &prop["type"] {
            Value::Array(types) => types.iter().filter_map(Value::as_str).map(|t| self.named(t, prop)).collect::<Vec<_>>().join(" or "),
            Value::String(t) => self.named(t, prop),
            _ => "any".into(),
        }
    }

    /// JSON type `t` of `prop`, with what an array or a map holds.
    fn named(&self, t: &str, prop: &Value) -> String {
        match t {
            "array" => format!("array of {}", self.type_of(&prop["items"])),
            "object" if prop["additionalProperties"].is_object() => {
                format!("map of {}", self.type_of(&prop["additionalProperties"]))
            }
            other => other.to_string(),
        }
    }

    /// An enum whose variants carry data: each variant's keys.
    fn variants(&self, def: &Value) -> String {
        let parts: Vec<String> = def["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| match v["properties"].as_object() {
                Some(props) => {
                    let keys: Vec<String> =
                        props.iter().map(|(k, p)| format!("`{k}` {}", self.type_of(p))).collect();
                    format!("{{{}}}", keys.join(", "))
                }
                None => self.type_of(v),
            })
            .collect();
        format!("one of {}", parts.join(" \\| "))
    }
}

/// The `(command, branch)` pairs of the top level's `oneOf`.
fn branches(schema: &Value) -> Vec<(String, &Value)> {
    schema["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| Some((b["properties"]["command"]["const"].as_str()?.to_string(), b)))
        .collect()
}

/// The values of an enum of plain strings (`"a" | "b"`), if `def` is one.
fn choices(def: &Value) -> Option<String> {
    let values: Option<Vec<String>> = match (&def["oneOf"], &def["enum"]) {
        (Value::Array(variants), _) => variants.iter().map(|v| v.get("const").map(|c| format!("`{c}`"))).collect(),
        (_, Value::Array(values)) => Some(values.iter().map(|c| format!("`{c}`")).collect()),
        _ => None,
    };
    values.map(|v| v.join(" \\| "))
}

/// `schema` without its `null` alternative (`X or null` -> `X`).
fn non_null(schema: &Value) -> &Value {
    schema["anyOf"].as_array().and_then(|a| a.iter().find(|s| s["type"] != "null")).unwrap_or(schema)
}

/// The definition name a `$ref` names.
fn ref_name(schema: &Value) -> Option<&str> {
    schema["$ref"].as_str()?.strip_prefix("#/$defs/")
}

/// How often each definition is referred to, anywhere in `schema`.
fn count_refs(schema: &Value, uses: &mut BTreeMap<String, usize>) {
    match schema {
        Value::Object(map) => {
            if let Some(name) = ref_name(schema) {
                *uses.entry(name.to_string()).or_default() += 1;
            }
            map.values().for_each(|v| count_refs(v, uses));
        }
        Value::Array(items) => items.iter().for_each(|v| count_refs(v, uses)),
        _ => {}
    }
}

/// The first paragraph of a doc comment on one line, rustdoc links as
/// plain code, and `|` escaped for a table cell.
fn meaning(description: &Value) -> String {
    let text = description.as_str().unwrap_or_default();
    let first = text.split("\n\n").next().unwrap_or_default();
    first.split_whitespace().collect::<Vec<_>>().join(" ").replace("[`", "`").replace("`]", "`").replace('|', "\\|")
}

/// Writes `rows` as a markdown table.
fn table(out: &mut String, rows: &[Row]) {
    out.push_str("| key | type | meaning |\n|---|---|---|\n");
    for row in rows {
        let _ = writeln!(out, "| `{}` | {} | {} |", row.key, row.ty, row.meaning);
    }
}
