//! Table sorting: a click on a column sorts by it; a click on the sorted
//! column reverses it. Columns and directions are the wire's own enums.

use dialogdesk_domain::wire::{Order, RecordSort};

/// The arrow shown next to the sorted column's header.
pub fn arrow(order: Order) -> &'static str {
    match order {
        Order::Asc => "▲",
        Order::Desc => "▼",
    }
}

/// Which column of the Dialog list, which way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortState {
    /// The column.
    pub column: RecordSort,
    /// The direction.
    pub order: Order,
}

impl SortState {
    /// A new state.
    pub fn new(column: RecordSort, order: Order) -> SortState {
        SortState { column, order }
    }

    /// After a click on `column`: reversed when it is the sorted one; else
    /// that column, texts A→Z and numbers/dates largest first.
    pub fn clicked(&self, column: RecordSort) -> SortState {
        if self.column == column {
            SortState::new(column, self.order.reversed())
        } else {
            let text = matches!(
                column,
                RecordSort::Client
                    | RecordSort::Channel
                    | RecordSort::Number
                    | RecordSort::FinishedBy
            );
            SortState::new(column, if text { Order::Asc } else { Order::Desc })
        }
    }

    /// The arrow for a column header (empty when not sorted by it).
    pub fn arrow_for(&self, column: RecordSort) -> &'static str {
        if self.column == column {
            arrow(self.order)
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
        let s = SortState::new(RecordSort::FinishedAt, Order::Desc);
        let s = s.clicked(RecordSort::MessageCount);
        assert_eq!(s, SortState::new(RecordSort::MessageCount, Order::Desc));
        let s = s.clicked(RecordSort::MessageCount);
        assert_eq!(s, SortState::new(RecordSort::MessageCount, Order::Asc));
        assert_eq!(s.arrow_for(RecordSort::MessageCount), "▲");
        assert_eq!(s.arrow_for(RecordSort::Client), "");
        assert_eq!(s.clicked(RecordSort::Client).order, Order::Asc);
    }
}
