//! Unit tests of the interpreter's fast paths against the plain one.

mod kernel;
mod lean;
mod staged;
