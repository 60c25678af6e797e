//! One module per subcommand; each calls the library crates through [`crate::common`] and
//! returns an error with its exit code.

pub(crate) mod backtest;
pub(crate) mod calibrate;
pub(crate) mod list;
pub(crate) mod merge;
pub(crate) mod params;
pub(crate) mod plot;
pub(crate) mod policies;
pub(crate) mod report;
pub(crate) mod reproduce;
pub(crate) mod run;
pub(crate) mod search;
pub(crate) mod show;
pub(crate) mod sweep;
pub(crate) mod validate;
