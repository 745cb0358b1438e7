//! Reading content files as text.
//!
//! Officials save files with many editors: UTF-8 with or without a BOM, CRLF
//! line endings, and on older Windows tools GBK/GB18030 or UTF-16. gongshi
//! reads UTF-8 as is, decodes GB18030 and UTF-16 with a warning that names
//! the encoding (so the file still builds and the official learns to save as
//! UTF-8), and refuses binary files, empty files and files too large to be a
//! report — each with a message saying where such files belong.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Problem, SpecialKind};

/// The largest text file gongshi reads (8 MiB). Real reports are a few
/// dozen kilobytes; anything near this is a scan or a PDF in the wrong place.
pub const MAX_TEXT_BYTES: u64 = 8 * 1024 * 1024;

/// A content file read as text.
#[derive(Clone, Debug)]
pub struct Text {
    /// The text, without a byte-order mark.
    pub text: Arc<str>,
    /// The legacy encoding it was decoded from, if it was not UTF-8.
    pub decoded_from: Option<&'static str>,
}

/// Open `path` for reading if it is a regular file; a named pipe, device
/// or socket is refused at once as [`Problem::SpecialFile`]. The type is
/// checked before opening, so a named pipe is never opened; and, against a
/// file swapped in between, on Linux the file is opened with `O_NONBLOCK`
/// (opening a pipe then never waits for a writer) and its type checked
/// again on the open file.
pub fn open_regular(path: &Path) -> Result<std::fs::File, Problem> {
    let io = |e: std::io::Error| Problem::Io {
        error: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if let Some(kind) = special_kind(&meta.file_type()) {
        return Err(Problem::SpecialFile { kind });
    }
    #[cfg(target_os = "linux")]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        let nonblock = rustix::fs::OFlags::NONBLOCK.bits();
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(i32::try_from(nonblock).unwrap_or(0))
            .open(path)
            .map_err(io)?
    };
    #[cfg(not(target_os = "linux"))]
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    match special_kind(&meta.file_type()) {
        Some(kind) => Err(Problem::SpecialFile { kind }),
        None => Ok(file),
    }
}

/// What a file that is neither a regular file nor a folder is.
pub fn special_kind(file_type: &std::fs::FileType) -> Option<SpecialKind> {
    if file_type.is_file() || file_type.is_dir() || file_type.is_symlink() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some(SpecialKind::Fifo);
        }
        if file_type.is_socket() {
            return Some(SpecialKind::Socket);
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some(SpecialKind::Device);
        }
    }
    Some(SpecialKind::Other)
}

/// Read `path` as text (see the module documentation for the rules).
pub fn read_text(path: &Path) -> Result<Text, Problem> {
    let file = open_regular(path)?;
    let len = file
        .metadata()
        .map_err(|e| Problem::Io {
            error: e.to_string(),
        })?
        .len();
    if len > MAX_TEXT_BYTES {
        return Err(Problem::FileTooLarge {
            bytes: len,
            limit: MAX_TEXT_BYTES,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // Read at most one byte past the limit, in case the file grew since.
    file.take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Problem::Io {
            error: e.to_string(),
        })?;
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(Problem::FileTooLarge {
            bytes: bytes.len() as u64,
            limit: MAX_TEXT_BYTES,
        });
    }
    decode(bytes)
}

/// Decode a file's bytes (see the module documentation).
pub fn decode(bytes: Vec<u8>) -> Result<Text, Problem> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::EmptyFile);
    }
    // UTF-16 (Notepad's "Unicode") announces itself with a BOM.
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let body = bytes.get(bom_len..).unwrap_or(&[]);
        if encoding == encoding_rs::UTF_8 {
            return match simdutf8::basic::from_utf8(body) {
                Ok(s) => utf8(s),
                Err(_) => Err(Problem::NotText),
            };
        }
        return match encoding.decode_without_bom_handling_and_without_replacement(body) {
            Some(s) if !s.contains('\0') => Ok(Text {
                text: Arc::from(s.as_ref()),
                decoded_from: Some(encoding.name()),
            }),
            _ => Err(Problem::NotText),
        };
    }
    if bytes.contains(&0) {
        return Err(Problem::BinaryFile);
    }
    // simdutf8: every report is read (and its body read again when its
    // page is rendered), and std's check was a tenth of reading.
    match simdutf8::basic::from_utf8(&bytes) {
        Ok(s) => utf8(s),
        Err(_) => {
            match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&bytes) {
                Some(s) if !has_control_chars(&s) => Ok(Text {
                    text: Arc::from(s.as_ref()),
                    decoded_from: Some("GB18030/GBK"),
                }),
                _ => Err(Problem::NotText),
            }
        }
    }
}

/// The position (1-based line, character column, character length) of the
/// byte range `start..start + len` in `text`.
pub fn pos_of(text: &str, start: usize, len: usize) -> crate::diagnostic::Pos {
    let before = text.get(..start).unwrap_or("");
    let mut line = 1u32;
    let mut line_start = 0usize;
    let bytes = before.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line = line.saturating_add(1);
            line_start = i + 1;
        }
        i += 1;
    }
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    let chars = text
        .get(start..start.saturating_add(len))
        .map_or(1, |s| s.chars().count());
    crate::diagnostic::Pos::new(
        line,
        u32::try_from(column).unwrap_or(u32::MAX),
        u32::try_from(chars).unwrap_or(1),
    )
}

fn utf8(s: &str) -> Result<Text, Problem> {
    if has_control_chars(s) {
        return Err(Problem::BinaryFile);
    }
    Ok(Text {
        text: Arc::from(s),
        decoded_from: None,
    })
}

/// Control characters other than tab and line breaks mark binary data:
/// C0 (and DEL) are single bytes, C1 (U+0080 to U+009F) are `C2 80` to
/// `C2 9F` in UTF-8; looked for byte by byte, which is much faster than
/// decoding every character. Every report is read twice (at load, and its
/// body when its page is rendered), so the bytes are first screened 64 at
/// a time by a test without an early exit, which the compiler turns into
/// vector instructions; only a block with a candidate byte (a C0 byte, DEL
/// or a `C2` lead byte, rare in Chinese text) is looked at closely.
fn has_control_chars(s: &str) -> bool {
    const BLOCK: usize = 64;
    let bytes = s.as_bytes();
    let candidate = |b: u8| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) | (b == 0x7f) | (b == 0xc2)
    };
    let control_at = |i: usize| match bytes.get(i) {
        Some(b'\t' | b'\n' | b'\r' | 0x0c) => false,
        Some(0x00..=0x1f | 0x7f) => true,
        Some(0xc2) => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
        _ => false,
    };
    bytes.chunks(BLOCK).enumerate().any(|(k, block)| {
        block.iter().fold(false, |seen, &b| seen | candidate(b))
            && (k * BLOCK..k * BLOCK + block.len()).any(control_at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_line_breaks() {
        let text = "---\r\n名：13812345678\n";
        let start = text.find("138").unwrap_or(0);
        assert_eq!(
            pos_of(text, start, 11),
            crate::diagnostic::Pos::new(2, 3, 11)
        );
    }

    /// The byte-level look finds exactly the control characters (other
    /// than tab, line breaks and form feed) that decoding finds: every
    /// character, alone and between others.
    #[test]
    fn control_characters_are_found_byte_by_byte() {
        let is_control = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}');
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            let found = is_control(c);
            assert_eq!(has_control_chars(&c.to_string()), found, "{:?}", c);
            assert_eq!(
                has_control_chars(&format!("执法{c}\u{c2}")),
                found,
                "{:?}",
                c
            );
            // Across the edge of a screened block: a C1 character's two
            // bytes fall into two blocks.
            for pad in 61..=64 {
                assert_eq!(
                    has_control_chars(&format!("{}{c}执法", "a".repeat(pad))),
                    found,
                    "{:?} after {pad} bytes",
                    c
                );
            }
        }
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let t =
            decode(b"\xef\xbb\xbf---\r\nname: x\r\n---\r\n".to_vec()).map(|t| t.text.to_string());
        assert_eq!(t.as_deref(), Ok("---\r\nname: x\r\n---\r\n"));
    }

    #[test]
    fn gbk_is_decoded_with_its_name() {
        let (bytes, _, _) = encoding_rs::GBK.encode("---\nname: 辛口镇\n---\n");
        let t = decode(bytes.into_owned());
        assert_eq!(t.as_ref().map(|t| t.decoded_from), Ok(Some("GB18030/GBK")));
        assert!(t.map(|t| t.text.contains("辛口镇")).unwrap_or(false));
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("2025.md");
        rustix_mkfifo(&fifo);
        assert_eq!(
            read_text(&fifo).err(),
            Some(Problem::SpecialFile {
                kind: SpecialKind::Fifo
            })
        );
    }

    #[cfg(unix)]
    fn rustix_mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    }

    #[test]
    fn binary_and_empty_are_refused() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0".to_vec()).err(),
            Some(Problem::BinaryFile)
        );
        assert_eq!(decode(b"  \n".to_vec()).err(), Some(Problem::EmptyFile));
        assert_eq!(decode(Vec::new()).err(), Some(Problem::EmptyFile));
    }
}
