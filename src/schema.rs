//! `jdbio schema`: print the JSON Schema of the report every subcommand
//! writes ([`crate::model::json_schema`]), or with `--outline` the same
//! schema as the markdown tables the README's report section holds.

use clap::Args;

use crate::{
    command::{Command, Outcome, OutputPlan, Run},
    error::AppError,
    hosts::rank::Substitute,
};

/// `jdbio schema`
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print the schema as markdown tables (every key with its type and
    /// meaning) instead of JSON: the README's report section.
    #[arg(long)]
    pub outline: bool,
}

impl Command for SchemaArgs {
    fn substitute(&mut self, _sub: &Substitute) -> Result<(), AppError> {
        Ok(())
    }

    /// Stdout only; it reads nothing.
    fn outputs(&self) -> OutputPlan {
        OutputPlan::default()
    }

    /// The schema (or its outline), for stdout.
    fn execute(&self, _run: &Run<'_>) -> Result<Outcome, AppError> {
        let schema = crate::model::json_schema();
        let text = if self.outline {
            crate::model::outline(&schema)
        } else {
            let mut json = serde_json::to_string_pretty(&schema).map_err(|e| AppError::Io(e.to_string()))?;
            json.push('\n');
            json
        };
        Ok(Outcome::text(text))
    }
}
