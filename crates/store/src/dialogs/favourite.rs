//! Favourites: personal to each operator, outside the timeline.

use super::dialog_row;
use crate::error::StoreResult;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::Store;
use dialogdesk_domain::*;
use diesel::prelude::*;

impl Store {
    /// Marks or unmarks a dialog as the operator's favourite (idempotent).
    pub fn set_favourite(
        &self,
        dialog_id: DialogId,
        operator: OperatorId,
        favourite: bool,
    ) -> StoreResult<()> {
        self.write("set_favourite", |conn| {
            dialog_row(conn, dialog_id)?;
            let existing = favourites::table
                .find((operator.0, dialog_id.0))
                .select(favourites::dialog_id)
                .first::<i64>(conn)
                .optional()?;
            match (favourite, existing) {
                (true, None) => {
                    diesel::insert_into(favourites::table)
                        .values((
                            favourites::operator_id.eq(operator.0),
                            favourites::dialog_id.eq(dialog_id.0),
                            favourites::created_at.eq(to_db(now())),
                        ))
                        .execute(conn)?;
                }
                (false, Some(_)) => {
                    diesel::delete(favourites::table.find((operator.0, dialog_id.0)))
                        .execute(conn)?;
                }
                _ => {}
            }
            Ok(())
        })
    }
}
