//! `spa-split <input.wasm> <output dir>`: cuts the SPA's release wasm at
//! its split points (`frontend/src/ui/split.rs`), as `scripts/build-spa.sh`
//! needs it.
//!
//! Writes into the output dir `dialogdesk.wasm` (what the first page runs,
//! for wasm-bindgen to process under the name `dialogdesk`), one wasm per
//! split point, chunks of code several of them share, and
//! `__wasm_split.js`, which fetches those relative to itself on first use
//! and links them to the main module (`./dialogdesk.js`).

use std::path::PathBuf;
use std::process::ExitCode;
use wasm_split_cli_support::{transform, Options};

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [input, output_dir] = args.as_slice() else {
        eprintln!("usage: spa-split <input.wasm> <output dir>");
        return ExitCode::from(2);
    };
    match split(input, output_dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("spa-split: {message}");
            ExitCode::FAILURE
        }
    }
}

fn split(input: &PathBuf, output_dir: &PathBuf) -> Result<(), String> {
    let wasm = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    std::fs::create_dir_all(output_dir).map_err(|e| format!("{}: {e}", output_dir.display()))?;
    let main_out = output_dir.join("dialogdesk.wasm");
    let mut options = Options::new(&wasm);
    options.output_dir = output_dir;
    options.main_out_path = &main_out;
    options.main_module = "./dialogdesk.js";
    options.target.web();
    transform(options).map(|_| ()).map_err(|e| format!("{e:?}"))
}
