//! Analyses over many runs: Monte Carlo trials, exact enumeration, sweeps.

pub mod budget;
pub mod counterfactual;
pub mod exact;
pub mod explore;
pub mod lazy;
mod memo;
pub mod mirror;
pub mod stats;
mod subject;
pub mod sweep;
pub mod trials;
pub mod weight;
