//! A zip bomb: a 300 MiB entry of zeros that compresses to about 300 KB. Verifying a package
//! that holds one must refuse it without decompressing it into memory. A counting allocator
//! (this test binary's global allocator, hence a file of its own) measures the peak of live
//! allocations while verifying.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Cursor, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};

use scamtrace_refer::package::{
    MAX_FILE_SIZE, ManifestInfo, PackageFile, Problem, SigningKey, build, read_files, verify,
};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` hold for System too.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for alloc.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, which is System's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for dealloc and alloc.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
            grew(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `f`'s result and the most memory it held allocated at once, beyond what was live before.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let result = f();
    (result, PEAK.load(Ordering::SeqCst).saturating_sub(before))
}

const BOMB_SIZE: usize = 300 * 1024 * 1024;
/// Far below the bomb; verifying these packages holds about 120 KB at once.
const MEMORY_BUDGET: usize = 2 * 1024 * 1024;

fn key() -> SigningKey {
    SigningKey::from_seed([7; 32])
}

fn package() -> Vec<u8> {
    let info = ManifestInfo {
        case_id: "c1".into(),
        case_reference: "CASE-2026-7KQ4M".into(),
        recipient: "Agency".into(),
        exported_at: time::macros::datetime!(2026-03-01 10:00 UTC),
        exported_by: "analyst".into(),
        instance: "ScamTrace Example".into(),
        personal_data: false,
    };
    let files = vec![
        PackageFile::new("indicators.csv", "kind,value\nphone,+18005550100\n"),
        PackageFile::new("victims.csv", "reference\nTSS-2026-7KQ4M\n"),
    ];
    build(files, &info, &key()).expect("builds")
}

/// The package's entries rewritten, with `bomb_path` (replacing any entry of that name) streamed
/// in as BOMB_SIZE zeros, never held in memory.
fn with_bomb(zip: &[u8], bomb_path: &str) -> Vec<u8> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9));
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let entries = read_files(zip).expect("reads");
    for entry in entries.iter().filter(|e| e.path != bomb_path) {
        writer
            .start_file(entry.path.as_str(), options)
            .expect("start");
        writer.write_all(&entry.bytes).expect("write");
    }
    writer.start_file(bomb_path, options).expect("start");
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..BOMB_SIZE / zeros.len() {
        writer.write_all(&zeros).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

/// Sets the declared uncompressed size of `path` to `size` in both its local and central
/// headers, as a bomb that lies about its size would.
fn declare_size(zip: &mut [u8], path: &str, size: u32) {
    let (local, central) = {
        let archive = ZipArchive::new(Cursor::new(&zip[..])).expect("opens");
        let index = archive.index_for_name(path).expect("present");
        let entry = archive.by_index_data(index).expect("entry");
        (entry.header_start(), entry.central_header_start())
    };
    let local = usize::try_from(local).expect("fits") + 22;
    let central = usize::try_from(central).expect("fits") + 24;
    zip[local..local + 4].copy_from_slice(&size.to_le_bytes());
    zip[central..central + 4].copy_from_slice(&size.to_le_bytes());
}

#[test]
fn a_zip_bomb_is_refused_without_being_decompressed() {
    let trusted = key().public();

    let bomb = with_bomb(&package(), "bomb.bin");
    assert!(
        bomb.len() < 1024 * 1024,
        "300 MiB of zeros compresses to {} bytes",
        bomb.len()
    );
    let (verification, peak) = peak_during(|| verify(&bomb, Some(&trusted)));
    let refused = Problem::TooLarge {
        path: "bomb.bin".into(),
        limit: MAX_FILE_SIZE,
    };
    assert_eq!(verification.problems, vec![refused.clone()]);
    assert!(
        verification.trusted_key,
        "the manifest itself is genuine; only the added entry is refused"
    );
    assert!(
        peak < MEMORY_BUDGET,
        "verifying allocated {peak} bytes at once"
    );
    let (read, peak) = peak_during(|| read_files(&bomb));
    assert_eq!(read, Err(refused));
    assert!(
        peak < MEMORY_BUDGET,
        "reading allocated {peak} bytes at once"
    );

    // In place of a listed file: refused, not also reported missing or altered.
    let bomb = with_bomb(&package(), "victims.csv");
    let (verification, peak) = peak_during(|| verify(&bomb, Some(&trusted)));
    assert_eq!(
        verification.problems,
        vec![Problem::TooLarge {
            path: "victims.csv".into(),
            limit: MAX_FILE_SIZE,
        }]
    );
    assert!(
        peak < MEMORY_BUDGET,
        "verifying allocated {peak} bytes at once"
    );

    // A bomb that declares 1000 bytes: reading stops just past the declared size.
    let mut lying = with_bomb(&package(), "bomb.bin");
    declare_size(&mut lying, "bomb.bin", 1000);
    let (verification, peak) = peak_during(|| verify(&lying, Some(&trusted)));
    assert!(
        matches!(
            &verification.problems[..],
            [Problem::EntryUnreadable { path, .. }] if path == "bomb.bin"
        ),
        "{:?}",
        verification.problems
    );
    assert!(
        peak < MEMORY_BUDGET,
        "verifying allocated {peak} bytes at once"
    );
}
