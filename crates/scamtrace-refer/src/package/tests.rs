//! Building, verifying and tampering with referral packages. Each tamper test rewrites a real
//! package the way an attacker (or a damaged transfer) would and checks that verification
//! reports exactly the expected problems, with the messages a person will read.

use std::io::{Cursor, Write as _};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest as _, Sha256};
use time::macros::datetime;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::canonical::canonical;
use super::verify::{Limits, ReadFailure, read_files_with, read_limited, verify_with};
use super::*;

// ---------------------------------------------------------------------------------------------
// Fixtures and helpers

fn key() -> SigningKey {
    SigningKey::from_seed([7; 32])
}

fn other_key() -> SigningKey {
    SigningKey::from_seed([8; 32])
}

fn info() -> ManifestInfo {
    ManifestInfo {
        case_id: "0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(),
        case_reference: "CASE-2026-7KQ4M".into(),
        recipient: "Metropolitan Police Cyber Crime Unit".into(),
        // Not UTC and with a fraction: written as UTC, whole seconds.
        exported_at: datetime!(2026-03-01 12:34:56.789 +02:00),
        exported_by: "analyst.lee".into(),
        instance: "ScamTrace Example".into(),
        personal_data: true,
    }
}

fn files() -> Vec<PackageFile> {
    vec![
        PackageFile::new(
            "summary.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n\x00\x01\xfe\xff%%EOF\n"
                .to_vec(),
        ),
        PackageFile::new(
            "indicators.csv",
            "kind,value,reports\nphone,+18005550100,12\ndomain,fix-your-pc.example,9\n",
        ),
        PackageFile::new(
            "victims.csv",
            "reference,name,email,phone\nTSS-2026-7KQ4M,Jane Doe,jane@example.org,+441632960001\n",
        ),
        PackageFile::new(
            "bundle.json",
            r#"{"type":"bundle","id":"bundle--5f0c","objects":[]}"#,
        ),
        PackageFile::new(
            "abuse-notices/fix-your-pc.example.txt",
            "To the abuse desk of Example Registrar: fix-your-pc.example impersonates ...\n",
        ),
        PackageFile::new(
            "abuse-notices/+18005550100.txt",
            "To the carrier: +1 800 555 0100 is used by a tech-support scam ...\n",
        ),
    ]
}

fn package() -> Vec<u8> {
    build(files(), &info(), &key()).expect("the package builds")
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A zip of `entries` in the given order, deflated, as any zip tool would write it.
fn write_zip(entries: &[PackageFile]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for entry in entries {
        zip.start_file(entry.path.as_str(), options).expect("start");
        zip.write_all(&entry.bytes).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

/// `zip` unpacked, edited and packed again.
fn rewrite(zip: &[u8], edit: impl FnOnce(&mut Vec<PackageFile>)) -> Vec<u8> {
    let mut entries = read_files(zip).expect("the original package reads");
    edit(&mut entries);
    write_zip(&entries)
}

fn entry_mut<'a>(entries: &'a mut [PackageFile], path: &str) -> &'a mut PackageFile {
    entries
        .iter_mut()
        .find(|e| e.path == path)
        .unwrap_or_else(|| panic!("{path} is in the package"))
}

fn manifest_value(zip: &[u8]) -> serde_json::Value {
    let entries = read_files(zip).expect("reads");
    let manifest = entries
        .iter()
        .find(|e| e.path == MANIFEST_PATH)
        .expect("has a manifest");
    serde_json::from_slice(&manifest.bytes).expect("manifest is JSON")
}

/// `zip` with its manifest edited as JSON (and written back pretty-printed), files untouched.
fn edit_manifest(zip: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut manifest = manifest_value(zip);
    edit(&mut manifest);
    let text = serde_json::to_string_pretty(&manifest).expect("serializes");
    rewrite(zip, |entries| {
        entry_mut(entries, MANIFEST_PATH).bytes = text.into_bytes();
    })
}

/// Every place `from` occurs in `zip` replaced by `to` (same length); `count` places expected.
fn patch_bytes(zip: &mut [u8], from: &[u8], to: &[u8], count: usize) {
    assert_eq!(from.len(), to.len());
    let places: Vec<usize> = (0..=zip.len() - from.len())
        .filter(|&i| &zip[i..i + from.len()] == from)
        .collect();
    assert_eq!(places.len(), count, "occurrences of {from:?}");
    for i in places {
        zip[i..i + to.len()].copy_from_slice(to);
    }
}

fn problems(zip: &[u8], trusted: Option<&PublicKey>) -> Vec<Problem> {
    verify(zip, trusted).problems
}

/// The problems, checked to be the same with and without the trusted key.
fn problems_either_way(zip: &[u8]) -> Vec<Problem> {
    let trusted = key().public();
    let with = problems(zip, Some(&trusted));
    assert_eq!(with, problems(zip, None), "the trusted key changes nothing");
    with
}

fn key_id() -> String {
    key().public().key_id()
}

// ---------------------------------------------------------------------------------------------
// Round trip, determinism, the document

#[test]
fn a_package_verifies_against_the_trusted_key() {
    let zip = package();
    let trusted = key().public();
    let v = verify(&zip, Some(&trusted));
    assert_eq!(v.problems, vec![]);
    assert!(v.is_valid());
    assert!(v.trusted_key);
    assert_eq!(v.key, Some(trusted));

    let manifest = v.manifest.expect("manifest");
    assert_eq!(manifest.format, FORMAT);
    assert_eq!(manifest.case_reference, "CASE-2026-7KQ4M");
    assert_eq!(manifest.recipient, "Metropolitan Police Cyber Crime Unit");
    assert!(manifest.personal_data);
    assert_eq!(manifest.exported_at, "2026-03-01T10:34:56Z");
    assert_eq!(manifest.signature.key_id, trusted.key_id());
    let mut expected: Vec<ManifestFile> = files()
        .iter()
        .map(|f| ManifestFile {
            path: f.path.clone(),
            sha256: sha(&f.bytes),
            size: f.bytes.len() as u64,
        })
        .collect();
    expected.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(manifest.files, expected);
}

#[test]
fn a_package_verifies_without_a_trusted_key_as_integrity_only() {
    let v = verify(&package(), None);
    assert!(v.is_valid());
    assert!(
        !v.trusted_key,
        "no trusted key, so no claim about who signed"
    );
    assert_eq!(v.key.map(|k| k.key_id()), Some(key_id()));
}

#[test]
fn read_files_returns_every_entry_sorted_with_the_manifest_last() {
    let entries = read_files(&package()).expect("reads");
    let mut expected = files();
    expected.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(entries[..entries.len() - 1], expected[..]);
    assert_eq!(entries.last().map(|e| e.path.as_str()), Some(MANIFEST_PATH));
}

#[test]
fn building_is_deterministic() {
    let zip = package();
    assert_eq!(zip, package());
    let mut shuffled = files();
    shuffled.reverse();
    assert_eq!(zip, build(shuffled, &info(), &key()).expect("builds"));
    // The same instant in another offset, or another fraction of the second, is the same.
    let mut same_instant = info();
    same_instant.exported_at = datetime!(2026-03-01 10:34:56.1 UTC);
    assert_eq!(zip, build(files(), &same_instant, &key()).expect("builds"));

    let mut later = info();
    later.exported_at = datetime!(2026-03-01 10:34:58 UTC);
    assert_ne!(zip, build(files(), &later, &key()).expect("builds"));
}

#[test]
fn zip_entries_are_deflated_sorted_and_stamped_with_the_export_time() {
    let zip = package();
    let mut archive = ZipArchive::new(Cursor::new(&zip[..])).expect("opens");
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let file = archive.by_index(i).expect("entry");
        names.push(file.name().expect("name").to_string());
        assert_eq!(file.compression(), CompressionMethod::Deflated);
        let stamp = file.last_modified().expect("timestamp");
        assert_eq!(
            (
                stamp.year(),
                stamp.month(),
                stamp.day(),
                stamp.hour(),
                stamp.minute(),
                stamp.second()
            ),
            (2026, 3, 1, 10, 34, 56)
        );
    }
    let mut expected: Vec<String> = files().into_iter().map(|f| f.path).collect();
    expected.sort();
    expected.push(MANIFEST_PATH.to_string());
    assert_eq!(names, expected);
    // Nothing tools would flag: local and central headers agree, no duplicates.
    archive
        .validate_header_consistency()
        .expect("consistent headers");
}

#[test]
fn an_export_time_outside_zips_range_still_builds_and_verifies() {
    let mut old = info();
    old.exported_at = datetime!(1970-01-01 0:00 UTC);
    let zip = build(files(), &old, &key()).expect("builds");
    let v = verify(&zip, Some(&key().public()));
    assert!(v.is_valid());
    assert_eq!(
        v.manifest.map(|m| m.exported_at),
        Some("1970-01-01T00:00:00Z".into())
    );
}

#[test]
fn an_empty_file_is_listed_and_verifies() {
    let zip = build(vec![PackageFile::new("victims.csv", "")], &info(), &key()).expect("builds");
    let v = verify(&zip, Some(&key().public()));
    assert!(v.is_valid(), "{:?}", v.problems);
    assert_eq!(
        v.manifest.map(|m| m.files),
        Some(vec![ManifestFile {
            path: "victims.csv".into(),
            sha256: sha(b""),
            size: 0
        }])
    );
}

#[test]
fn an_empty_package_holds_only_its_manifest_and_verifies() {
    let zip = build(vec![], &info(), &key()).expect("builds");
    let v = verify(&zip, Some(&key().public()));
    assert!(v.is_valid());
    assert_eq!(v.manifest.map(|m| m.files), Some(vec![]));
}

#[test]
fn the_manifest_is_pretty_printed_in_a_readable_order() {
    let entries = read_files(&package()).expect("reads");
    let text = String::from_utf8(entries.last().expect("manifest").bytes.clone()).expect("UTF-8");
    assert!(text.starts_with("{\n  \"format\": \"scamtrace-referral-package/1\",\n  \"case_id\""));
    assert!(text.ends_with("}\n"));
    let order = [
        "\"format\"",
        "\"case_id\"",
        "\"case_reference\"",
        "\"recipient\"",
        "\"personal_data\"",
        "\"exported_at\"",
        "\"exported_by\"",
        "\"instance\"",
        "\"files\"",
        "\"signature\"",
        "\"algorithm\"",
        "\"key_id\"",
        "\"public_key\"",
        "\"value\"",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|k| {
            text.find(k)
                .unwrap_or_else(|| panic!("{k} is in the manifest"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

/// The exact bytes the signature covers, written out by hand for a one-file package, so that an
/// independent verifier can be checked against this one.
#[test]
fn the_signature_covers_the_rfc_8785_form_without_the_signature_value() {
    let info = ManifestInfo {
        case_id: "c1".into(),
        case_reference: "CASE-2026-AAAAA".into(),
        recipient: "Agency \"A\"\n".into(),
        exported_at: datetime!(2026-01-02 03:04:05 UTC),
        exported_by: "élodie".into(),
        instance: "I".into(),
        personal_data: false,
    };
    let zip = build(vec![PackageFile::new("a.txt", "hi")], &info, &key()).expect("builds");
    let manifest = verify(&zip, None).manifest.expect("manifest");
    let public = key().public();
    let expected = format!(
        concat!(
            r#"{{"case_id":"c1","case_reference":"CASE-2026-AAAAA","exported_at":"2026-01-02T03:04:05Z","#,
            r#""exported_by":"élodie","files":[{{"path":"a.txt","sha256":"{}","size":2}}],"#,
            r#""format":"scamtrace-referral-package/1","instance":"I","personal_data":false,"#,
            r#""recipient":"Agency \"A\"\n","signature":{{"algorithm":"Ed25519","key_id":"{}","public_key":"{}"}}}}"#
        ),
        sha(b"hi"),
        public.key_id(),
        public.to_base64(),
    );
    let signed = manifest.signed_bytes().expect("canonical");
    assert_eq!(String::from_utf8(signed.clone()).expect("UTF-8"), expected);

    let value: [u8; 64] = BASE64
        .decode(&manifest.signature.value)
        .expect("base64")
        .try_into()
        .expect("64 bytes");
    let dalek = ed25519_dalek::VerifyingKey::from_bytes(&public.to_bytes()).expect("key");
    dalek
        .verify_strict(
            expected.as_bytes(),
            &ed25519_dalek::Signature::from_bytes(&value),
        )
        .expect("an independent Ed25519 verifier accepts it");
}

#[test]
fn canonical_form_sorts_keys_by_utf16_and_escapes_as_serde_json() {
    let value = serde_json::json!({
        "b": 1, "a": [true, false, null, -3], "\u{e000}": "x", "\u{1f600}": "y", "A": {"z": 0, "y": ""}
    });
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+E000 in UTF-16.
    assert_eq!(
        canonical(&value).expect("canonical"),
        "{\"A\":{\"y\":\"\",\"z\":0},\"a\":[true,false,null,-3],\"b\":1,\"\u{1f600}\":\"y\",\"\u{e000}\":\"x\"}"
    );
    for s in [
        "plain",
        "quote \" backslash \\ slash /",
        "\u{0}\u{1}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f} \u{7f} \u{80} \u{2028} é 😀",
        "</script>",
    ] {
        assert_eq!(
            canonical(&serde_json::json!(s)).expect("canonical"),
            serde_json::to_string(s).expect("serializes"),
            "escaping of {s:?}"
        );
    }
    assert_eq!(
        canonical(&serde_json::json!("\u{1}\n")).expect("canonical"),
        r#""\u0001\n""#
    );
    assert!(canonical(&serde_json::json!(1.5)).is_err());
    assert!(canonical(&serde_json::json!(1u64 << 53)).is_err());
    assert_eq!(
        canonical(&serde_json::json!((1u64 << 53) - 1)).expect("canonical"),
        "9007199254740991"
    );
}

// ---------------------------------------------------------------------------------------------
// Tampering with files

#[test]
fn one_changed_byte_in_any_file_is_a_hash_mismatch_for_that_file_only() {
    let zip = package();
    for original in files() {
        let len = original.bytes.len();
        for at in [0, len / 2, len - 1] {
            let mut altered = original.bytes.clone();
            altered[at] ^= 0x20;
            let tampered = rewrite(&zip, |entries| {
                entry_mut(entries, &original.path).bytes = altered.clone();
            });
            assert_eq!(
                problems_either_way(&tampered),
                vec![Problem::HashMismatch {
                    path: original.path.clone(),
                    expected: sha(&original.bytes),
                    actual: sha(&altered),
                }],
                "{} altered at byte {at}",
                original.path
            );
        }
    }
}

/// `trusted_key` speaks for the manifest only: a genuine manifest with an altered file beside it
/// is signed by the trusted key, yet the package is not valid.
#[test]
fn an_altered_file_leaves_the_manifest_trusted_but_the_package_invalid() {
    let tampered = rewrite(&package(), |entries| {
        entry_mut(entries, "victims.csv").bytes[0] ^= 1;
    });
    let v = verify(&tampered, Some(&key().public()));
    assert!(v.trusted_key);
    assert!(!v.is_valid());
}

#[test]
fn a_hash_mismatch_says_which_file_and_both_hashes() {
    let zip = package();
    let tampered = rewrite(&zip, |entries| {
        entry_mut(entries, "indicators.csv").bytes[20] = b'9';
    });
    let problems = problems(&tampered, Some(&key().public()));
    let [
        Problem::HashMismatch {
            expected, actual, ..
        },
    ] = &problems[..]
    else {
        panic!("one hash mismatch: {problems:?}");
    };
    assert_eq!(
        problems[0].to_string(),
        format!(
            "indicators.csv was altered: its SHA-256 is {actual} but the manifest says {expected}"
        )
    );
}

/// Every byte of the manifest is covered: flipping any one of them makes the package invalid,
/// whether it breaks the JSON, a field, a hash, a size, the key or the signature.
#[test]
fn one_changed_byte_anywhere_in_the_manifest_invalidates_the_package() {
    let zip = package();
    let entries = read_files(&zip).expect("reads");
    let manifest = entries.last().expect("manifest").bytes.clone();
    let trusted = key().public();
    for (at, byte) in manifest.iter().enumerate() {
        let mut altered = entries.clone();
        if let Some(last) = altered.last_mut() {
            last.bytes[at] = byte ^ 0x01;
        }
        let v = verify(&write_zip(&altered), Some(&trusted));
        assert!(
            !v.is_valid() && !v.trusted_key,
            "byte {at} ({:?}) of the manifest changed, yet it verifies",
            *byte as char
        );
    }
}

#[test]
fn a_longer_file_is_a_size_mismatch() {
    let zip = package();
    let tampered = rewrite(&zip, |entries| {
        entry_mut(entries, "bundle.json").bytes.push(b' ');
    });
    let size = files()[3].bytes.len() as u64;
    let problems = problems_either_way(&tampered);
    assert_eq!(
        problems,
        vec![Problem::SizeMismatch {
            path: "bundle.json".into(),
            expected: size,
            actual: size + 1,
        }]
    );
    assert_eq!(
        problems[0].to_string(),
        format!(
            "bundle.json was altered: it is {} bytes long but the manifest says {size}",
            size + 1
        )
    );
}

#[test]
fn a_removed_file_is_missing() {
    let tampered = rewrite(&package(), |entries| {
        entries.retain(|e| e.path != "victims.csv");
    });
    let problems = problems_either_way(&tampered);
    assert_eq!(
        problems,
        vec![Problem::FileMissing {
            path: "victims.csv".into()
        }]
    );
    assert_eq!(
        problems[0].to_string(),
        "victims.csv is listed in the manifest but missing from the package"
    );
}

#[test]
fn an_added_file_is_reported() {
    let tampered = rewrite(&package(), |entries| {
        entries.push(PackageFile::new("notes.txt", "the suspect is innocent"));
        entries.push(PackageFile::new("abuse-notices/extra.txt", "x"));
    });
    let problems = problems_either_way(&tampered);
    assert_eq!(
        problems,
        vec![
            Problem::FileAdded {
                path: "abuse-notices/extra.txt".into()
            },
            Problem::FileAdded {
                path: "notes.txt".into()
            },
        ]
    );
    assert_eq!(
        problems[1].to_string(),
        "notes.txt is in the package but not in the manifest"
    );
}

#[test]
fn several_tamperings_are_all_reported() {
    let tampered = rewrite(&package(), |entries| {
        entries.retain(|e| e.path != "victims.csv");
        entry_mut(entries, "summary.pdf").bytes[3] ^= 1;
        entries.push(PackageFile::new("notes.txt", "x"));
    });
    let kinds: Vec<String> = problems_either_way(&tampered)
        .iter()
        .map(|p| {
            format!("{p:?}")
                .split([' ', '{', '('])
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(kinds, ["HashMismatch", "FileMissing", "FileAdded"]);
}

// ---------------------------------------------------------------------------------------------
// Tampering with the manifest and its signature

#[test]
fn a_changed_recipient_breaks_the_signature() {
    let tampered = edit_manifest(&package(), |m| {
        m["recipient"] = "Somebody Else".into();
    });
    let v = verify(&tampered, Some(&key().public()));
    assert_eq!(v.problems, vec![Problem::BadSignature { key_id: key_id() }]);
    assert!(!v.trusted_key);
    assert_eq!(
        v.problems[0].to_string(),
        format!(
            "the manifest's signature does not verify with key {}: the manifest was altered after signing, or the signature was forged",
            key_id()
        )
    );
    assert_eq!(problems(&tampered, None), v.problems);
}

#[test]
fn a_hash_edited_to_match_an_altered_file_breaks_the_signature() {
    let zip = package();
    let mut altered = files()[2].bytes.clone();
    altered[30] ^= 0x20;
    let new_hash = sha(&altered);
    let tampered = rewrite(
        &edit_manifest(&zip, |m| {
            let files = m["files"].as_array_mut().expect("files");
            let victims = files
                .iter_mut()
                .find(|f| f["path"] == "victims.csv")
                .expect("listed");
            victims["sha256"] = new_hash.clone().into();
        }),
        |entries| {
            entry_mut(entries, "victims.csv").bytes = altered.clone();
        },
    );
    assert_eq!(
        problems_either_way(&tampered),
        vec![Problem::BadSignature { key_id: key_id() }],
        "the file matches the edited manifest, but the manifest no longer matches its signature"
    );
}

#[test]
fn a_random_signature_is_bad() {
    let mut forged = Sha256::digest(b"forged one").to_vec();
    forged.extend(Sha256::digest(b"forged two"));
    let tampered = edit_manifest(&package(), |m| {
        m["signature"]["value"] = BASE64.encode(&forged).into();
    });
    assert_eq!(
        problems_either_way(&tampered),
        vec![Problem::BadSignature { key_id: key_id() }]
    );
}

/// Somebody who alters a package can sign it again with their own key and put that key in the
/// manifest. Against the trusted key this is an untrusted key (and nothing else: the signature
/// itself is sound). Without a trusted key it passes, as it must: verification without one can
/// only say the package is intact relative to the key it names, which is why `trusted_key` is
/// false and the caller must compare key ids with the instance's published key.
#[test]
fn a_package_re_signed_with_another_key_is_caught_only_by_the_trusted_key() {
    let attacker = other_key();
    let tampered = edit_manifest(&package(), |m| {
        m["recipient"] = "Somebody Else".into();
        m["signature"]["key_id"] = attacker.public().key_id().into();
        m["signature"]["public_key"] = attacker.public().to_base64().into();
        let manifest: Manifest = serde_json::from_value(m.clone()).expect("manifest");
        let signed = manifest.signed_bytes().expect("canonical");
        m["signature"]["value"] = BASE64.encode(attacker.sign(&signed)).into();
    });

    let trusted = key().public();
    let v = verify(&tampered, Some(&trusted));
    assert_eq!(
        v.problems,
        vec![Problem::UntrustedKey {
            found: attacker.public().key_id(),
            expected: trusted.key_id(),
        }]
    );
    assert!(!v.is_valid());
    assert!(!v.trusted_key);
    assert_eq!(v.key, Some(attacker.public()));

    let v = verify(&tampered, None);
    assert!(v.is_valid(), "intact relative to the key it names");
    assert!(!v.trusted_key);
    assert_eq!(v.key, Some(attacker.public()));
}

#[test]
fn a_swapped_public_key_without_a_new_signature_is_bad_and_untrusted() {
    let attacker = other_key().public();
    let tampered = edit_manifest(&package(), |m| {
        m["signature"]["key_id"] = attacker.key_id().into();
        m["signature"]["public_key"] = attacker.to_base64().into();
    });
    assert_eq!(
        problems(&tampered, Some(&key().public())),
        vec![
            Problem::BadSignature {
                key_id: attacker.key_id()
            },
            Problem::UntrustedKey {
                found: attacker.key_id(),
                expected: key_id(),
            },
        ]
    );
    assert_eq!(
        problems(&tampered, None),
        vec![Problem::BadSignature {
            key_id: attacker.key_id()
        }]
    );
}

#[test]
fn a_key_id_that_does_not_match_the_key_is_reported() {
    let tampered = edit_manifest(&package(), |m| {
        m["signature"]["key_id"] = "0000000000000000".into();
    });
    assert_eq!(
        problems_either_way(&tampered),
        vec![
            Problem::ManifestUnreadable(format!(
                "signature.key_id is \"0000000000000000\", but the id of signature.public_key is {}",
                key_id()
            )),
            Problem::BadSignature { key_id: key_id() },
        ]
    );
}

#[test]
fn the_wrong_trusted_key_is_an_untrusted_key() {
    let wrong = other_key().public();
    let v = verify(&package(), Some(&wrong));
    assert_eq!(
        v.problems,
        vec![Problem::UntrustedKey {
            found: key_id(),
            expected: wrong.key_id(),
        }]
    );
    assert!(!v.trusted_key);
    assert_eq!(
        v.problems[0].to_string(),
        format!(
            "the package was signed with key {}, not the trusted key {}",
            key_id(),
            wrong.key_id()
        )
    );
}

#[test]
fn a_missing_manifest_is_reported() {
    let tampered = rewrite(&package(), |entries| {
        entries.retain(|e| e.path != MANIFEST_PATH);
    });
    let v = verify(&tampered, Some(&key().public()));
    assert_eq!(v.problems, vec![Problem::ManifestMissing]);
    assert_eq!(v.manifest, None);
    assert!(!v.is_valid() && !v.trusted_key);
}

#[test]
fn an_unreadable_manifest_says_why() {
    let zip = package();
    let with_manifest = |text: &str| {
        rewrite(&zip, |entries| {
            entry_mut(entries, MANIFEST_PATH).bytes = text.as_bytes().to_vec();
        })
    };
    let only_unreadable = |zip: &[u8]| -> String {
        match &problems(zip, Some(&key().public()))[..] {
            [Problem::ManifestUnreadable(reason)] => reason.clone(),
            other => panic!("expected one ManifestUnreadable, got {other:?}"),
        }
    };
    assert!(only_unreadable(&with_manifest("{")).contains("EOF"));
    assert!(only_unreadable(&with_manifest("not json")).contains("expected"));

    let mut value = manifest_value(&zip);
    value.as_object_mut().expect("object").remove("recipient");
    let reason = only_unreadable(&with_manifest(&value.to_string()));
    assert!(reason.contains("missing field `recipient`"), "{reason}");

    let added = edit_manifest(&zip, |m| {
        m["comment"] = "unsigned?".into();
    });
    let reason = only_unreadable(&added);
    assert!(reason.contains("unknown field `comment`"), "{reason}");

    // Duplicate keys: a reader might show one recipient and verify another.
    let text = String::from_utf8(
        read_files(&zip)
            .expect("reads")
            .last()
            .expect("manifest")
            .bytes
            .clone(),
    )
    .expect("UTF-8")
    .replacen(
        "\"recipient\"",
        "\"recipient\": \"Other\",\n  \"recipient\"",
        1,
    );
    let reason = only_unreadable(&with_manifest(&text));
    assert!(reason.contains("duplicate field `recipient`"), "{reason}");

    let problem = Problem::ManifestUnreadable(reason.clone());
    assert_eq!(
        problem.to_string(),
        format!("manifest.json is not a valid referral manifest: {reason}")
    );
}

#[test]
fn a_wrong_format_is_reported_even_when_signed() {
    // The key's owner signed a manifest of another format: readable, but not this format.
    let zip = package();
    let signer = key();
    let tampered = edit_manifest(&zip, |m| {
        m["format"] = "scamtrace-referral-package/2".into();
        let manifest: Manifest = serde_json::from_value(m.clone()).expect("manifest");
        m["signature"]["value"] = BASE64
            .encode(signer.sign(&manifest.signed_bytes().expect("canonical")))
            .into();
    });
    assert_eq!(
        problems_either_way(&tampered),
        vec![Problem::ManifestUnreadable(
            "its format is \"scamtrace-referral-package/2\", not \"scamtrace-referral-package/1\""
                .into()
        )]
    );
}

#[test]
fn a_manifest_listing_unsafe_or_malformed_entries_is_unreadable() {
    // Signed by the key's owner, so only the content is wrong.
    let signer = key();
    let resign = |m: &mut serde_json::Value| {
        let manifest: Manifest = serde_json::from_value(m.clone()).expect("manifest");
        m["signature"]["value"] = BASE64
            .encode(signer.sign(&manifest.signed_bytes().expect("canonical")))
            .into();
    };
    let tampered = edit_manifest(&package(), |m| {
        let files = m["files"].as_array_mut().expect("files");
        files.push(serde_json::json!({"path": "../evil", "sha256": sha(b""), "size": 0}));
        files.push(serde_json::json!({"path": "manifest.json", "sha256": sha(b""), "size": 0}));
        files[0]["sha256"] = "ABC".into();
        resign(m);
    });
    let first = files().into_iter().map(|f| f.path).min().expect("files");
    assert_eq!(
        problems_either_way(&tampered),
        vec![
            Problem::ManifestUnreadable(format!(
                "the SHA-256 of {first} is \"ABC\", not 64 lowercase hex characters"
            )),
            Problem::ManifestUnreadable(
                "it lists the unsafe path \"../evil\" (the path contains a .. component)".into()
            ),
            Problem::ManifestUnreadable("it lists manifest.json itself".into()),
        ]
    );
}

#[test]
fn a_signature_value_that_is_not_base64_is_unreadable() {
    let tampered = edit_manifest(&package(), |m| {
        m["signature"]["value"] = "not base64!".into();
    });
    assert_eq!(
        problems_either_way(&tampered),
        vec![Problem::ManifestUnreadable(
            "signature.value is not base64 of a 64-byte Ed25519 signature".into()
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Damaged and hostile archives

#[test]
fn a_truncated_zip_is_damaged() {
    let zip = package();
    for keep in [zip.len() - 1, zip.len() - 22, zip.len() / 2, 100, 4] {
        let problems = problems(&zip[..keep], Some(&key().public()));
        assert!(
            matches!(&problems[..], [Problem::DamagedZip(_)]),
            "cut to {keep} bytes: {problems:?}"
        );
        assert!(
            problems[0]
                .to_string()
                .starts_with("the zip archive is damaged or truncated: ")
        );
        assert!(matches!(
            read_files(&zip[..keep]),
            Err(Problem::DamagedZip(_))
        ));
    }
}

#[test]
fn something_else_is_not_a_zip() {
    for bytes in [
        &b"%PDF-1.7\n1 0 obj\n"[..],
        b"PK",
        b"{\"format\": \"scamtrace-referral-package/1\"}",
    ] {
        let v = verify(bytes, None);
        assert!(
            matches!(&v.problems[..], [Problem::NotAZip(_)]),
            "{:?}",
            v.problems
        );
        assert!(
            v.problems[0]
                .to_string()
                .starts_with("the file is not a zip archive: ")
        );
        assert!(!v.is_valid());
    }
    assert_eq!(
        problems(b"", None),
        vec![Problem::NotAZip("it is empty".into())]
    );
}

#[test]
fn duplicate_entries_are_reported_and_not_trusted() {
    let zip = package();
    // Two entries named indicators.csv: zip tools disagree about which one they extract.
    let mut tampered = rewrite(&zip, |entries| {
        entries.push(PackageFile::new(
            "indicatorX.csv",
            "kind,value\nphone,+10000000000\n",
        ));
    });
    patch_bytes(&mut tampered, b"indicatorX.csv", b"indicators.csv", 2);
    let problems = problems_either_way(&tampered);
    assert_eq!(
        problems,
        vec![Problem::DuplicateEntry {
            path: "indicators.csv".into()
        }]
    );
    assert_eq!(
        problems[0].to_string(),
        "indicators.csv is in the package more than once, so different tools would extract different contents"
    );
    assert_eq!(read_files(&tampered), Err(problems[0].clone()));

    // A second manifest: neither is believed, and the manifest is not reported missing.
    let mut tampered = rewrite(&zip, |entries| {
        entries.push(PackageFile::new("manifesX.json", "{}"));
    });
    patch_bytes(&mut tampered, b"manifesX.json", b"manifest.json", 2);
    let v = verify(&tampered, Some(&key().public()));
    assert_eq!(
        v.problems,
        vec![Problem::DuplicateEntry {
            path: "manifest.json".into()
        }]
    );
    assert_eq!(v.manifest, None);
}

#[test]
fn entries_with_unsafe_paths_are_refused_unread() {
    let zip = package();
    let cases = [
        ("../evil", "the path contains a .. component"),
        (
            "abuse-notices/../../evil",
            "the path contains a .. component",
        ),
        ("/etc/cron.d/evil", "the path is absolute"),
        ("abuse-notices\\..\\evil", "the path contains a backslash"),
        (
            "C:evil",
            "the path contains a colon (a Windows drive or stream)",
        ),
        ("notes\u{7}.txt", "the path contains a control character"),
        (
            "notes\u{202e}txt.exe",
            "the path contains an invisible or bidirectional formatting character",
        ),
        ("abuse-notices/", "the path is a directory (it ends with /)"),
        (
            "abuse-notices//x.txt",
            "the path contains an empty component (//)",
        ),
        ("./x.txt", "the path contains a . component"),
    ];
    for (path, reason) in cases {
        let tampered = rewrite(&zip, |entries| {
            entries.push(PackageFile::new(path, "evil"));
        });
        let problems = problems_either_way(&tampered);
        assert_eq!(
            problems,
            vec![Problem::UnsafePath {
                path: path.into(),
                reason
            }],
            "{path:?}"
        );
        assert_eq!(read_files(&tampered), Err(problems[0].clone()));
    }
    let problem = Problem::UnsafePath {
        path: "../evil".into(),
        reason: "the path contains a .. component",
    };
    assert_eq!(
        problem.to_string(),
        "the package holds an entry with an unsafe path \"../evil\": the path contains a .. component; it was not read"
    );
}

#[test]
fn an_entry_name_that_is_not_utf8_is_refused() {
    let mut tampered = rewrite(&package(), |entries| {
        entries.push(PackageFile::new("notes-X.txt", "x"));
    });
    patch_bytes(&mut tampered, b"notes-X.txt", b"notes-\xff.txt", 2);
    assert_eq!(
        problems_either_way(&tampered),
        vec![Problem::UnsafePath {
            path: "notes-\u{fffd}.txt".into(),
            reason: "the path is not UTF-8"
        }]
    );
}

/// Where the compressed data of `path` starts in `zip`, and its length.
fn data_range(zip: &[u8], path: &str) -> (usize, usize) {
    let mut archive = ZipArchive::new(Cursor::new(zip)).expect("opens");
    let index = archive.index_for_name(path).expect("present");
    let file = archive.by_index_raw(index).expect("entry");
    let start = usize::try_from(file.data_start().expect("data start")).expect("fits");
    let len = usize::try_from(file.compressed_size()).expect("fits");
    (start, len)
}

#[test]
fn corrupt_compressed_data_is_an_unreadable_entry() {
    let zip = package();
    for path in ["victims.csv", "summary.pdf", MANIFEST_PATH] {
        let (start, len) = data_range(&zip, path);
        let mut tampered = zip.clone();
        tampered[start + len / 2] ^= 0x55;
        let problems = problems_either_way(&tampered);
        assert!(
            matches!(&problems[..], [Problem::EntryUnreadable { path: p, .. }] if p == path),
            "{path}: {problems:?}"
        );
        assert!(problems[0].to_string().starts_with(&format!(
            "{path} cannot be read from the package (corrupt or altered data): "
        )));
        assert!(matches!(
            read_files(&tampered),
            Err(Problem::EntryUnreadable { .. })
        ));
    }
}

#[test]
fn a_stored_entry_with_a_wrong_crc_is_unreadable() {
    let zip = package();
    let mut entries = read_files(&zip).expect("reads");
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for entry in &entries {
        let method = if entry.path == "bundle.json" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        writer
            .start_file(
                entry.path.as_str(),
                SimpleFileOptions::default().compression_method(method),
            )
            .expect("start");
        writer.write_all(&entry.bytes).expect("write");
    }
    let mut stored = writer.finish().expect("finish").into_inner();
    assert!(
        verify(&stored, Some(&key().public())).is_valid(),
        "stored entries are fine"
    );
    entries.clear();

    let (start, _) = data_range(&stored, "bundle.json");
    stored[start + 2] ^= 0x01;
    let problems = problems_either_way(&stored);
    assert!(
        matches!(&problems[..], [Problem::EntryUnreadable { path, reason }] if path == "bundle.json" && reason.contains("checksum")),
        "{problems:?}"
    );
}

#[test]
fn local_headers_that_disagree_with_the_central_directory_are_reported() {
    let mut tampered = package();
    // The local header names the entry first; the central directory names it again later.
    let at = tampered
        .windows(b"bundle.json".len())
        .position(|w| w == b"bundle.json")
        .expect("named");
    tampered[at + "bundle.json".len() - 1] = b'N';
    let problems = problems_either_way(&tampered);
    assert!(
        matches!(&problems[..], [Problem::InconsistentHeaders(_)]),
        "{problems:?}"
    );
    assert!(problems[0].to_string().starts_with(
        "the zip archive's headers disagree, so different tools could extract different files: "
    ));
}

#[test]
fn a_file_over_the_limit_is_refused_as_a_zip_bomb() {
    let zip = package();
    let v = verify_with(
        &zip,
        Some(&key().public()),
        Limits {
            file: 80,
            total: MAX_TOTAL_SIZE,
        },
    );
    let mut over: Vec<String> = files()
        .into_iter()
        .filter(|f| f.bytes.len() > 80)
        .map(|f| f.path)
        .collect();
    over.sort();
    assert!(!over.is_empty());
    let expected: Vec<Problem> = over
        .iter()
        .map(|path| Problem::TooLarge {
            path: path.clone(),
            limit: 80,
        })
        .chain(std::iter::once(Problem::TooLarge {
            path: MANIFEST_PATH.into(),
            limit: 80,
        }))
        .collect();
    assert_eq!(v.problems, expected, "refused files are not also missing");
    assert_eq!(
        Problem::TooLarge {
            path: "x.bin".into(),
            limit: MAX_FILE_SIZE
        }
        .to_string(),
        "x.bin decompresses to more than 256 MiB, the limit for one file: refused as a possible zip bomb"
    );
}

#[test]
fn a_package_over_the_total_limit_is_refused_from_the_entry_that_crosses_it() {
    let zip = package();
    let mut sorted = files();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let limit = (sorted[0].bytes.len() + sorted[1].bytes.len()) as u64;
    let limits = Limits {
        file: MAX_FILE_SIZE,
        total: limit,
    };
    let v = verify_with(&zip, Some(&key().public()), limits);
    assert_eq!(
        v.problems,
        vec![Problem::TotalTooLarge {
            path: sorted[2].path.clone(),
            limit,
        }],
        "nothing after it is read, or reported missing"
    );
    assert_eq!(read_files_with(&zip, limits), Err(v.problems[0].clone()));
    assert_eq!(
        Problem::TotalTooLarge {
            path: "x.bin".into(),
            limit: MAX_TOTAL_SIZE
        }
        .to_string(),
        "the package decompresses to more than 1 GiB in all: refused as a possible zip bomb, from x.bin on"
    );
}

#[test]
fn reading_stops_at_the_limit_whatever_the_declared_size() {
    // An endless reader stands for an entry whose declared size lies.
    assert_eq!(
        read_limited(std::io::repeat(0), 1000, u64::MAX, |_| {}),
        Err(ReadFailure::FileLimit)
    );
    assert_eq!(
        read_limited(std::io::repeat(0), u64::MAX, 1000, |_| {}),
        Err(ReadFailure::TotalLimit)
    );
    let mut seen = 0;
    assert_eq!(
        read_limited(&[1u8; 1000][..], 1000, 1000, |chunk| seen += chunk.len()),
        Ok(1000)
    );
    assert_eq!(seen, 1000);
}

// ---------------------------------------------------------------------------------------------
// Building refuses what it must not write

#[test]
fn building_refuses_bad_paths_and_names_them() {
    let cases: [(&str, &str); 12] = [
        ("", "the path is empty"),
        ("/etc/passwd", "the path is absolute"),
        ("../evil", "the path contains a .. component"),
        (
            "abuse-notices/../../evil",
            "the path contains a .. component",
        ),
        ("a\\b.txt", "the path contains a backslash"),
        ("tab\there", "the path contains a control character"),
        ("nul\0", "the path contains a control character"),
        (
            "invoice\u{202e}fdp.exe",
            "the path contains an invisible or bidirectional formatting character",
        ),
        (
            "C:/x",
            "the path contains a colon (a Windows drive or stream)",
        ),
        ("dir/", "the path is a directory (it ends with /)"),
        ("a//b", "the path contains an empty component (//)"),
        (
            "manifest.json",
            "the path is reserved for the package's own manifest",
        ),
    ];
    for (path, reason) in cases {
        let mut files = files();
        files.push(PackageFile::new(path, "x"));
        let error = build(files, &info(), &key()).expect_err(path);
        assert_eq!(
            error,
            PackageError::BadPath {
                path: path.into(),
                reason: reason.into()
            }
        );
        assert_eq!(
            error.to_string(),
            format!("cannot put {path:?} in a referral package: {reason}")
        );
    }
    let long = "a".repeat(1025);
    assert!(matches!(
        build(vec![PackageFile::new(long, "x")], &info(), &key()),
        Err(PackageError::BadPath { .. })
    ));
}

#[test]
fn building_refuses_duplicates_also_by_letter_case() {
    let mut twice = files();
    twice.push(PackageFile::new("victims.csv", "again"));
    assert_eq!(
        build(twice, &info(), &key()),
        Err(PackageError::BadPath {
            path: "victims.csv".into(),
            reason: "the path is given twice".into()
        })
    );
    let mut cased = files();
    cased.push(PackageFile::new("Victims.csv", "again"));
    assert_eq!(
        build(cased, &info(), &key()),
        Err(PackageError::BadPath {
            path: "Victims.csv".into(),
            reason: "the path differs only in letter case from \"victims.csv\" (they would collide on Windows and macOS)"
                .into()
        })
    );
}

#[test]
fn building_refuses_what_verifiers_would_refuse_as_too_large() {
    // Zeroed allocations are not touched, so these cost address space, not memory.
    let big = PackageFile::new("big.bin", vec![0u8; MAX_FILE_SIZE as usize + 1]);
    assert_eq!(
        build(vec![big], &info(), &key()),
        Err(PackageError::TooLarge {
            path: "big.bin".into(),
            size: MAX_FILE_SIZE + 1,
            limit: MAX_FILE_SIZE
        })
    );
    let many: Vec<PackageFile> = (0..5)
        .map(|i| PackageFile::new(format!("part{i}.bin"), vec![0u8; MAX_FILE_SIZE as usize]))
        .collect();
    assert_eq!(
        build(many, &info(), &key()),
        Err(PackageError::TotalTooLarge {
            size: 5 * MAX_FILE_SIZE,
            limit: MAX_TOTAL_SIZE
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Keys

/// RFC 8032 section 7.1, test 1.
const RFC8032_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

fn rfc8032_key() -> SigningKey {
    let seed: [u8; 32] = hex::decode(RFC8032_SECRET)
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    SigningKey::from_seed(seed)
}

#[test]
fn a_seed_gives_the_rfc_8032_public_key() {
    assert_eq!(
        hex::encode(rfc8032_key().public().to_bytes()),
        RFC8032_PUBLIC
    );
    let digest = Sha256::digest(hex::decode(RFC8032_PUBLIC).expect("hex"));
    assert_eq!(rfc8032_key().public().key_id(), hex::encode(&digest[..8]));
    assert_eq!(rfc8032_key().public().key_id().len(), 16);
}

#[test]
fn the_signing_key_debug_shows_the_key_id_not_the_secret() {
    let shown = format!("{:?}", rfc8032_key());
    assert_eq!(
        shown,
        format!(
            "SigningKey {{ key_id: {:?}, .. }}",
            rfc8032_key().public().key_id()
        )
    );
    assert!(!shown.contains(&RFC8032_SECRET[..8]));
}

#[test]
fn a_public_key_parses_in_all_four_forms() {
    let public = rfc8032_key().public();
    let document = public.well_known("ScamTrace Example").to_string();
    let pretty = serde_json::to_string_pretty(&public.well_known("X")).expect("serializes");
    for text in [
        document.as_str(),
        pretty.as_str(),
        &public.to_pem(),
        &public.to_base64(),
        RFC8032_PUBLIC,
        &RFC8032_PUBLIC.to_uppercase(),
        &format!("  \n{}\n\t", public.to_base64()),
        &format!("\n{}\n", public.to_pem()),
    ] {
        assert_eq!(PublicKey::parse(text), Ok(public), "{text:?}");
    }
}

#[test]
fn the_well_known_document_has_every_field() {
    let public = rfc8032_key().public();
    let doc = public.well_known("ScamTrace Example");
    assert_eq!(
        doc,
        serde_json::json!({
            "algorithm": "Ed25519",
            "key_id": public.key_id(),
            "public_key": public.to_base64(),
            "public_key_pem": public.to_pem(),
            "instance": "ScamTrace Example",
            "format": "scamtrace-referral-package/1",
        })
    );
    assert_eq!(WELL_KNOWN_PATH, "/.well-known/scamtrace-signing-key");
}

/// RFC 8410 section 10.1: the example Ed25519 public key, as OpenSSL writes it.
#[test]
fn pem_matches_rfc_8410() {
    let pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";
    let key = PublicKey::parse(pem).expect("parses");
    assert_eq!(
        hex::encode(key.to_bytes()),
        "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"
    );
    assert_eq!(key.to_pem(), pem);
}

#[test]
fn key_parse_errors_say_what_is_wrong() {
    let public = rfc8032_key().public();
    let b64 = |bytes: &[u8]| BASE64.encode(bytes);
    let spki_x25519 = {
        // The X25519 algorithm (1.3.101.110) instead of Ed25519.
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(&public.to_bytes());
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
            b64(&der)
        )
    };
    let mut other_doc = public.well_known("X");
    other_doc["key_id"] = "0123456789abcdef".into();
    let mut rsa_doc = public.well_known("X");
    rsa_doc["algorithm"] = "RSA".into();
    let mut disagree = public.well_known("X");
    disagree["public_key_pem"] = key().public().to_pem().into();
    let mut pem_only = public.well_known("X");
    pem_only
        .as_object_mut()
        .expect("object")
        .remove("public_key");
    assert_eq!(PublicKey::parse(&pem_only.to_string()), Ok(public));
    let mut neither = pem_only.clone();
    neither
        .as_object_mut()
        .expect("object")
        .remove("public_key_pem");

    let cases: Vec<(String, KeyError)> = vec![
        ("   ".into(), KeyError::Empty),
        (
            "not a key!".into(),
            KeyError::NotBase64("Invalid symbol 32, offset 3.".into()),
        ),
        (
            b64(&[1u8; 31]),
            KeyError::WrongLength {
                encoding: "base64",
                len: 31,
            },
        ),
        (
            b64(&[1u8; 64]),
            KeyError::WrongLength {
                encoding: "base64",
                len: 64,
            },
        ),
        (spki_x25519, KeyError::NotEd25519Spki),
        (
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----"
                .into(),
            KeyError::PemLabel("PRIVATE KEY".into()),
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA".into(),
            KeyError::PemMalformed("there is no -----END PUBLIC KEY----- line".into()),
        ),
        (
            format!("{}trailing", public.to_pem()),
            KeyError::PemMalformed("there is text after the -----END PUBLIC KEY----- line".into()),
        ),
        (
            other_doc.to_string(),
            KeyError::KeyIdMismatch {
                stated: "0123456789abcdef".into(),
                actual: public.key_id(),
            },
        ),
        (rsa_doc.to_string(), KeyError::WrongAlgorithm("RSA".into())),
        (disagree.to_string(), KeyError::Disagree),
        (neither.to_string(), KeyError::MissingField("public_key")),
        // The identity point: a valid encoding of a small-order point.
        (format!("01{}", "00".repeat(31)), KeyError::WeakKey),
    ];
    for (text, expected) in cases {
        assert_eq!(PublicKey::parse(&text), Err(expected), "{text:?}");
    }
    assert!(matches!(
        PublicKey::parse("{\"public_key\": "),
        Err(KeyError::Json(_))
    ));
    assert!(matches!(
        PublicKey::parse("[1]"),
        Err(KeyError::NotBase64(_))
    ));
    assert_eq!(
        PublicKey::parse("-----BEGIN PUBLIC KEY-----\nnot*base64\n-----END PUBLIC KEY-----"),
        Err(KeyError::PemMalformed(
            "its body is not base64: Invalid symbol 42, offset 3.".into()
        ))
    );
    let mut bad_pem_doc = public.well_known("X");
    bad_pem_doc["public_key_pem"] = "garbage".into();
    assert_eq!(
        PublicKey::parse(&bad_pem_doc.to_string()),
        Err(KeyError::PemMalformed(
            "it does not start with -----BEGIN PUBLIC KEY-----".into()
        ))
    );

    // Some 32-byte strings are no point of the curve at all.
    let not_a_point = (2u8..=255)
        .map(|b| {
            let mut bytes = [0u8; 32];
            bytes[0] = b;
            bytes
        })
        .find(|bytes| PublicKey::from_bytes(*bytes) == Err(KeyError::NotAPoint))
        .expect("some y has no x");
    assert_eq!(
        PublicKey::parse(&hex::encode(not_a_point)),
        Err(KeyError::NotAPoint)
    );

    assert_eq!(
        KeyError::WrongLength {
            encoding: "base64",
            len: 31
        }
        .to_string(),
        "the base64 key is 31 bytes long; an Ed25519 public key is 32 bytes"
    );
    assert_eq!(
        KeyError::NotEd25519Spki.to_string(),
        "the PEM is not an Ed25519 SubjectPublicKeyInfo (44 bytes with the algorithm 1.3.101.112)"
    );
}

#[test]
fn a_manifest_naming_an_invalid_key_is_unreadable() {
    let tampered = edit_manifest(&package(), |m| {
        m["signature"]["public_key"] = BASE64.encode([1u8; 31]).into();
    });
    let v = verify(&tampered, Some(&key().public()));
    assert_eq!(
        v.problems,
        vec![Problem::ManifestUnreadable(
            "signature.public_key: the base64 key is 31 bytes long; an Ed25519 public key is 32 bytes"
                .into()
        )]
    );
    assert_eq!(v.key, None);
    assert!(!v.trusted_key);
}
