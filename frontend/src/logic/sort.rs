//! Table sorting: a click on a column sorts by it; a click on the sorted
//! column reverses it.

/// Direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

impl Direction {
    /// `asc` / `desc`, as the API takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        }
    }

    /// The arrow shown next to the sorted column's header.
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Asc => "▲",
            Direction::Desc => "▼",
        }
    }
}

/// Which column, which way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortState {
    /// The API's column name.
    pub column: String,
    /// The direction.
    pub direction: Direction,
}

impl SortState {
    /// A new state.
    pub fn new(column: &str, direction: Direction) -> SortState {
        SortState {
            column: column.to_owned(),
            direction,
        }
    }

    /// After a click on `column`: reversed when it is the sorted one; else
    /// that column, texts A→Z and numbers/dates largest first.
    pub fn clicked(&self, column: &str) -> SortState {
        if self.column == column {
            let direction = match self.direction {
                Direction::Asc => Direction::Desc,
                Direction::Desc => Direction::Asc,
            };
            SortState::new(column, direction)
        } else {
            let texts = [
                "client",
                "channel",
                "number",
                "finished_by",
                "client_name",
                "status",
            ];
            let direction = if texts.contains(&column) {
                Direction::Asc
            } else {
                Direction::Desc
            };
            SortState::new(column, direction)
        }
    }

    /// The arrow for a column header (empty when not sorted by it).
    pub fn arrow_for(&self, column: &str) -> &'static str {
        if self.column == column {
            self.direction.arrow()
        } else {
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_click_reverses_and_another_column_starts_fresh() {
        let s = SortState::new("finished_at", Direction::Desc);
        let s = s.clicked("message_count");
        assert_eq!(s, SortState::new("message_count", Direction::Desc));
        let s = s.clicked("message_count");
        assert_eq!(s, SortState::new("message_count", Direction::Asc));
        assert_eq!(s.arrow_for("message_count"), "▲");
        assert_eq!(s.arrow_for("client"), "");
        assert_eq!(s.clicked("client").direction, Direction::Asc);
    }
}
