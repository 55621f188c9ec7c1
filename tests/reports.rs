//! Every output format, frozen on the demo organization (insta snapshots under
//! `tests/snapshots/`; review changes with `cargo insta review`).

mod common;

use tenantguard::report::{Json, Markdown, Sarif, Table};

#[test]
fn table_report() {
    insta::assert_snapshot!(common::render(&Table { color: false }, &common::demo()));
}

#[test]
fn json_report() {
    insta::assert_snapshot!(common::render(&Json, &common::demo()));
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(common::render(&Markdown, &common::demo()));
}

#[test]
fn sarif_report() {
    insta::assert_snapshot!(common::render(&Sarif { category: None }, &common::demo()));
}

#[test]
fn table_has_no_colour_codes_off_a_terminal() {
    let plain = common::render(&Table { color: false }, &common::demo());
    assert!(!plain.contains('\u{1b}'));
    let coloured = common::render(&Table { color: true }, &common::demo());
    assert!(coloured.contains('\u{1b}'));
}
