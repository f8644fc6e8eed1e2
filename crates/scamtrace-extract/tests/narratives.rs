//! Extraction from whole reports and from victims' narratives in the five intake languages, and
//! its robustness: any input, no panic, spans inside the text.

use proptest::prelude::*;
use scamtrace_extract::{Extractor, IndicatorKind, Origin, ReportText};
use scamtrace_model::{Payment, PaymentMethod, RemoteAccess, Scammer};

fn extractor() -> Extractor {
    Extractor::new([9; 32])
}

fn found(text: &str, region: &str) -> Vec<(IndicatorKind, String)> {
    extractor()
        .extract_text(text, region, Origin::Text)
        .into_iter()
        .map(|i| (i.kind, i.value))
        .collect()
}

fn has(found: &[(IndicatorKind, String)], kind: IndicatorKind, value: &str) -> bool {
    found.iter().any(|(k, v)| *k == kind && v == value)
}

#[test]
fn the_issue_example_yields_number_tool_card_and_brand() {
    let text = "He said he was from Microsoft, told me to call 1-8OO-555-0142 and install AnyDesk (ID 123 456 789), \
                then I paid $500 in Google Play cards";
    let f = found(text, "US");
    assert!(has(&f, IndicatorKind::Phone, "+18005550142"), "{f:?}");
    assert!(
        has(&f, IndicatorKind::RemoteAccess, "anydesk:123456789"),
        "{f:?}"
    );
    assert!(has(&f, IndicatorKind::GiftCard, "google_play"), "{f:?}");
    assert!(has(&f, IndicatorKind::Brand, "microsoft"), "{f:?}");
    assert_eq!(
        f.iter().filter(|(k, _)| *k == IndicatorKind::Phone).count(),
        1,
        "the AnyDesk id is not a phone number: {f:?}"
    );
}

#[test]
fn german_narrative() {
    let text = "Ein angeblicher Microsoft-Mitarbeiter rief an. Ich sollte die Nummer 0800 1234567 zurückrufen \
                und TeamViewer installieren, ID 987 654 321. Bestellung Nr. 1234567890 vom 02.11.2026 um 10:30. \
                Überweisung auf IBAN DE89 3704 0044 0532 0130 00, Seite: windows-hilfe-sofort[.]de";
    let f = found(text, "DE");
    assert!(has(&f, IndicatorKind::Phone, "+498001234567"), "{f:?}");
    assert!(has(&f, IndicatorKind::RemoteAccess, "teamviewer:987654321"));
    assert!(has(
        &f,
        IndicatorKind::BankAccount,
        "iban:DE89370400440532013000"
    ));
    assert!(has(&f, IndicatorKind::Domain, "windows-hilfe-sofort.de"));
    assert_eq!(
        f.iter().filter(|(k, _)| *k == IndicatorKind::Phone).count(),
        1,
        "order number and date are not phones: {f:?}"
    );
}

#[test]
fn spanish_narrative() {
    let text = "Me llamaron de \"soporte técnico de Microsoft\". Me pidieron llamar al 900 123 456 y entrar en \
                hxxps://soporte-windows-ayuda[.]es/caso. Pagué 300 € en tarjetas Steam. Número de pedido 4455667788.";
    let f = found(text, "ES");
    assert!(has(&f, IndicatorKind::Phone, "+34900123456"), "{f:?}");
    assert!(has(
        &f,
        IndicatorKind::Url,
        "https://soporte-windows-ayuda.es/caso"
    ));
    assert!(has(&f, IndicatorKind::GiftCard, "steam"));
    assert_eq!(
        f.iter().filter(|(k, _)| *k == IndicatorKind::Phone).count(),
        1,
        "{f:?}"
    );
}

#[test]
fn french_narrative() {
    let text = "Un message d'alerte m'a dit d'appeler le 01 23 45 67 89 (support Microsoft). Le technicien a pris \
                la main avec AnyDesk 456 789 123, puis m'a demandé des coupons PCS. Dossier n° 2024-64-2424. \
                Écrire à assistance[at]depannage-pc-rapide.fr";
    let f = found(text, "FR");
    assert!(has(&f, IndicatorKind::Phone, "+33123456789"), "{f:?}");
    assert!(has(&f, IndicatorKind::RemoteAccess, "anydesk:456789123"));
    assert!(has(
        &f,
        IndicatorKind::Email,
        "assistance@depannage-pc-rapide.fr"
    ));
    assert!(has(&f, IndicatorKind::GiftCard, "pcs"));
    assert_eq!(
        f.iter().filter(|(k, _)| *k == IndicatorKind::Phone).count(),
        1,
        "{f:?}"
    );
}

#[test]
fn japanese_narrative() {
    let text = "パソコンに警告が出て、０１２０－１２３－４５６に電話しました。マイクロソフトの担当者を名乗る人に\
                エニーデスクのIDは123 456 789と伝えました。注文番号：0312345678。Amazonギフト券5万円分を買いました。";
    let f = found(text, "JP");
    assert!(has(&f, IndicatorKind::Phone, "+81120123456"), "{f:?}");
    assert!(has(&f, IndicatorKind::RemoteAccess, "anydesk:123456789"));
    assert!(has(&f, IndicatorKind::Brand, "microsoft"));
    assert!(has(&f, IndicatorKind::GiftCard, "amazon"));
    assert_eq!(
        f.iter().filter(|(k, _)| *k == IndicatorKind::Phone).count(),
        1,
        "the order number is not a phone: {f:?}"
    );
}

#[test]
fn legitimate_values_are_kept_and_marked_benign() {
    let items = extractor().extract_text(
        "The caller said Microsoft's real number is 1-800-642-7676 and to check support.microsoft.com, then sent me to ms-refund-desk.com",
        "US",
        Origin::Text,
    );
    let by_value = |v: &str| {
        items
            .iter()
            .find(|i| i.value == v)
            .unwrap_or_else(|| panic!("{v} missing: {items:?}"))
    };
    assert!(by_value("+18006427676").benign && !by_value("+18006427676").linking);
    assert!(by_value("support.microsoft.com").benign);
    assert!(!by_value("ms-refund-desk.com").benign && by_value("ms-refund-desk.com").linking);
}

#[test]
fn a_whole_report_reads_fields_then_narrative() {
    let scammer = Scammer {
        phone_numbers: vec!["(888) 555-0142".into(), "1-800-FIX-MYPC".into()],
        websites: vec!["secure-refund-center[.]com".into()],
        emails: vec!["help@secure-refund-center.com".into()],
        names: vec!["Steve".into()],
    };
    let remote = RemoteAccess {
        tool: Some("Any Desk".into()),
        id: Some("123-456-789".into()),
    };
    let payment = Payment {
        method: PaymentMethod::GiftCard,
        amount: None,
        currency: None,
        details: Some("4 Apple gift cards".into()),
    };
    let report = ReportText {
        country: "US",
        impersonated_brand: Some("Geek Squad renewal"),
        scammer: &scammer,
        remote_access: Some(&remote),
        payment: Some(&payment),
        narrative: "They called again from 888.555.0142 and a new number +1 855 555 0199.",
    };
    let items = extractor().extract_report(&report);
    let summary: Vec<(String, &str, String)> = items
        .iter()
        .map(|i| (i.origin.label(), i.kind.as_str(), i.value.clone()))
        .collect();
    let expect = [
        ("scammer.phone_numbers[0]", "phone", "+18885550142"),
        ("scammer.phone_numbers[1]", "phone", "+18003496972"),
        ("scammer.websites[0]", "domain", "secure-refund-center.com"),
        (
            "scammer.emails[0]",
            "email",
            "help@secure-refund-center.com",
        ),
        ("remote_access.id", "remote_access", "anydesk:123456789"),
        ("payment.details", "gift_card", "apple"),
        ("impersonated_brand", "brand", "geek_squad"),
        ("narrative", "phone", "+18555550199"),
    ];
    for (origin, kind, value) in expect {
        assert!(
            summary
                .iter()
                .any(|(o, k, v)| o == origin && *k == kind && v == value),
            "{origin} {kind} {value} missing: {summary:?}"
        );
    }
    let repeats = summary
        .iter()
        .filter(|(_, _, v)| v == "+18885550142")
        .count();
    assert_eq!(
        repeats, 1,
        "the number in the field and again in the narrative is one indicator"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_text_extracts_without_panic_and_spans_stay_inside(text in "\\PC{0,400}", region in "[A-Z]{2}") {
        for i in extractor().extract_text(&text, &region, Origin::Text) {
            prop_assert!(i.span.0 <= i.span.1 && i.span.1 <= text.len(), "{:?} in {} bytes", i.span, text.len());
            prop_assert!(text.is_char_boundary(i.span.0) && text.is_char_boundary(i.span.1));
            prop_assert!(!i.value.is_empty());
        }
    }

    #[test]
    fn indicator_shaped_noise_never_panics(text in "[0-9a-zA-Z .:/@\\[\\]()\\-+#$％０-９ー]{0,600}") {
        let _ = extractor().extract_text(&text, "JP", Origin::Narrative);
        let _ = extractor().extract_text(&text, "US", Origin::Narrative);
    }
}

#[test]
fn pathological_input_is_handled() {
    // Linear behaviour is measured by the benchmark (benches/extract.rs); here, only correctness.
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(["1", ".", "(", ")", "[", "]", "8", " "][i % 8]);
    }
    let _ = extractor().extract_text(&text, "US", Origin::Text);
    let dots = ".".repeat(100_000);
    assert!(
        extractor()
            .extract_text(&dots, "US", Origin::Text)
            .is_empty()
    );
}
