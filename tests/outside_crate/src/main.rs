//! Runs the README's jdbio example (src/example.rs, the README's code block
//! byte for byte) on the compio jdbio re-exports, and says so on stdout.

include!("example.rs");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    jdbio::compio::runtime::Runtime::new()?.block_on(example())?;
    println!("the migrated jdb_fs example ran");
    Ok(())
}
