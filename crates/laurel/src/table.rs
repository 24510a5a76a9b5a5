//! Tables for people on a terminal: a heading and rows in columns as wide as their widest
//! cell, the first columns (names) to the left and the rest (figures) to the right, so that
//! figures line up by their last digit.

use std::io::Write;

/// Writes `header` and `rows`, the first `names` columns left-aligned.
pub fn write_aligned(
    out: &mut impl Write,
    header: &[String],
    rows: &[Vec<String>],
    names: usize,
) -> std::io::Result<()> {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .chain(std::iter::once(&header.to_vec()))
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (cell, w))| {
                if i < names {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(())
}
