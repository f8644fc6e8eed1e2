//! Victims report tech-support scams through the public form, in a real headless Chromium driven
//! over WebDriver. The pages ship no script, so this is the form as plain HTML: what a victim types
//! must arrive intact, every mistake must be explained beside its field, and a victim who chose
//! Japanese must be answered in Japanese to the end. Then an analyst signs in with a username and
//! password, finds those reports, and signs out.
//!
//! One browser session serves all the victims' stories, in order, to keep the suite fast; the
//! analysts' workbench (which does use a script, for the cluster graph) has its own.

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestServer;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

// What the victim should read, from `scamtrace-server/locales/{en,ja}.toml`.
const EN_FORM_TITLE: &str = "Report a tech-support scam"; // [form] title
const EN_REQUIRED: &str = "This field is required."; // [errors] required
const EN_THANKS_TITLE: &str = "Thank you. Your report was received."; // [thanks] title
const JA_FORM_TITLE: &str = "サポート詐欺を報告する"; // [form] title
const JA_REQUIRED: &str = "この項目は必須です。"; // [errors] required
const JA_THANKS_TITLE: &str = "ありがとうございました。報告を受け付けました。"; // [thanks] title
const EN_SIGN_IN_TITLE: &str = "Sign in"; // [login] title
const EN_SIGN_IN_FAILED: &str = "The username or password is wrong."; // [login] failed
const EN_REPORTS_TITLE: &str = "Reports"; // [reports] title
const EN_CASE_OPEN: &str = "Open"; // [cases] status_open
const EN_CASE_REFERRED: &str = "Referred"; // [cases] status_referred
const EN_DOWNLOAD_PACKAGE: &str = "Download package"; // [cases] download_package
const EN_PERSONAL_DATA_INCLUDED: &str = "Included"; // [cases] personal_data_yes
const EN_AMOUNT_REQUIRED: &str = "Money recovered needs an amount."; // [cases] err_amount_required
const EN_AMOUNT_LABEL: &str = "Amount"; // [cases] amount
const EN_NOT_FOUND: &str = "Not found."; // [errors] not_found

#[tokio::test]
async fn victims_report_scams_through_the_web_form() {
    let Some(driver) = ChromeDriver::start() else {
        return;
    };
    let site = Site::start();
    let browser = Browser::open(&driver, &site).await;

    a_victim_files_a_complete_report(&browser, &site).await;
    a_worried_consumer_checks_a_number_before_calling(&browser).await;
    an_empty_form_explains_each_problem_and_stores_nothing(&browser, &site).await;
    a_victim_who_chooses_japanese_is_answered_in_japanese(&browser, &site).await;
    an_analyst_signs_in_finds_the_reports_and_signs_out(&browser, &site).await;

    browser
        .client
        .close()
        .await
        .expect("end the browser session");
}

/// An analyst signs in, reads the dashboard, searches a phone number written differently from
/// the reports, follows it to its operation, sees the graph drawn, asks why two reports are
/// linked, opens a report with its indicators marked, and exports the operation as CSV.
#[tokio::test]
async fn analysts_follow_a_phone_number_to_its_operation() {
    let Some(driver) = ChromeDriver::start() else {
        return;
    };
    let site = Site::start();
    let cluster = site.load_demo_operation(400);
    let browser = Browser::open(&driver, &site).await;

    // Signed out, the dashboard asks to sign in first, then comes back to it.
    browser.visit("/dashboard").await;
    browser.wait_for("#f-username").await;
    site.sign_in(&browser).await;
    browser.wait_for("#chart-weeks").await;
    let bars = browser
        .client
        .find_all(Locator::Css("#chart-weeks rect.bar"))
        .await
        .expect("chart bars");
    assert!(bars.len() > 10, "reports per week: {} bars", bars.len());
    let totals = browser.text("totals").await;
    assert!(
        totals.contains("400"),
        "the totals count every report: {totals}"
    );
    for table in [
        "#h-countries",
        "#h-brands",
        "#h-payments",
        "#h-largest",
        "#h-growing",
    ] {
        browser.wait_for(table).await;
    }

    // The phone number as a person would type it, not as the reports or the engine wrote it.
    let e164 = cluster.phone.clone();
    let typed = format!("1 ({}) {}.{}", &e164[2..5], &e164[5..8], &e164[8..]);
    browser.type_into("nav-q", &typed).await;
    browser
        .find("nav-q")
        .await
        .send_keys("\u{E007}")
        .await
        .expect("search");
    browser.wait_for("#indicator-value").await;
    assert_eq!(browser.text("indicator-value").await, e164);

    // Its operation.
    let link = browser
        .wait_for(&format!(
            "#indicator-clusters a[href='/clusters/{}']",
            cluster.id
        ))
        .await;
    link.click().await.expect("open the operation");
    browser.wait_for("#summary").await;
    let drawn = browser.wait_for("#graph[data-state='drawn']").await;
    let nodes: usize = drawn
        .attr("data-nodes")
        .await
        .expect("node count")
        .unwrap_or_default()
        .parse()
        .expect("a number");
    assert!(
        nodes > cluster.reports,
        "the graph draws every report ({}) and the values they share: {nodes} nodes",
        cluster.reports
    );

    // Why two of its reports are linked.
    let references = site.member_references(&cluster.id);
    browser.type_into("explain-a", &references[0]).await;
    browser
        .type_into("explain-b", &references[references.len() - 1])
        .await;
    browser
        .find("explain-b")
        .await
        .send_keys("\u{E007}")
        .await
        .expect("explain");
    browser.wait_for("#chain li.via").await;
    let chain = browser.text("chain").await;
    assert!(
        chain.contains(&references[0]) && chain.contains(&references[references.len() - 1]),
        "{chain}"
    );

    // The CSV export, fetched as the browser would download it (with the session).
    let href = browser
        .find("export-csv")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("an export link");
    let csv = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));",
            vec![json!(href)],
        )
        .await
        .expect("fetch the CSV");
    let csv = csv.as_str().expect("CSV text");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("cluster,report_id,reference,"),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines.len(),
        cluster.reports + 1,
        "one line per report and a header"
    );
    assert!(lines.iter().skip(1).all(|l| l.starts_with(&cluster.id)));

    // A report of the operation, its indicators marked in the narrative.
    browser.visit(&format!("/clusters/{}", cluster.id)).await;
    let first = browser.wait_for("#member-table tbody a").await;
    first.click().await.expect("open a report");
    browser.wait_for("#report-cluster").await;
    let marks = browser
        .client
        .find_all(Locator::Css("#narrative a.mark"))
        .await
        .expect("marks");
    assert!(
        !marks.is_empty(),
        "the narrative's indicators are marked and linked"
    );

    browser
        .client
        .close()
        .await
        .expect("end the browser session");
}

/// An analyst opens a case from an operation of the demo data, writes a note, refers the case to
/// an agency and downloads its signed referral package, which verifies with the key the instance
/// publishes. Then the agency's liaison signs in and finds that case, and no other.
#[tokio::test]
async fn analysts_refer_an_operation_and_the_agency_sees_only_its_case() {
    const AGENCY: &str = "Metropolitan Police Cyber Unit";
    const OTHER_AGENCY: &str = "Central Bureau of Investigation";
    let Some(driver) = ChromeDriver::start() else {
        return;
    };
    let site = Site::start();
    let cluster = site.load_demo_operation(400);
    // The agency has an account here, so its packages carry the victims' contact details.
    let liaison = ("cyber.unit.liaison", common::random_password());
    let created = site
        .server
        .cli_command(&[
            "admin",
            "create-user",
            "--username",
            liaison.0,
            "--role",
            "law_enforcement",
            "--org",
            AGENCY,
        ])
        .env("SCAMTRACE_PASSWORD", &liaison.1)
        .output()
        .expect("create the liaison's account");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let browser = Browser::open(&driver, &site).await;

    // From the operation's page, signed in on the way.
    browser.visit(&format!("/clusters/{}", cluster.id)).await;
    browser.wait_for("#f-username").await;
    site.sign_in(&browser).await;
    browser.wait_for("#open-title").await;
    assert!(browser.exists("no-cluster-cases").await, "no case yet");
    let suggested = browser.value("open-title").await;
    assert!(!suggested.trim().is_empty(), "a title is suggested");
    browser.click("open-case").await;
    browser.wait_for("#case-reference").await;
    let reference = browser.text("case-reference").await;
    assert!(reference.starts_with("CASE-"), "{reference}");
    assert_eq!(browser.text("case-title").await, suggested);
    assert_eq!(browser.text("case-status").await, EN_CASE_OPEN);
    assert_eq!(browser.text("case-assignee").await, site.analyst.0);
    browser
        .wait_for(&format!(
            "#operation-table a[href='/clusters/{}']",
            cluster.id
        ))
        .await;

    // A note, kept on the case.
    let note = "The carrier confirmed both numbers forward to the same call centre.";
    browser.type_into("note-text", note).await;
    browser.click("note-submit").await;
    browser.wait_for("#note-list li").await;
    assert!(browser.text("note-list").await.contains(note));

    // Referred to the agency: the case says so.
    browser.type_into("refer-agency", AGENCY).await;
    browser
        .type_into("refer-agency_reference", "MPCU-2026-0042")
        .await;
    browser.click("refer-submit").await;
    browser
        .wait_for("#case-status[data-status='referred']")
        .await;
    assert_eq!(browser.text("case-status").await, EN_CASE_REFERRED);
    assert!(browser.text("referral-table").await.contains(AGENCY));

    // What the agency did. Money without an amount is refused beside the field, in words.
    browser.choose("outcome-kind", "money_recovered").await;
    browser.click("outcome-submit").await;
    browser.wait_for("#err-outcome-amount").await;
    assert_eq!(browser.text("err-outcome-amount").await, EN_AMOUNT_REQUIRED);
    assert!(
        browser
            .text("error-summary")
            .await
            .contains(EN_AMOUNT_LABEL)
    );
    browser.type_into("outcome-amount", "1250.50").await;
    browser.choose("outcome-currency", "GBP").await;
    browser.click("outcome-submit").await;
    browser.wait_for("#outcome-table").await;
    assert!(browser.text("outcome-table").await.contains("1250.50 GBP"));

    // The package for that agency downloads at once.
    assert_eq!(
        browser.value("package-recipient").await,
        AGENCY,
        "the agency referred to is suggested"
    );
    assert_eq!(browser.text("package-submit").await, EN_DOWNLOAD_PACKAGE);
    browser.click("package-submit").await;
    let (name, zip) = driver.downloaded(".zip").await;
    assert!(name.starts_with(&reference), "{name}");
    let published = site.server.get("/.well-known/scamtrace-signing-key", &[]);
    assert_eq!(published.status, 200);
    let key = scamtrace_refer::package::PublicKey::parse(&published.text())
        .expect("the published signing key");
    let checked = scamtrace_refer::package::verify(&zip, Some(&key));
    assert!(
        checked.is_valid() && checked.trusted_key,
        "the package verifies with the published key: {:?}",
        checked.problems
    );
    let manifest = checked.manifest.expect("a manifest");
    assert_eq!(
        (
            manifest.case_reference.as_str(),
            manifest.recipient.as_str()
        ),
        (reference.as_str(), AGENCY)
    );
    assert!(
        manifest.personal_data,
        "an agency with an account here gets the victims' contact details"
    );

    // Listed on the case, with the digest of what was downloaded.
    browser.client.refresh().await.expect("reload the case");
    browser.wait_for("#package-table tbody tr").await;
    let listed = browser.text("package-table").await;
    let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&zip));
    assert!(listed.contains(&digest), "{listed}");
    assert!(listed.contains(AGENCY) && listed.contains(EN_PERSONAL_DATA_INCLUDED));

    // Another case, referred to another agency.
    let auth = format!("Bearer {}", site.analyst_token);
    let other = site.server.post_json(
        "/api/v1/cases",
        &[("authorization", &auth)],
        &json!({"title": "Refund desk callers", "clusters": [cluster.id]}),
    );
    assert_eq!(other.status, 201, "{}", other.text());
    let other = other.json();
    let referred = site.server.post_json(
        &format!("/api/v1/cases/{}/referrals", other["id"].as_str().unwrap()),
        &[("authorization", &auth)],
        &json!({"agency": OTHER_AGENCY}),
    );
    assert_eq!(referred.status, 200, "{}", referred.text());

    // The liaison signs in and lands on the cases referred to their agency: this one only.
    browser
        .client
        .find(Locator::Css("form.signout button"))
        .await
        .expect("a sign-out button")
        .click()
        .await
        .expect("sign out");
    browser.wait_for("main h1").await;
    browser.visit("/login").await;
    browser.type_into("f-username", liaison.0).await;
    browser.type_into("f-password", &liaison.1).await;
    browser.submit().await;
    browser.wait_for("#case-table").await;
    let here = browser.client.current_url().await.expect("the URL");
    assert_eq!(
        here.path(),
        "/cases",
        "an agency's member lands on the cases"
    );
    let rows = browser
        .client
        .find_all(Locator::Css("#case-table tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1, "only the case referred to the agency");
    assert_eq!(
        rows[0].attr("data-case").await.expect("attribute"),
        Some(reference.clone())
    );
    let page = browser.client.source().await.expect("the page");
    assert!(!page.contains(other["reference"].as_str().unwrap()));
    assert!(!page.contains(OTHER_AGENCY));

    // Its page: the referral and the package, no notes, no history.
    rows[0]
        .find(Locator::Css("a"))
        .await
        .expect("a link to the case")
        .click()
        .await
        .expect("open the case");
    browser.wait_for("#package-table").await;
    assert!(!browser.exists("notes").await && !browser.exists("history").await);
    assert!(!browser.client.source().await.unwrap().contains(note));
    assert!(browser.exists("referral-table").await);
    // The other case does not exist for the agency.
    browser
        .visit(&format!("/cases/{}", other["id"].as_str().unwrap()))
        .await;
    assert_eq!(browser.text("error-message").await, EN_NOT_FOUND);

    browser
        .client
        .close()
        .await
        .expect("end the browser session");
}

async fn a_victim_files_a_complete_report(browser: &Browser, site: &Site) {
    browser.visit("/report").await;
    assert_eq!(browser.heading().await, EN_FORM_TITLE);
    assert!(
        browser
            .client
            .find_all(Locator::Css("script"))
            .await
            .expect("look for scripts")
            .is_empty(),
        "the report form must work without JavaScript, so it ships none"
    );

    let narrative = "A pop-up said my computer was infected and to call Microsoft. The man on the phone \
                     made me install AnyDesk and buy gift cards. The pop-up page had \
                     <script>alert(1)</script> in it.";
    // It happened today.
    let today = browser.today().await;

    browser.choose("f-country", "US").await;
    browser.type_date("f-occurred_on", &today).await;
    browser.click("f-contact_method-phone_call").await;
    browser.type_into("f-impersonated_brand", "Microsoft").await;
    browser.type_into("f-narrative", narrative).await;
    browser
        .type_into(
            "f-scammer-phone_numbers",
            "+1 888 555 0199\n+1 (877) 555-0142",
        )
        .await;
    browser
        .type_into(
            "f-scammer-websites",
            "https://microsoft-alert-support.example/",
        )
        .await;
    browser.type_into("f-remote_access-tool", "AnyDesk").await;
    browser.type_into("f-remote_access-id", "482 913 377").await;
    browser.choose("f-payment-method", "gift_card").await;
    browser.type_into("f-payment-amount", "500").await;
    browser.choose("f-payment-currency", "USD").await;
    browser.type_into("f-reporter-name", "Margaret Ellis").await;
    browser
        .type_into("f-reporter-email", "margaret.ellis@example.org")
        .await;
    browser.click("f-reporter-may_contact").await;
    browser.submit().await;

    let reference = browser
        .wait_for("#reference")
        .await
        .text()
        .await
        .expect("read the reference");
    assert!(
        is_reference(&reference),
        "{reference:?} is not a report reference"
    );
    assert_eq!(browser.heading().await, EN_THANKS_TITLE);
    let url = browser.client.current_url().await.expect("current url");
    assert_eq!(
        (url.path(), url.query()),
        (
            "/report/thanks",
            Some(format!("reference={reference}").as_str())
        )
    );

    let stored = site.report(&reference);
    let narrative_stored = stored["narrative"].as_str().expect("narrative");
    assert!(
        narrative_stored.contains("<script>alert(1)</script>"),
        "markup must be kept as typed: {narrative_stored:?}"
    );
    assert_eq!(
        stored["scammer"]["phone_numbers"],
        json!(["+1 888 555 0199", "+1 (877) 555-0142"])
    );
    assert_eq!(
        stored["scammer"]["websites"],
        json!(["https://microsoft-alert-support.example/"])
    );
    assert_eq!(
        stored["remote_access"],
        json!({"tool": "AnyDesk", "id": "482 913 377"})
    );
    assert_eq!(stored["payment"]["method"], "gift_card");
    assert_eq!(stored["payment"]["amount"], "500");
    assert_eq!(stored["payment"]["currency"], "USD");
    assert_eq!(stored["reporter"]["present"], true);
    assert_eq!(stored["country"], "US");
    assert_eq!(stored["contact_method"], "phone_call");
    assert_eq!(stored["occurred_on"], today.as_str());
    assert_eq!(stored["language"], "en");
}

/// Someone about to call the number a pop-up showed checks it first: the number the victim above
/// reported, written another way, is suspicious (one report), with plain advice and the way to the
/// report form.
async fn a_worried_consumer_checks_a_number_before_calling(browser: &Browser) {
    browser.visit("/check").await;
    assert_eq!(browser.heading().await, "Check a number or website"); // [check] title
    browser.type_into("value", "1-888-555-0199").await;
    browser.click("check-submit").await;
    let verdict = browser.wait_for("#verdict").await;
    let text = verdict.text().await.expect("verdict text");
    assert!(
        text.contains("Suspicious") && text.contains("+18885550199"),
        "{text}"
    );
    assert!(text.contains("not yet enough for us to be sure"), "{text}"); // [check] advice_suspicious
    assert_eq!(browser.text("independent-reports").await, "1");
    assert_eq!(
        browser.value("value").await,
        "1-888-555-0199",
        "what was typed is kept"
    );
    browser
        .client
        .find(Locator::Css("section.aside a.button"))
        .await
        .expect("a link to the report form")
        .click()
        .await
        .expect("follow it");
    browser.wait_for("#f-narrative").await;
}

async fn an_empty_form_explains_each_problem_and_stores_nothing(browser: &Browser, site: &Site) {
    let stored_before = site.references();
    browser.visit("/report").await;
    // The browser's en-US preselects a country; this victim leaves it unchosen, and types only the
    // brand, with characters that must survive being written back into an attribute.
    let brand = r#"Microsoft "Windows" <Support> & Co"#;
    browser.choose("f-country", "").await;
    browser.type_into("f-impersonated_brand", brand).await;
    browser.submit().await;

    let summary = browser.wait_for(".error-summary[role='alert']").await;
    assert_eq!(browser.lang().await, "en");
    let mut listed = Vec::new();
    for link in summary
        .find_all(Locator::Css("a"))
        .await
        .expect("summary links")
    {
        let href = link.attr("href").await.expect("href").unwrap_or_default();
        let target = href
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("summary link {href:?} is not to this page"));
        assert!(
            browser.exists(target).await,
            "summary link {href:?} leads nowhere"
        );
        let text = link.text().await.expect("link text");
        assert!(
            text.ends_with(&format!(": {EN_REQUIRED}")) && text.len() > EN_REQUIRED.len() + 4,
            "summary entry for {target} names its field: {text:?}"
        );
        listed.push(target.to_string());
    }
    // In page order, each naming its field, each leading to a control that takes focus.
    assert_eq!(
        listed,
        ["f-country", "f-contact_method-phone_call", "f-narrative"]
    );

    let contact_methods = browser
        .client
        .find(Locator::XPath(
            "//input[@id='f-contact_method-phone_call']/ancestor::fieldset[1]",
        ))
        .await
        .expect("the contact-method fieldset");
    for (field, marked) in [
        ("country", browser.find("f-country").await),
        ("contact_method", contact_methods),
        ("narrative", browser.find("f-narrative").await),
    ] {
        let error_id = format!("err-{field}");
        assert_eq!(
            browser.text(&error_id).await,
            EN_REQUIRED,
            "error beside {field}"
        );
        assert_invalid_and_described_by(&marked, &error_id).await;
    }

    // Following a link in the summary puts the victim in the box to fix.
    summary
        .find(Locator::Css("a[href='#f-narrative']"))
        .await
        .expect("the narrative's summary link")
        .click()
        .await
        .expect("follow the link");
    let focused = browser
        .client
        .active_element()
        .await
        .expect("the focused element");
    assert_eq!(
        focused.attr("id").await.expect("id").as_deref(),
        Some("f-narrative")
    );

    assert_eq!(
        browser.value("f-impersonated_brand").await,
        brand,
        "what the victim typed is kept"
    );
    assert_eq!(
        site.references(),
        stored_before,
        "an invalid report must not be stored"
    );
}

async fn a_victim_who_chooses_japanese_is_answered_in_japanese(browser: &Browser, site: &Site) {
    browser.visit("/report").await;
    assert_eq!(browser.lang().await, "en");
    let japanese = browser
        .client
        .find(Locator::Css("nav.lang-switcher a[hreflang='ja']"))
        .await
        .expect("the language switcher offers Japanese");
    assert_eq!(japanese.text().await.expect("link text"), "日本語");
    japanese.click().await.expect("choose Japanese");
    browser.wait_for("html[lang='ja']").await;
    assert_eq!(browser.heading().await, JA_FORM_TITLE);

    // First the victim forgets to say what happened. From here on no address carries `?lang=ja`
    // and the browser's own language is en-US: only the switcher's cookie keeps the pages Japanese.
    browser.choose("f-country", "JP").await;
    browser.click("f-contact_method-popup").await;
    browser.submit().await;
    let error = browser.wait_for("#err-narrative").await;
    assert_eq!(browser.lang().await, "ja");
    assert_eq!(error.text().await.expect("error text"), JA_REQUIRED);
    assert_invalid_and_described_by(&browser.find("f-narrative").await, "err-narrative").await;
    assert_eq!(
        browser.value("f-country").await,
        "JP",
        "the chosen country is kept"
    );
    assert!(
        browser
            .find("f-contact_method-popup")
            .await
            .is_selected()
            .await
            .expect("radio state"),
        "the chosen contact method is kept"
    );

    let narrative = "パソコンに「ウイルスに感染しました」という警告が出て、表示された番号に電話しました。\
                     相手はマイクロソフトの者だと名乗り、電子マネーを買うように言われました。";
    browser.type_into("f-narrative", narrative).await;
    browser.submit().await;

    let reference = browser
        .wait_for("#reference")
        .await
        .text()
        .await
        .expect("read the reference");
    assert!(
        is_reference(&reference),
        "{reference:?} is not a report reference"
    );
    assert_eq!(browser.lang().await, "ja");
    assert_eq!(browser.heading().await, JA_THANKS_TITLE);

    let stored = site.report(&reference);
    assert_eq!(stored["narrative"], narrative);
    assert_eq!(stored["country"], "JP");
    assert_eq!(stored["contact_method"], "popup");
    assert_eq!(stored["language"], "ja");
}

async fn an_analyst_signs_in_finds_the_reports_and_signs_out(browser: &Browser, site: &Site) {
    // The victim before chose Japanese in this browser; the analyst switches back to English.
    browser.visit("/reports?lang=en").await;
    browser.wait_for("#f-username").await;
    let url = browser.client.current_url().await.expect("current url");
    assert_eq!(
        url.path(),
        "/login",
        "signed out, the reports lead to the sign-in page"
    );
    assert_eq!(browser.heading().await, EN_SIGN_IN_TITLE);
    assert_eq!(browser.lang().await, "en");
    for (id, autocomplete) in [
        ("f-username", "username"),
        ("f-password", "current-password"),
    ] {
        let field = browser.find(id).await;
        assert_eq!(
            field
                .attr("autocomplete")
                .await
                .expect("autocomplete")
                .as_deref(),
            Some(autocomplete)
        );
        let label = browser
            .client
            .find(Locator::Css(&format!("label[for='{id}']")))
            .await
            .unwrap_or_else(|e| panic!("no label for #{id}: {e}"));
        assert!(!label.text().await.expect("label text").is_empty());
    }

    // A mistyped password: one message for both fields, the username kept, the password not.
    browser.type_into("f-username", &site.analyst.0).await;
    browser.type_into("f-password", "not my password").await;
    browser.submit().await;
    let error = browser.wait_for("#login-error").await;
    assert_eq!(error.text().await.expect("error text"), EN_SIGN_IN_FAILED);
    assert_eq!(browser.value("f-username").await, site.analyst.0);
    assert_eq!(browser.value("f-password").await, "");

    browser.type_into("f-password", &site.analyst.1).await;
    browser.submit().await;
    browser.wait_for("table.reports").await;
    let url = browser.client.current_url().await.expect("current url");
    assert_eq!(url.path(), "/reports", "back where the analyst was going");
    assert_eq!(browser.heading().await, EN_REPORTS_TITLE);
    let listed = browser
        .client
        .find(Locator::Css("table.reports"))
        .await
        .expect("the reports table")
        .text()
        .await
        .expect("table text");
    for reference in site.references() {
        assert!(listed.contains(&reference), "{reference} is not listed");
    }

    browser
        .client
        .find(Locator::Css("form.signout button[type='submit']"))
        .await
        .expect("a sign-out button")
        .click()
        .await
        .expect("sign out");
    browser.wait_for("a[href='/report']").await;
    browser.visit("/reports").await;
    browser.wait_for("#f-username").await;
    assert_eq!(
        browser
            .client
            .current_url()
            .await
            .expect("current url")
            .path(),
        "/login",
        "signed out for good"
    );
}

/// `aria-invalid="true"`, and `aria-describedby` names the error, so a screen reader says both.
async fn assert_invalid_and_described_by(element: &Element, error_id: &str) {
    let invalid = element.attr("aria-invalid").await.expect("aria-invalid");
    let described_by = element
        .attr("aria-describedby")
        .await
        .expect("aria-describedby")
        .unwrap_or_default();
    assert_eq!(
        invalid.as_deref(),
        Some("true"),
        "the field of {error_id} is not marked invalid"
    );
    assert!(
        described_by.split_whitespace().any(|id| id == error_id),
        "the field of {error_id} is described by {described_by:?}"
    );
}

/// `TSS-YYYY-XXXXX`, the code in Crockford's base 32 (no I, L, O or U).
fn is_reference(s: &str) -> bool {
    let Some((year, code)) = s.strip_prefix("TSS-").and_then(|rest| rest.split_once('-')) else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && code.len() == 5
        && code
            .bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)))
}

/// The server, and an analyst's view of what it stored.
struct Site {
    server: TestServer,
    /// For the API: the test's own look at what was stored.
    analyst_token: String,
    /// For the pages: the analyst's username and password.
    analyst: (String, String),
}

impl Site {
    fn start() -> Site {
        let server = TestServer::start(&[]);
        let analyst_token = server.token("analyst");
        let password = server.user("fraud.analyst", "analyst");
        Site {
            server,
            analyst_token,
            analyst: ("fraud.analyst".into(), password),
        }
    }

    /// The latest reports, as an analyst lists them through the API.
    fn reports(&self) -> Vec<Value> {
        let auth = format!("Bearer {}", self.analyst_token);
        let response = self
            .server
            .get("/api/v1/reports?limit=5", &[("authorization", &auth)]);
        assert_eq!(response.status, 200, "{}", response.text());
        response.json()["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Imports `reports` demo reports and waits until correlation has them; returns the largest
    /// operation with a North American phone number.
    fn load_demo_operation(&self, reports: usize) -> Operation {
        let file = self.server.dir.join("demo.jsonl");
        let out = std::process::Command::new(common::BIN)
            .args([
                "demo",
                "generate",
                "--reports",
                &reports.to_string(),
                "--seed",
                "42",
            ])
            .output()
            .expect("generate demo reports");
        assert!(out.status.success());
        std::fs::write(&file, &out.stdout).expect("write demo file");
        let imported = self.server.cli(&["import", &file.display().to_string()]);
        assert!(
            imported.status.success(),
            "{}",
            String::from_utf8_lossy(&imported.stderr)
        );
        let auth = format!("Bearer {}", self.analyst_token);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let list = self
                .server
                .get("/api/v1/clusters?limit=20", &[("authorization", &auth)])
                .json();
            let clustered: u64 = list["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["reports"].as_u64())
                .sum();
            let ready = self
                .server
                .get("/api/v1/over-linked", &[("authorization", &auth)])
                .json()["reports"]
                == json!(reports);
            if ready && clustered > 0 {
                for c in list["items"].as_array().into_iter().flatten() {
                    let id = c["id"].as_str().unwrap_or_default().to_string();
                    let detail = self
                        .server
                        .get(
                            &format!("/api/v1/clusters/{id}"),
                            &[("authorization", &auth)],
                        )
                        .json();
                    let phone = detail["indicators"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find_map(|i| {
                            let v = i["value"].as_str()?;
                            (i["kind"] == "phone"
                                && i["links"] == true
                                && v.starts_with("+1")
                                && v.len() == 12)
                                .then(|| v.to_string())
                        });
                    if let Some(phone) = phone {
                        return Operation {
                            id,
                            phone,
                            reports: c["reports"].as_u64().unwrap_or(0) as usize,
                        };
                    }
                }
                panic!("no operation with a North American number in the demo data");
            }
            assert!(
                Instant::now() < deadline,
                "correlation did not take the demo reports"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The references of an operation's reports, as the API lists them.
    fn member_references(&self, cluster: &str) -> Vec<String> {
        let auth = format!("Bearer {}", self.analyst_token);
        self.server
            .get(
                &format!("/api/v1/clusters/{cluster}?limit=500"),
                &[("authorization", &auth)],
            )
            .json()["members"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["reference"].as_str().map(String::from))
            .collect()
    }

    /// Signs in on the sign-in page the browser is showing.
    async fn sign_in(&self, browser: &Browser) {
        browser.type_into("f-username", &self.analyst.0).await;
        browser.type_into("f-password", &self.analyst.1).await;
        browser.submit().await;
    }

    fn references(&self) -> Vec<String> {
        self.reports()
            .iter()
            .filter_map(|r| r["reference"].as_str().map(String::from))
            .collect()
    }

    fn report(&self, reference: &str) -> Value {
        self.reports()
            .into_iter()
            .find(|r| r["reference"] == reference)
            .unwrap_or_else(|| panic!("report {reference} was not stored"))
    }
}

/// An operation of the demo data, as the API shows it.
struct Operation {
    id: String,
    /// A North American number it uses, in E.164.
    phone: String,
    reports: usize,
}

/// One browser session on the site, with the few gestures a victim makes.
struct Browser {
    client: Client,
    base: String,
}

impl Browser {
    async fn open(driver: &ChromeDriver, site: &Site) -> Browser {
        let client = driver.session().await;
        Browser {
            client,
            base: site.server.url(""),
        }
    }

    /// Today's date (UTC, as the server counts it), `YYYY-MM-DD`.
    async fn today(&self) -> String {
        let today = self
            .client
            .execute("return new Date().toISOString().slice(0, 10)", vec![])
            .await
            .expect("ask the date");
        today.as_str().expect("a date").to_string()
    }

    async fn visit(&self, path: &str) {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    async fn find(&self, id: &str) -> Element {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no #{id} on the page: {e}"))
    }

    async fn exists(&self, id: &str) -> bool {
        !self
            .client
            .find_all(Locator::Id(id))
            .await
            .expect("look for an element")
            .is_empty()
    }

    /// Waits for a page (after a click or a submission) that has `css`.
    async fn wait_for(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let page = self.client.source().await.unwrap_or_default();
                panic!("no {css} on {url} ({e}); the page:\n{page}");
            }
        }
    }

    async fn type_into(&self, id: &str, text: &str) {
        let field = self.find(id).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear #{id}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into #{id}: {e}"));
    }

    /// Types a `YYYY-MM-DD` day the way an en-US date field takes it (month, day, year).
    async fn type_date(&self, id: &str, day: &str) {
        let [year, month, date] = <[&str; 3]>::try_from(day.split('-').collect::<Vec<_>>())
            .unwrap_or_else(|_| panic!("{day:?} is not YYYY-MM-DD"));
        self.find(id)
            .await
            .send_keys(&format!("{month}{date}{year}"))
            .await
            .expect("type a date");
        assert_eq!(
            self.value(id).await,
            day,
            "the date field did not take {day}"
        );
    }

    async fn choose(&self, select_id: &str, value: &str) {
        self.find(select_id)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value:?} in #{select_id}: {e}"));
    }

    async fn click(&self, id: &str) {
        self.find(id)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click #{id}: {e}"));
    }

    async fn submit(&self) {
        self.click("submit").await;
    }

    async fn text(&self, id: &str) -> String {
        self.find(id).await.text().await.expect("element text")
    }

    /// A form control's current value (what the victim sees in it).
    async fn value(&self, id: &str) -> String {
        self.find(id)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    async fn heading(&self) -> String {
        self.client
            .find(Locator::Css("main h1"))
            .await
            .expect("a page heading")
            .text()
            .await
            .expect("heading text")
    }

    async fn lang(&self) -> String {
        let html = self
            .client
            .find(Locator::Css("html"))
            .await
            .expect("<html>");
        html.attr("lang").await.expect("lang").unwrap_or_default()
    }
}

/// A ChromeDriver process of our own, stopped with everything it started when dropped.
struct ChromeDriver {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl ChromeDriver {
    fn start() -> Option<ChromeDriver> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            common::skip_or_fail("Chromium/ChromeDriver");
            return None;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let log = File::create(dir.path().join("chromedriver.log")).expect("log file");
        let port = common::free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            // Its own process group, so that Drop can end the browsers it starts as well.
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start chromedriver");
        let driver = ChromeDriver { child, port, dir };
        driver.wait_ready();
        Some(driver)
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.says_ready() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("chromedriver did not become ready; log:\n{}", self.log());
    }

    /// Asks `GET /status`. ChromeDriver keeps the connection open whatever the request says, so
    /// this reads only until the answer is in rather than to the end of the stream.
    fn says_ready(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let request = format!(
            "GET /status HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            self.port
        );
        if stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .is_err()
            || stream.write_all(request.as_bytes()).is_err()
        {
            return false;
        }
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = stream.read(&mut chunk) {
            answer.extend_from_slice(&chunk[..n]);
            if answer.windows(12).any(|w| w == br#""ready":true"#) {
                return true;
            }
        }
        false
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("chromedriver.log")).unwrap_or_default()
    }

    /// Where the browser saves what it downloads.
    fn downloads(&self) -> std::path::PathBuf {
        self.dir.path().join("downloads")
    }

    /// The first file ending in `suffix` that the browser finished downloading: its name and
    /// bytes.
    async fn downloaded(&self, suffix: &str) -> (String, Vec<u8>) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let names: Vec<String> = std::fs::read_dir(self.downloads())
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            // Chromium writes to NAME.crdownload and renames it when done.
            let busy = names.iter().any(|n| n.ends_with(".crdownload"));
            if let Some(name) = names.iter().find(|n| n.ends_with(suffix)).filter(|_| !busy) {
                let bytes = std::fs::read(self.downloads().join(name)).expect("read the download");
                return (name.clone(), bytes);
            }
            assert!(
                Instant::now() < deadline,
                "nothing ending in {suffix} was downloaded: {names:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn session(&self) -> Client {
        let profile = self.dir.path().join("profile");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    // The date field's typing order (month, day, year) depends on it.
                    "--lang=en-US",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1280,1600",
                ],
                "prefs": {
                    "download.default_directory": self.downloads().display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("capabilities are a JSON object")
        };
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        builder
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "start a Chromium session: {e}; chromedriver log:\n{}",
                    self.log()
                )
            })
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The group is chromedriver's own PID: it and the Chromium it started, nothing else.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
