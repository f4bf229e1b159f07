//! The published JSON Schema of [`SCHEMA`] (`jdbio schema`): derived by
//! schemars from the report types themselves, their serde attributes and
//! doc comments, so it cannot drift from what a report holds. One schema
//! covers every subcommand: the `command` key picks the `job` and sections.
//!
//! It describes what jdbio writes (schemars' serialize contract: a key is
//! required unless jdbio may leave it out), and it is closed: an object
//! holds only the keys named, so a consumer that validates against it
//! learns of a key it does not know (`additionalProperties: false` on every
//! object; `unevaluatedProperties: false` at the top, where the
//! subcommand's keys come in through `oneOf`).

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use super::{Report, SCHEMA};

/// The JSON Schema (draft 2020-12) of a [`SCHEMA`] report.
pub fn json_schema() -> Value {
    let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
    let mut schema = generator.into_root_schema_for::<Report>().to_value();
    schema["title"] = json!(SCHEMA);
    schema["description"] = json!(format!(
        "A jdbio report ({SCHEMA}): what every subcommand writes with --json. \
         Keys are snake_case and every numeric field's name carries its unit \
         (_bytes, _ns, _s, _per_s, _pct) unless it is a count. Printed by `jdbio schema`."
    ));
    // A report this jdbio writes always says which schema it follows.
    schema["properties"]["schema"]["const"] = json!(SCHEMA);
    close(&mut schema);
    schema
}

/// Closes every object: the top level with `unevaluatedProperties` (its
/// `oneOf` branches add the subcommand's keys), each definition with
/// `additionalProperties`, except the branches themselves (flattened into
/// the top level, they see its keys too; what their keys hold is closed).
fn close(schema: &mut Value) {
    let branches: Vec<String> = schema["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["$ref"].as_str())
        .filter_map(|r| r.strip_prefix("#/$defs/"))
        .map(str::to_owned)
        .collect();
    schema["unevaluatedProperties"] = json!(false);
    if let Some(defs) = schema["$defs"].as_object_mut() {
        for (name, def) in defs.iter_mut() {
            match def.get_mut("properties") {
                // A branch stays open itself; what its keys hold is closed.
                Some(props) if branches.contains(name) => props.as_object_mut().into_iter().flat_map(|p| p.values_mut()).for_each(close_objects),
                _ => close_objects(def),
            }
        }
    }
}

/// Sets `additionalProperties: false` on `schema` and every object schema
/// inside it (an enum's variants) that names its properties and says
/// nothing of others.
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), json!(false));
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}
