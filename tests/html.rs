//! The HTML report: its bytes are reviewed (snapshot), its values are escaped, and it loads
//! in a real browser (headless Chromium, network off) with the picture and the findings on
//! the page and no console error. The screenshot is kept in `target/html-report/` for a
//! person to look at.

mod common;

use std::path::PathBuf;
use std::process::Command;

use tenantguard::report::Html;

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/html-report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn demo_report_html_is_reviewed() {
    insta::assert_snapshot!(common::render(&Html, &common::demo()));
}

#[test]
fn values_from_the_inventory_are_text_not_markup() {
    let mut evaluation = common::demo();
    let f = &mut evaluation.findings[0];
    f.message = "role `<script>alert(1)</script>` <img src=x onerror=alert(2)>".into();
    f.tenant = Some("<b>evil</b>".into());
    let page = common::render(&Html, &evaluation);
    assert!(
        !page.contains("<script>alert(1)"),
        "a script tag from the inventory stayed markup"
    );
    assert!(!page.contains("<img src=x"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;b&gt;evil&lt;/b&gt;"));
    // Exactly one script: the page's own, allowed by its hash.
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains("default-src 'none'"));
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|n| PathBuf::from("/usr/bin").join(n))
        .find(|p| p.exists())
}

#[test]
fn the_demo_report_loads_offline_in_a_real_browser() {
    let browser = chromium().expect(
        "headless Chromium is needed for this test (Debian's `chromium`; .ci/run installs it)",
    );
    let dir = out_dir();
    let page = dir.join("demo.html");
    std::fs::write(&page, common::render(&Html, &common::demo())).unwrap();
    let url = format!("file://{}", page.display());
    let profile = tempfile::TempDir::new().unwrap();
    let run = |extra: &[&str]| {
        let mut cmd = Command::new(&browser);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            // Network off: no proxy reachable, no name resolves.
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url);
        cmd.output().unwrap()
    };
    let dom = run(&["--dump-dom", "--virtual-time-budget=2000"]);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let html = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(
        html.contains("id=\"picture\""),
        "the picture is on the page"
    );
    assert!(
        html.matches("class=\"edge ").count() >= 5,
        "the picture has its edges"
    );
    assert!(
        html.contains("cross-tenant-trust") && html.contains("acme-reporting"),
        "the findings are on the page"
    );
    for line in log.lines() {
        assert!(
            !(line.contains("CONSOLE") && (line.contains("Uncaught") || line.contains("Error")))
                && !line.contains("Refused to")
                && !line.contains("Content Security Policy"),
            "console: {line}"
        );
    }
    let shot = dir.join("demo.png");
    let _ = std::fs::remove_file(&shot);
    let out = run(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=1400,1800",
        "--hide-scrollbars",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::metadata(&shot)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "a screenshot was taken"
    );
}

/// `tenantguard report REPORT.json --format html` draws the same page as the scan did.
#[test]
fn a_saved_json_report_renders_the_same_page() {
    let dir = tempfile::TempDir::new().unwrap();
    let scan = |format: &str, out: &std::path::Path| {
        assert_cmd::Command::cargo_bin("tenantguard")
            .unwrap()
            .args([
                "scan",
                "--fail-on",
                "none",
                "--format",
                format,
                "--inventory",
            ])
            .arg(common::fixture("demo/inventory.json"))
            .arg("--config")
            .arg(common::fixture("demo/tenantguard.toml"))
            .arg("--output")
            .arg(out)
            .assert()
            .code(2);
    };
    let (json, html, again) = (
        dir.path().join("r.json"),
        dir.path().join("r.html"),
        dir.path().join("again.html"),
    );
    scan("json", &json);
    scan("html", &html);
    assert_cmd::Command::cargo_bin("tenantguard")
        .unwrap()
        .args(["report", "--format", "html", "--output"])
        .arg(&again)
        .arg(&json)
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&html).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );
    // Not a report: one line, exit 3.
    let out = assert_cmd::Command::cargo_bin("tenantguard")
        .unwrap()
        .args(["report"])
        .arg(common::fixture("demo/tenantguard.toml"))
        .assert()
        .code(3)
        .get_output()
        .clone();
    assert_eq!(String::from_utf8(out.stderr).unwrap().lines().count(), 1);
}
