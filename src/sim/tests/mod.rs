//! Unit tests of the interpreter's fast paths against the plain one.

mod lean;
mod staged;
