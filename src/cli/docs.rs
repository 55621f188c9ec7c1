//! `rules`, `explain` and `schema`: the rules' documentation and the formats' schemas.

use super::*;

pub(super) fn print_rules(format: ListFormat) {
    let docs = rules::docs();
    match format {
        ListFormat::Table => {
            let mut grid = comfy_table::Table::new();
            grid.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            grid.force_no_tty();
            grid.set_header(["id", "severity", "title"]);
            for d in docs {
                grid.add_row([d.id.as_str(), d.severity.as_str(), d.title.as_str()]);
            }
            println!("{grid}");
        }
        ListFormat::Markdown => print!("{}", rules_markdown()),
        ListFormat::Json => {
            let list: Vec<_> = docs
                .iter()
                .map(|d| serde_json::json!({"id": d.id, "severity": d.severity, "title": d.title, "summary": d.summary}))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).expect("serializes")
            );
        }
    }
}

/// The README's rule table.
pub fn rules_markdown() -> String {
    let mut out = String::from("| id | severity | what it finds |\n|---|---|---|\n");
    for d in rules::docs() {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            d.id,
            d.severity,
            d.summary.trim()
        ));
    }
    out
}
