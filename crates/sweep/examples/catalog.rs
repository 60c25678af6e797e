//! Prints the parameter catalogue as Markdown (what `brink params --markdown` prints), without
//! building the CLI: `cargo run --release -p brink-sweep --example catalog`.
fn main() {
    print!("{}", brink_sweep::catalog::markdown());
}
