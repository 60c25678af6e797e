//! # brink-analysis
//!
//! Results folders, statistics and charts: runs become Polars frames and Parquet files, the
//! headline numbers come with Wilson intervals and paired differences, and plotters draws the
//! PNG charts with an embedded font.
//!
//! [`store`] does the IO of a results folder and nothing else; [`pipeline`], which the command
//! line calls, runs and assembles sweeps and turns stored runs into tables, charts and the
//! report through [`outputs`]. Neither [`store`] nor [`outputs`] imports the other.
#![deny(missing_docs)]

pub mod charts;
pub mod detail;
pub mod frames;
pub mod km;
pub mod lock;
pub mod outputs;
pub mod owner;
pub mod pipeline;
pub mod prim;
pub mod robust;
pub mod scenarios;
pub mod sobol;
pub mod stats;
pub mod store;
pub mod summary;
pub mod words;

pub use store::{Manifest, Provenance, Store, StoreError};
pub use summary::{PolicySummary, Risk};
