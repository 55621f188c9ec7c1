//! The HTML report: its bytes are reviewed (snapshot), its values are escaped, and it loads
//! in a real browser (headless Chromium, network off) with the picture and the findings on
//! the page and no console error. The demo scan's, the demo plan's and a 10,000-account
//! report are valid HTML (W3C Nu checker), have no axe-core violation and fit the screen at
//! 1400 and 390 pixels; their screenshots and printed PDFs are kept in `target/html-report/`
//! for a person to look at (CI keeps them as artifacts).

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

/// The HTML checkers `scripts/web-tools` installs (`TENANTGUARD_WEB_TOOLS`, default
/// `.tools/web/node_modules`).
fn web_tools() -> PathBuf {
    let dir = std::env::var_os("TENANTGUARD_WEB_TOOLS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/web/node_modules"),
        PathBuf::from,
    );
    assert!(
        dir.join("vnu-jar/build/dist/vnu.jar").exists() && dir.join("axe-core/axe.min.js").exists(),
        "the Nu HTML checker and axe-core are needed: run scripts/web-tools (./scripts/test does)"
    );
    dir
}

/// The W3C Nu HTML checker's errors on a page.
fn nu_errors(page: &std::path::Path) -> Vec<String> {
    let out = Command::new("java")
        .arg("-jar")
        .arg(web_tools().join("vnu-jar/build/dist/vnu.jar"))
        .args(["--errors-only", "--format", "json"])
        .arg(page)
        .output()
        .expect("Java runs the Nu HTML checker (.ci/run installs default-jre-headless)");
    let report: serde_json::Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("line {}: {}", m["lastLine"], m["message"]))
        .collect()
}

/// What a page looks like in headless Chromium at `width` pixels: axe-core's violations
/// (`id: nodes`), how wide the page is, and the elements that stick out. The page is run as
/// written except for its CSP (which rightly refuses axe's script) and the measuring script
/// appended. Headless Chromium's window is never narrower than 500 pixels, so narrower widths
/// are an iframe of that width: the page's own viewport, its media queries included.
fn in_browser(page_html: &str, name: &str, width: u32) -> (Vec<String>, u64, Vec<String>) {
    let browser = chromium().expect("headless Chromium is needed");
    let axe = web_tools().join("axe-core/axe.min.js");
    let csp = page_html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    let end = csp + page_html[csp..].find('>').unwrap() + 1;
    let probe = format!(
        r#"<script src="file://{}"></script><script>
axe.run(document, {{resultTypes: ["violations"]}}).then(function (r) {{
  var limit = document.documentElement.clientWidth, out = [];
  document.querySelectorAll("body *").forEach(function (e) {{
    var b = e.getBoundingClientRect();
    if (b.right > limit + 1 && out.length < 8) {{ out.push(e.tagName.toLowerCase() + "." + e.className + " to " + Math.round(b.right)); }}
  }});
  var p = document.createElement("pre"); p.id = "probe";
  p.textContent = JSON.stringify({{width: document.documentElement.scrollWidth, out: out,
    violations: r.violations.map(function (v) {{ return v.id + ": " + v.nodes.length + " (" + v.help + ")"; }})}});
  document.body.appendChild(p);
}});</script>"#,
        axe.display()
    );
    let checked = format!("{}{}", &page_html[..csp], &page_html[end..])
        .replace("</body>", &format!("{probe}</body>"));
    let file = out_dir().join(format!("{name}-{width}-probe.html"));
    std::fs::write(&file, checked).unwrap();
    let target = if width >= 500 {
        file
    } else {
        let frame = out_dir().join(format!("{name}-{width}-frame.html"));
        std::fs::write(
            &frame,
            format!(
                r#"<!DOCTYPE html><html lang="en"><body style="margin:0"><iframe id="f" title="report" src="file://{}" style="width:{width}px;height:2400px;border:0"></iframe><script>
var t = setInterval(function () {{
  var p = document.getElementById("f").contentDocument.getElementById("probe");
  if (p) {{ var o = document.createElement("pre"); o.id = "probe"; o.textContent = p.textContent; document.body.appendChild(o); clearInterval(t); }}
}}, 100);</script></body></html>"#,
                file.display()
            ),
        )
        .unwrap();
        frame
    };
    let profile = tempfile::TempDir::new().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--allow-file-access-from-files",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={},2400", width.max(500)))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--dump-dom", "--virtual-time-budget=60000"])
        .arg(format!("file://{}", target.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let probe = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|p| p.split("</pre>").next())
        .unwrap_or_else(|| {
            panic!(
                "{name}: axe did not run: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let probe = probe
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&probe).unwrap();
    let strings = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    (
        strings("violations"),
        v["width"].as_u64().unwrap(),
        strings("out"),
    )
}

/// Screenshots at a desktop and a phone width, kept in `target/html-report/` (CI keeps them).
fn screenshots(page: &std::path::Path, name: &str) {
    let browser = chromium().expect("headless Chromium is needed");
    for width in [1400, 390] {
        let shot = out_dir().join(format!("{name}-{width}.png"));
        let _ = std::fs::remove_file(&shot);
        // Below Chromium's 500-pixel window, the page in an iframe of the width, at its left.
        let target = if width >= 500 {
            page.to_owned()
        } else {
            let view = out_dir().join(format!("{name}-{width}-view.html"));
            std::fs::write(
                &view,
                format!(
                    r#"<!DOCTYPE html><html lang="en"><body style="margin:0;background:#888"><iframe title="report" src="file://{}" style="width:{width}px;height:2400px;border:0;background:#fff"></iframe></body></html>"#,
                    page.display()
                ),
            )
            .unwrap();
            view
        };
        let profile = tempfile::TempDir::new().unwrap();
        let out = Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--window-size={},2400", width.max(500)))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", target.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success() && shot.exists(),
            "{name} at {width}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The report printed to PDF (the print stylesheet), kept beside the screenshots.
fn printed(page: &std::path::Path, name: &str) {
    let pdf = out_dir().join(format!("{name}.pdf"));
    let _ = std::fs::remove_file(&pdf);
    let profile = tempfile::TempDir::new().unwrap();
    let out = Command::new(chromium().expect("headless Chromium is needed"))
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    assert!(
        out.status.success() && bytes.starts_with(b"%PDF") && bytes.len() > 10_000,
        "{name}: no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A report as reviewers meet it: valid HTML (the Nu checker), no axe-core violation, no wider
/// than the screen at 1400 and 390 pixels (tables, matrix and picture scroll inside their own
/// box), screenshots kept.
fn check_report(page_html: &str, name: &str) {
    let page = out_dir().join(format!("{name}.html"));
    std::fs::write(&page, page_html).unwrap();
    let errors = nu_errors(&page);
    assert!(
        errors.is_empty(),
        "{name}: {} HTML errors: {errors:#?}",
        errors.len()
    );
    for width in [1400, 390] {
        let (violations, page_width, out) = in_browser(page_html, name, width);
        assert!(
            violations.is_empty(),
            "{name} at {width} px: {violations:#?}"
        );
        assert!(
            page_width <= u64::from(width),
            "{name}: {page_width} px wide at {width}: {out:#?}"
        );
    }
    screenshots(&page, name);
    printed(&page, name);
    // Identifiers are code, never Markdown backticks: the text a reader sees (not the
    // script, the evidence JSON or attribute values) holds none.
    let before_script = page_html.split("<script").next().unwrap();
    let mut seen = String::new();
    let mut rest = before_script;
    while let Some(at) = rest.find('<') {
        seen.push_str(&rest[..at]);
        let tail = &rest[at..];
        rest = if tail.starts_with("<pre") {
            tail.split_once("</pre>").map_or("", |(_, r)| r)
        } else {
            tail.split_once('>').map_or("", |(_, r)| r)
        };
    }
    seen.push_str(rest);
    assert!(
        !seen.contains('`'),
        "{name}: backticks in the text: {}",
        &seen[seen.find('`').unwrap().saturating_sub(80)..]
    );
}

#[test]
fn the_demo_scan_report_is_valid_accessible_and_fits_every_screen() {
    let page = common::render(&Html, &common::demo());
    assert!(
        page.contains("<code>acme</code>") || page.contains("<code>"),
        "identifiers are code"
    );
    check_report(&page, "demo-scan");
}

/// The plan's report says what the plan covers and what the inventory it was judged against
/// did not read: never "Complete" over an inventory with gaps.
#[test]
fn the_demo_plan_report_is_valid_and_honest_about_completeness() {
    let out = assert_cmd::Command::cargo_bin("tenantguard")
        .unwrap()
        .arg("plan")
        .arg(common::fixture("plan/tenant-change.json"))
        .arg("--inventory")
        .arg(common::fixture("demo/inventory.json"))
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .args(["--format", "html", "--fail-on", "none"])
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        !page.contains("Complete: every account"),
        "the demo inventory has gaps"
    );
    assert!(page.contains("not scanned, and paths through them are unknown"));
    assert!(page.contains("class=\"incomplete\""));
    check_report(&page, "demo-plan");
}

/// The report of 10,000 accounts: too many parties to draw, so the matrix, the paths and the
/// tenant focus stand in for the picture; still valid and accessible.
#[test]
fn the_report_of_ten_thousand_accounts_is_valid_and_accessible() {
    let dir = tempfile::TempDir::new().unwrap();
    let (inventory, config, page) = (
        dir.path().join("inventory.json"),
        dir.path().join("tenantguard.toml"),
        dir.path().join("report.html"),
    );
    assert_cmd::Command::cargo_bin("tenantguard")
        .unwrap()
        .args([
            "synthesize",
            "--accounts",
            "10000",
            "--roles",
            "1",
            "--regions",
            "1",
            "--inventory",
        ])
        .arg(&inventory)
        .arg("--config")
        .arg(&config)
        .assert()
        .success();
    assert_cmd::Command::cargo_bin("tenantguard")
        .unwrap()
        .args([
            "scan",
            "--format",
            "html",
            "--fail-on",
            "none",
            "--inventory",
        ])
        .arg(&inventory)
        .arg("--config")
        .arg(&config)
        .arg("--output")
        .arg(&page)
        .assert()
        .success();
    let page = std::fs::read_to_string(&page).unwrap();
    assert!(page.contains("id=\"focus\""), "the tenant focus is offered");
    check_report(&page, "ten-thousand");
}
