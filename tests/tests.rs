//! Integration tests: each drives the real `brink` binary in its own temporary folder.

mod harness;

mod cli;
mod integrity;
mod outputs;
mod reproducibility;
mod robustness;
mod slurm;
