//! # brink-analysis
//!
//! Results folders, statistics and charts: runs become Polars frames and Parquet files, the
//! headline numbers come with Wilson intervals and paired differences, and plotters draws the
//! PNG charts with an embedded font.
#![deny(missing_docs)]

pub mod charts;
pub mod detail;
pub mod frames;
pub mod km;
pub mod outputs;
pub mod owner;
pub mod prim;
pub mod sobol;
pub mod stats;
pub mod store;
pub mod summary;

pub use store::{Manifest, Provenance, Store, StoreError};
pub use summary::{PolicySummary, Risk};
