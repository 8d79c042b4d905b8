//! The test support crate (tests/src/), for the test files that still say `mod support;`.
pub use deckhand_tests::*;
