//! Administration data: operators, channels, flows with steps, tags.

use crate::error::{is_unique_violation, StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use dialogdesk_domain::*;
use diesel::prelude::*;

/// A new operator, already validated.
#[derive(Debug, Clone)]
pub struct NewOperator {
    /// Display name.
    pub name: PersonName,
    /// Login.
    pub email: Email,
    /// Role.
    pub role: Role,
    /// The password in clear; only its argon2 hash is stored.
    pub password: String,
}

/// A change to an operator; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OperatorChange {
    /// New name.
    pub name: Option<PersonName>,
    /// New login.
    pub email: Option<Email>,
    /// New role.
    pub role: Option<Role>,
    /// Activate or deactivate.
    pub active: Option<bool>,
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> StoreResult<String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StoreError::invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Database(anyhow::anyhow!("hashing a password: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn unique_or(e: diesel::result::Error, message: impl FnOnce() -> String) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Conflict(message())
    } else {
        e.into()
    }
}

/// Loads one operator (active or not).
pub fn operator(conn: &mut DbConnection, id: OperatorId) -> StoreResult<Operator> {
    operators::table
        .find(id.0)
        .select(OperatorRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("operator", id.0))?
        .into_operator()
}

impl Store {
    /// Creates an operator.
    pub fn create_operator(&self, new: NewOperator) -> StoreResult<Operator> {
        let hash = hash_password(&new.password)?;
        self.write(|conn| {
            let id: i64 = diesel::insert_into(operators::table)
                .values((
                    operators::name.eq(new.name.as_str()),
                    operators::email.eq(new.email.as_str()),
                    operators::role.eq(new.role.as_str()),
                    operators::password_hash.eq(&hash),
                    operators::active.eq(true),
                    operators::created_at.eq(to_db(now())),
                ))
                .returning(operators::id)
                .get_result(conn)
                .map_err(|e| {
                    unique_or(e, || {
                        format!(
                            "an operator with e-mail {} exists already",
                            new.email.as_str()
                        )
                    })
                })?;
            operator(conn, OperatorId(id))
        })
    }

    /// Every operator, by name.
    pub fn operators(&self) -> StoreResult<Vec<Operator>> {
        self.read(|conn| {
            operators::table
                .select(OperatorRow::as_select())
                .order_by((operators::name, operators::id))
                .load(conn)?
                .into_iter()
                .map(OperatorRow::into_operator)
                .collect()
        })
    }

    /// One operator.
    pub fn operator(&self, id: OperatorId) -> StoreResult<Operator> {
        self.read(|conn| operator(conn, id))
    }

    /// Changes an operator's name, login, role or active flag.
    pub fn update_operator(&self, id: OperatorId, change: OperatorChange) -> StoreResult<Operator> {
        self.write(|conn| {
            let current = operator(conn, id)?;
            let email = change
                .email
                .as_ref()
                .map_or(current.email.as_str(), Email::as_str)
                .to_owned();
            diesel::update(operators::table.find(id.0))
                .set((
                    operators::name.eq(change
                        .name
                        .as_ref()
                        .map_or(current.name.as_str(), PersonName::as_str)),
                    operators::email.eq(&email),
                    operators::role.eq(change.role.unwrap_or(current.role).as_str()),
                    operators::active.eq(change.active.unwrap_or(current.active)),
                ))
                .execute(conn)
                .map_err(|e| {
                    unique_or(e, || {
                        format!("an operator with e-mail {email} exists already")
                    })
                })?;
            operator(conn, id)
        })
    }

    /// Sets a new password.
    pub fn set_password(&self, id: OperatorId, password: &str) -> StoreResult<()> {
        let hash = hash_password(password)?;
        self.write(|conn| {
            let n = diesel::update(operators::table.find(id.0))
                .set(operators::password_hash.eq(&hash))
                .execute(conn)?;
            if n == 0 {
                return Err(StoreError::not_found("operator", id.0));
            }
            Ok(())
        })
    }

    /// The active operator with this login and password, if any. The same
    /// `None` for an unknown login, a wrong password and an inactive
    /// operator, so the answer does not tell which logins exist.
    pub fn verify_login(&self, email: &str, password: &str) -> StoreResult<Option<Operator>> {
        let email = email.trim().to_lowercase();
        let found: Option<(OperatorRow, String)> = self.read(|conn| {
            Ok(operators::table
                .filter(operators::email.eq(&email))
                .select((OperatorRow::as_select(), operators::password_hash))
                .first(conn)
                .optional()?)
        })?;
        match found {
            Some((row, hash)) if row.active && password_matches(password, &hash) => {
                Ok(Some(row.into_operator()?))
            }
            _ => Ok(None),
        }
    }

    /// Creates a channel.
    pub fn create_channel(&self, kind: ChannelKind, name: &Label) -> StoreResult<Channel> {
        self.write(|conn| {
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
        self.read(|conn| {
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
        self.write(|conn| {
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
            Ok(Channel { id, kind, name })
        })
    }

    /// Deletes a channel that has no dialogs.
    pub fn delete_channel(&self, id: ChannelId) -> StoreResult<()> {
        self.write(|conn| {
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

    /// Creates a flow with its steps in the given order.
    pub fn create_flow(&self, name: &Label, steps: &[(Label, FinishStatus)]) -> StoreResult<Flow> {
        self.write(|conn| {
            let flow_id: i64 = diesel::insert_into(flows::table)
                .values((
                    flows::name.eq(name.as_str()),
                    flows::created_at.eq(to_db(now())),
                ))
                .returning(flows::id)
                .get_result(conn)?;
            for (position, (step_name, finish)) in steps.iter().enumerate() {
                insert_step(
                    conn,
                    FlowId(flow_id),
                    step_name,
                    position_of(position)?,
                    *finish,
                )?;
            }
            flow(conn, FlowId(flow_id))
        })
    }

    /// Every flow with its steps.
    pub fn flows(&self) -> StoreResult<Vec<Flow>> {
        self.read(|conn| {
            let flow_rows: Vec<(i64, String)> = flows::table
                .select((flows::id, flows::name))
                .order_by(flows::id)
                .load(conn)?;
            let step_rows: Vec<StepRow> = steps::table
                .select(StepRow::as_select())
                .order_by((steps::flow_id, steps::position, steps::id))
                .load(conn)?;
            flow_rows
                .into_iter()
                .map(|(id, name)| {
                    let steps = step_rows
                        .iter()
                        .filter(|s| s.flow_id == id)
                        .map(StepRow::to_step)
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok(Flow {
                        id: FlowId(id),
                        name,
                        steps,
                    })
                })
                .collect()
        })
    }

    /// One flow with its steps.
    pub fn flow(&self, id: FlowId) -> StoreResult<Flow> {
        self.read(|conn| flow(conn, id))
    }

    /// Renames a flow.
    pub fn rename_flow(&self, id: FlowId, name: &Label) -> StoreResult<Flow> {
        self.write(|conn| {
            let n = diesel::update(flows::table.find(id.0))
                .set(flows::name.eq(name.as_str()))
                .execute(conn)?;
            if n == 0 {
                return Err(StoreError::not_found("flow", id.0));
            }
            flow(conn, id)
        })
    }

    /// Adds a step at the end of a flow.
    pub fn add_step(
        &self,
        flow_id: FlowId,
        name: &Label,
        finish: FinishStatus,
    ) -> StoreResult<Flow> {
        self.write(|conn| {
            let existing = flow(conn, flow_id)?;
            insert_step(
                conn,
                flow_id,
                name,
                position_of(existing.steps.len())?,
                finish,
            )?;
            flow(conn, flow_id)
        })
    }

    /// Renames a step or changes its finish status. Dialogs already on the
    /// step keep their status: a finish status applies when a step is reached.
    pub fn update_step(
        &self,
        id: StepId,
        name: Option<&Label>,
        finish: Option<FinishStatus>,
    ) -> StoreResult<Flow> {
        self.write(|conn| {
            let step = step_row(conn, id)?;
            diesel::update(steps::table.find(id.0))
                .set((
                    steps::name.eq(name.map_or(step.name.clone(), Label::to_string)),
                    steps::finish_status
                        .eq(finish.map_or(step.finish_status.clone(), |f| f.as_str().to_owned())),
                ))
                .execute(conn)?;
            flow(conn, FlowId(step.flow_id))
        })
    }

    /// Puts a flow's steps in the given order; the list must name every step
    /// of the flow exactly once.
    pub fn reorder_steps(&self, flow_id: FlowId, order: &[StepId]) -> StoreResult<Flow> {
        self.write(|conn| {
            let existing = flow(conn, flow_id)?;
            let mut have: Vec<StepId> = existing.steps.iter().map(|s| s.id).collect();
            let mut want = order.to_vec();
            have.sort();
            want.sort();
            if have != want {
                return Err(StoreError::invalid(
                    "step_ids",
                    format!("must list every step of flow {flow_id} exactly once"),
                ));
            }
            for (position, step_id) in order.iter().enumerate() {
                diesel::update(steps::table.find(step_id.0))
                    .set(steps::position.eq(position_of(position)?))
                    .execute(conn)?;
            }
            flow(conn, flow_id)
        })
    }

    /// Deletes a step no dialog stands on.
    pub fn delete_step(&self, id: StepId) -> StoreResult<Flow> {
        self.write(|conn| {
            let step = step_row(conn, id)?;
            let used: i64 = dialogs::table
                .filter(dialogs::step_id.eq(id.0))
                .count()
                .get_result(conn)?;
            if used > 0 {
                return Err(StoreError::Conflict(format!(
                    "{used} dialogs stand on step {id}; move them first"
                )));
            }
            diesel::delete(steps::table.find(id.0)).execute(conn)?;
            flow(conn, FlowId(step.flow_id))
        })
    }

    /// Creates a tag.
    pub fn create_tag(&self, name: &Label, color: &Color) -> StoreResult<Tag> {
        self.write(|conn| {
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
        self.read(|conn| {
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
        self.write(|conn| {
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
        self.write(|conn| {
            diesel::delete(dialog_tags::table.filter(dialog_tags::tag_id.eq(id.0)))
                .execute(conn)?;
            let n = diesel::delete(tags::table.find(id.0)).execute(conn)?;
            if n == 0 {
                return Err(StoreError::not_found("tag", id.0));
            }
            Ok(())
        })
    }
}

fn position_of(index: usize) -> StoreResult<i32> {
    i32::try_from(index).map_err(|_| StoreError::invalid("steps", "too many steps"))
}

fn insert_step(
    conn: &mut DbConnection,
    flow_id: FlowId,
    name: &Label,
    position: i32,
    finish: FinishStatus,
) -> StoreResult<()> {
    diesel::insert_into(steps::table)
        .values((
            steps::flow_id.eq(flow_id.0),
            steps::name.eq(name.as_str()),
            steps::position.eq(position),
            steps::finish_status.eq(finish.as_str()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One step row.
pub fn step_row(conn: &mut DbConnection, id: StepId) -> StoreResult<StepRow> {
    steps::table
        .find(id.0)
        .select(StepRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("step", id.0))
}

/// One flow with its steps.
pub fn flow(conn: &mut DbConnection, id: FlowId) -> StoreResult<Flow> {
    let name: String = flows::table
        .find(id.0)
        .select(flows::name)
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("flow", id.0))?;
    let steps = steps::table
        .filter(steps::flow_id.eq(id.0))
        .select(StepRow::as_select())
        .order_by((steps::position, steps::id))
        .load(conn)?
        .iter()
        .map(StepRow::to_step)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Flow { id, name, steps })
}
