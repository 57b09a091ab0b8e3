//! Channels: where dialogs happen.

use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::Store;
use dialogdesk_domain::wire::CatalogPart;
use dialogdesk_domain::*;
use diesel::prelude::*;

impl Store {
    /// Creates a channel.
    pub fn create_channel(&self, kind: ChannelKind, name: &Label) -> StoreResult<Channel> {
        self.write_catalog("create_channel", CatalogPart::Channels, |conn| {
            let id: i64 = diesel::insert_into(channels::table)
                .values((
                    channels::kind.eq(kind.as_str()),
                    channels::name.eq(name.as_str()),
                    channels::created_at.eq(to_db(now())),
                ))
                .returning(channels::id)
                .get_result(conn)?;
            Ok(Channel {
                id: ChannelId(id),
                kind,
                name: name.to_string(),
            })
        })
    }

    /// Every channel.
    pub fn channels(&self) -> StoreResult<Vec<Channel>> {
        self.read("channels", |conn| {
            channels::table
                .select(ChannelRow::as_select())
                .order_by(channels::id)
                .load(conn)?
                .iter()
                .map(|row| {
                    let r = row.to_ref()?;
                    Ok(Channel {
                        id: r.id,
                        kind: r.kind,
                        name: r.name,
                    })
                })
                .collect()
        })
    }

    /// Renames a channel or changes its kind.
    pub fn update_channel(
        &self,
        id: ChannelId,
        kind: Option<ChannelKind>,
        name: Option<&Label>,
    ) -> StoreResult<Channel> {
        self.write_catalog("update_channel", CatalogPart::Channels, |conn| {
            let current: ChannelRow = channels::table
                .find(id.0)
                .select(ChannelRow::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| StoreError::not_found("channel", id.0))?;
            let kind = match kind {
                Some(k) => k,
                None => parse_stored(&current.kind)?,
            };
            let name = name.map_or(current.name.clone(), Label::to_string);
            diesel::update(channels::table.find(id.0))
                .set((channels::kind.eq(kind.as_str()), channels::name.eq(&name)))
                .execute(conn)?;
            if name != current.name {
                // The Dialog list sorts by the name kept on each dialog.
                diesel::update(dialogs::table.filter(dialogs::channel_id.eq(id.0)))
                    .set(dialogs::channel_name.eq(&name))
                    .execute(conn)?;
            }
            Ok(Channel { id, kind, name })
        })
    }

    /// Deletes a channel that has no dialogs.
    pub fn delete_channel(&self, id: ChannelId) -> StoreResult<()> {
        self.write_catalog("delete_channel", CatalogPart::Channels, |conn| {
            let used: i64 = dialogs::table
                .filter(dialogs::channel_id.eq(id.0))
                .count()
                .get_result(conn)?;
            if used > 0 {
                return Err(StoreError::Conflict(format!(
                    "channel {id} has {used} dialogs and cannot be deleted"
                )));
            }
            let n = diesel::delete(channels::table.find(id.0)).execute(conn)?;
            if n == 0 {
                return Err(StoreError::not_found("channel", id.0));
            }
            Ok(())
        })
    }
}
