//! Tags and their colours.

use super::unique_or;
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::Store;
use dialogdesk_domain::wire::CatalogPart;
use dialogdesk_domain::*;
use diesel::prelude::*;

impl Store {
    /// Creates a tag.
    pub fn create_tag(&self, name: &Label, color: &Color) -> StoreResult<Tag> {
        self.write_catalog("create_tag", CatalogPart::Tags, |conn| {
            let id: i64 = diesel::insert_into(tags::table)
                .values((tags::name.eq(name.as_str()), tags::color.eq(color.as_str())))
                .returning(tags::id)
                .get_result(conn)
                .map_err(|e| unique_or(e, || format!("a tag named {name} exists already")))?;
            Ok(Tag {
                id: TagId(id),
                name: name.to_string(),
                color: color.as_str().to_owned(),
            })
        })
    }

    /// Every tag, by name.
    pub fn tags(&self) -> StoreResult<Vec<Tag>> {
        self.read("tags", |conn| {
            Ok(tags::table
                .select(TagRow::as_select())
                .order_by((tags::name, tags::id))
                .load(conn)?
                .into_iter()
                .map(|t| Tag {
                    id: TagId(t.id),
                    name: t.name,
                    color: t.color,
                })
                .collect())
        })
    }

    /// Renames or recolours a tag.
    pub fn update_tag(
        &self,
        id: TagId,
        name: Option<&Label>,
        color: Option<&Color>,
    ) -> StoreResult<Tag> {
        self.write_catalog("update_tag", CatalogPart::Tags, |conn| {
            let current: TagRow = tags::table
                .find(id.0)
                .select(TagRow::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| StoreError::not_found("tag", id.0))?;
            let name = name.map_or(current.name, Label::to_string);
            let color = color.map_or(current.color, |c| c.as_str().to_owned());
            diesel::update(tags::table.find(id.0))
                .set((tags::name.eq(&name), tags::color.eq(&color)))
                .execute(conn)
                .map_err(|e| unique_or(e, || format!("a tag named {name} exists already")))?;
            Ok(Tag { id, name, color })
        })
    }

    /// Deletes a tag; it disappears from every dialog.
    pub fn delete_tag(&self, id: TagId) -> StoreResult<()> {
        self.write_catalog("delete_tag", CatalogPart::Tags, |conn| {
            diesel::delete(dialog_tags::table.filter(dialog_tags::tag_id.eq(id.0)))
                .execute(conn)?;
            crate::dialogs::facets::forget_tag(conn, id.0)?;
            let n = diesel::delete(tags::table.find(id.0)).execute(conn)?;
            if n == 0 {
                return Err(StoreError::not_found("tag", id.0));
            }
            Ok(())
        })
    }
}
