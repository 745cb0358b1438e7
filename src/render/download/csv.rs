//! CSV downloads: UTF-8 with a byte-order mark (so Excel on Chinese Windows
//! shows the characters), one row per figure, text that a spreadsheet would
//! run as a formula neutralised, numbers written from typed values.

use super::*;

/// Records as CSV: UTF-8 with a byte-order mark.
pub fn csv(records: &[Record]) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    write_csv(records, &mut buf).map_err(|e| e.to_string())?;
    Ok(buf)
}

/// [`csv`], written to `writer` (the csv crate buffers it).
pub fn write_csv<W: std::io::Write>(records: &[Record], mut writer: W) -> std::io::Result<()> {
    writer.write_all("\u{feff}".as_bytes())?;
    {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut writer);
        w.write_record(COLUMNS)?;
        for r in records {
            let year = r.year.to_string();
            let reported = r.reported.map(|n| n.to_string()).unwrap_or_default();
            let of = r.of.map(|n| n.to_string()).unwrap_or_default();
            let computed = if r.computed { "true" } else { "false" };
            let change_from = r.change_from.map(|y| y.to_string()).unwrap_or_default();
            // `value`, `year`, `reported`, `of`, `change` are written from
            // numbers and never altered (a negative change keeps its sign).
            let fields: [std::borrow::Cow<'_, str>; 18] = [
                year.as_str().into(),
                neutralize(r.district),
                neutralize(&r.township),
                neutralize(r.township_slug),
                r.row.into(),
                neutralize(r.group),
                neutralize(r.metric),
                neutralize(r.label),
                neutralize(r.unit),
                r.value.as_str().into(),
                r.status.into(),
                neutralize(&r.display),
                computed.into(),
                reported.as_str().into(),
                of.as_str().into(),
                r.change.as_str().into(),
                change_from.as_str().into(),
                r.rank.as_str().into(),
            ];
            w.write_record(fields.iter().map(|f| f.as_ref()))?;
        }
        w.flush()?;
    }
    Ok(())
}
