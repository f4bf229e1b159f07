//! `jdbio schema`: print the JSON Schema of the report every subcommand
//! writes ([`crate::model::json_schema`]), or with `--outline` the same
//! schema as the markdown tables the README's report section holds.

use clap::Args;

use crate::{error::AppError, report};

/// `jdbio schema`
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print the schema as markdown tables (every key with its type and
    /// meaning) instead of JSON: the README's report section.
    #[arg(long)]
    pub outline: bool,
}

/// Prints the schema (or its outline) to stdout.
pub fn run(args: &SchemaArgs) -> Result<(), AppError> {
    let schema = crate::model::json_schema();
    let text = if args.outline {
        crate::model::outline(&schema)
    } else {
        let mut json = serde_json::to_string_pretty(&schema).map_err(|e| AppError::Io(e.to_string()))?;
        json.push('\n');
        json
    };
    report::Sink::Stdout.print(&text);
    Ok(())
}
