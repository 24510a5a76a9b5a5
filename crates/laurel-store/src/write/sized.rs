//! Statements that write many rows: one text per size 1, 2, 4, … [`CHUNK_MAX`] rows, so a
//! statement kind has a few texts only, each prepared once per connection, whatever the count.

use crate::db::backend::Backend;

/// Most rows one statement writes: the largest of the sizes.
pub(crate) const CHUNK_MAX: usize = 128;

/// A statement's texts per size and backend.
#[derive(Debug)]
pub(crate) struct SizedTexts {
    /// Per backend (by `Backend as usize`), the text for `1 << k` rows at index k. SQLite's
    /// are numbered `?n` already, so its direct connection has nothing to rewrite in
    /// statements a hundred rows long.
    texts: [Vec<String>; 2],
}

impl SizedTexts {
    /// The texts `text(rows)` gives for each size, written with `$n` placeholders.
    pub(crate) fn new(text: impl Fn(usize) -> String) -> SizedTexts {
        let dollar: Vec<String> = (0..=CHUNK_MAX.ilog2()).map(|k| text(1 << k)).collect();
        let numbered = dollar
            .iter()
            .map(|sql| crate::db::direct::numbered(sql).into_owned())
            .collect();
        let mut texts = [Vec::new(), Vec::new()];
        texts[Backend::Sqlite as usize] = numbered;
        texts[Backend::Postgres as usize] = dollar;
        SizedTexts { texts }
    }

    /// The statements for `rows` rows: how many rows each writes, and its text, largest first.
    pub(crate) fn chunks(
        &self,
        rows: usize,
        backend: Backend,
    ) -> impl Iterator<Item = (usize, &str)> {
        let texts = &self.texts[backend as usize];
        let mut left = rows;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            let size = CHUNK_MAX.min(1 << left.ilog2());
            left -= size;
            Some((size, texts[size.ilog2() as usize].as_str()))
        })
    }
}
