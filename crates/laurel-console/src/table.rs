//! A table of figures as pages show it (`templates/table.html`): headed columns, numbers on
//! the right, each row headed by its first cell. The Insight breakdowns and every chart's table
//! view are one, so they read, scroll on a phone and are tested alike.

/// A column: its heading, and whether it holds numbers (set to the right).
pub struct Column {
    /// Its heading, in the page's language.
    pub label: String,
    /// Numbers, aligned right with tabular digits.
    pub numeric: bool,
}

/// A table ready for the page.
pub struct Table {
    /// The `<table>` element's id.
    pub id: String,
    /// Its columns.
    pub columns: Vec<Column>,
    /// Its rows, a cell per column, in words.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table `id` headed by `label`s: the first a row heading, the others numbers.
    pub fn of_figures(id: &str, labels: Vec<String>) -> Table {
        let columns = labels
            .into_iter()
            .enumerate()
            .map(|(i, label)| Column {
                label,
                numeric: i > 0,
            })
            .collect();
        Table {
            id: id.to_owned(),
            columns,
            rows: Vec::new(),
        }
    }

    /// Whether the `column`th cell of a row holds numbers (the template asks, and askama
    /// passes its arguments by reference).
    pub fn numeric(&self, column: &usize) -> bool {
        self.columns.get(*column).is_some_and(|c| c.numeric)
    }
}
