//! The SARIF report against the official SARIF 2.1.0 schema and against the extra rules
//! GitHub code scanning applies to uploads.

mod common;

use serde_json::Value;
use tenantguard::report::Sarif;

fn demo_sarif() -> Value {
    serde_json::from_str(&common::render(&Sarif { category: None }, &common::demo())).unwrap()
}

/// The official schema (OASIS errata01, `fixtures/sarif/`). The `jsonschema` crate's regex
/// engine refuses the `language` pattern (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`), so
/// that one pattern is dropped here; tenantguard never writes `language`.
fn schema() -> Value {
    let text = std::fs::read_to_string(common::fixture("sarif/sarif-schema-2.1.0.json")).unwrap();
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    fn drop_language_pattern(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::Object(lang)) = map.get_mut("language") {
                    lang.remove("pattern");
                }
                map.values_mut().for_each(drop_language_pattern);
            }
            Value::Array(items) => items.iter_mut().for_each(drop_language_pattern),
            _ => {}
        }
    }
    drop_language_pattern(&mut schema);
    schema
}

#[test]
fn demo_sarif_is_valid_sarif_2_1_0() {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema())
        .unwrap();
    let sarif = demo_sarif();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_schema_check_catches_a_broken_log() {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema())
        .unwrap();
    let mut sarif = demo_sarif();
    sarif["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = Value::from("not a uri");
    assert!(!validator.is_valid(&sarif));
    let mut sarif = demo_sarif();
    sarif["runs"][0]["results"][0]["level"] = Value::from("critical");
    assert!(!validator.is_valid(&sarif));
}

#[test]
fn demo_sarif_meets_github_code_scanning_rules() {
    let sarif = demo_sarif();
    let runs = sarif["runs"].as_array().unwrap();
    assert!(runs.len() <= 20);
    let run = &runs[0];
    let id = run["automationDetails"]["id"].as_str().unwrap();
    assert!(id.starts_with("tenantguard/") && id.contains('/'));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        let short = rule["shortDescription"]["text"].as_str().unwrap();
        let full = rule["fullDescription"]["text"].as_str().unwrap();
        assert!(!short.is_empty() && short.len() <= 1024, "{id}");
        assert!(!full.is_empty() && full.len() <= 1024, "{id}");
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty(), "{id}");
        assert!(
            !rule["help"]["markdown"].as_str().unwrap().is_empty(),
            "{id}"
        );
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.iter().any(|t| t == "security"), "{id}");
        let sev: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&sev), "{id}");
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.len() <= 25_000);
    for r in results {
        let rule_id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule_id, "ruleIndex points at the rule");
        let location = &r["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains(':'), "uri `{uri}` must be a scheme-less path");
        assert!(uri.starts_with("aws/"));
        assert_eq!(location["region"]["startLine"], 1);
        let arn = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap();
        assert!(
            r["message"]["text"].as_str().unwrap().starts_with(arn),
            "the ARN leads the message"
        );
        assert!(r["partialFingerprints"]["primaryLocationLineHash"].is_string());
    }
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(
        notes.len(),
        3,
        "one notification per account, region or resource not scanned"
    );
    assert!(notes.iter().all(|n| n["level"] == "error"));
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["status"], "accepted");
}
