//! Large data sets (`dialogdesk seed --dialogs N`): consistent snapshots in
//! multi-row batches, for speed.

use super::{random_person, random_phone};
use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use chrono::Duration;
use dialogdesk_domain::*;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

pub(super) const BULK_BATCH: usize = 500;

/// One batch of bulk dialogs: clients, dialogs, messages, one status event
/// each, and the counters, in multi-row inserts.
pub(super) fn bulk_batch(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    batch: usize,
    channels: &[(i64, String)],
    steps: &[(i64, i64, String)],
    operators: &[(i64, String)],
) -> StoreResult<()> {
    let created = now();
    let mut client_rows = Vec::with_capacity(batch);
    let mut client_names = Vec::with_capacity(batch);
    for i in 0..batch {
        let english = i % 4 == 3;
        let name = random_person(rng, english);
        let phone = random_phone(rng, english);
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        client_names.push((name.clone(), digits.clone()));
        client_rows.push((
            clients::search_name.eq(name.to_lowercase()),
            clients::name.eq(name),
            clients::phone.eq(Some(phone)),
            clients::phone_digits.eq(digits),
            clients::custom_fields.eq("{}"),
            clients::created_at.eq(to_db(created)),
        ));
    }
    let client_ids: Vec<i64> = crate::on_backend!(conn, |c| diesel::insert_into(clients::table)
        .values(&client_rows)
        .returning(clients::id)
        .get_results(c))?;

    let mut dialog_rows = Vec::with_capacity(batch);
    let mut per_status: HashMap<Status, i64> = HashMap::new();
    let mut message_counts = Vec::with_capacity(batch);
    let mut facts: Vec<(i64, Status)> = Vec::with_capacity(batch);
    for (client_id, (client_name, digits)) in client_ids.iter().zip(client_names) {
        let status = *Status::ALL.choose(rng).unwrap_or(&Status::Auto);
        let step = steps.choose(rng).cloned();
        let on_step = status.needs_step() || (status != Status::Start && rng.random_bool(0.7));
        let (flow_id, step_id) = match (&step, on_step) {
            (Some((s, f, _)), true) => (Some(*f), Some(*s)),
            _ => (None, None),
        };
        let at = created - Duration::minutes(rng.random_range(0..60 * 24 * 90));
        let count = rng.random_range(1..8i64);
        // `ignore` needs the lead to have written last; others alternate.
        let author = if status == Status::Ignore || count % 2 == 1 {
            Author::Lead
        } else {
            Author::Bot
        };
        let finished =
            status == Status::Finished || (status == Status::Ignore && rng.random_bool(0.5));
        *per_status.entry(status).or_default() += 1;
        message_counts.push((count, author));
        let (channel_id, channel_name) = channels.choose(rng).cloned().unwrap_or_default();
        facts.push((channel_id, status));
        let finisher = if finished {
            operators.choose(rng).cloned()
        } else {
            None
        };
        dialog_rows.push((
            dialogs::client_id.eq(*client_id),
            dialogs::channel_id.eq(channel_id),
            dialogs::status.eq(status.as_str()),
            dialogs::flow_id.eq(flow_id),
            dialogs::step_id.eq(step_id),
            dialogs::assignee_id.eq(operators
                .choose(rng)
                .map(|o| o.0)
                .filter(|_| rng.random_bool(0.5))),
            dialogs::last_message_at.eq(to_db(at + Duration::minutes(count * 3))),
            dialogs::last_message_author.eq(Some(author.as_str())),
            dialogs::last_message_kind.eq(Some("text")),
            dialogs::last_message_text.eq(Some(if author == Author::Lead {
                "Здравствуйте!"
            } else {
                "Чем могу помочь?"
            })),
            dialogs::message_count.eq(count),
            dialogs::finished_at.eq(finished.then(|| to_db(at + Duration::minutes(count * 3)))),
            dialogs::finished_by.eq(finisher.as_ref().map(|f| f.0)),
            dialogs::finished_by_name.eq(finisher.map(|f| f.1).unwrap_or_default()),
            dialogs::client_name.eq(client_name),
            dialogs::client_phone_digits.eq(digits),
            dialogs::channel_name.eq(channel_name),
            dialogs::version.eq(2),
            dialogs::created_at.eq(to_db(at)),
            dialogs::updated_at.eq(to_db(at)),
        ));
    }
    let dialog_ids: Vec<i64> = crate::on_backend!(conn, |c| diesel::insert_into(dialogs::table)
        .values(&dialog_rows)
        .returning(dialogs::id)
        .get_results(c))?;

    let mut message_rows = Vec::new();
    let mut event_rows = Vec::new();
    for ((dialog_id, (count, last_author)), (channel_id, status)) in
        dialog_ids.iter().zip(&message_counts).zip(&facts)
    {
        for n in 0..*count {
            let author = if n == count - 1 {
                *last_author
            } else if n % 2 == 0 {
                Author::Lead
            } else {
                Author::Bot
            };
            message_rows.push((
                messages::dialog_id.eq(*dialog_id),
                messages::channel_id.eq(*channel_id),
                messages::author.eq(author.as_str()),
                messages::kind.eq("text"),
                messages::text.eq(if author == Author::Lead {
                    "Здравствуйте!"
                } else {
                    "Чем могу помочь?"
                }),
                messages::sent_at.eq(to_db(created - Duration::minutes(n))),
                messages::created_at.eq(to_db(created)),
            ));
        }
        event_rows.push((
            events::dialog_id.eq(*dialog_id),
            events::kind.eq("status_changed"),
            events::actor_kind.eq("system"),
            events::reason.eq("seeded"),
            events::before_value.eq("\"start\""),
            events::after_value.eq(format!("\"{status}\"")),
            events::created_at.eq(to_db(created)),
        ));
    }
    // Stay under SQLite's bound-parameter limit.
    for chunk in message_rows.chunks(2000) {
        crate::on_backend!(conn, |c| diesel::insert_into(messages::table)
            .values(chunk)
            .execute(c))?;
    }
    crate::on_backend!(conn, |c| diesel::insert_into(events::table)
        .values(&event_rows)
        .execute(c))?;
    for (status, n) in per_status {
        diesel::update(status_counters::table.find(status.as_str()))
            .set(status_counters::count.eq(status_counters::count + n))
            .execute(conn)?;
    }
    Ok(())
}

impl Store {
    /// Seeds `count` more dialogs quickly, in batches; `progress` is called
    /// with the number written so far. Needs the catalog (run `--demo`
    /// first, or have channels and flows).
    pub fn seed_bulk(&self, count: usize, progress: &dyn Fn(usize)) -> StoreResult<usize> {
        let (channels, flows, operators) = self.read("seed_bulk", |conn| {
            let channels: Vec<(i64, String)> = channels::table
                .select((channels::id, channels::name))
                .load(conn)?;
            let steps: Vec<(i64, i64, String)> = steps::table
                .select((steps::id, steps::flow_id, steps::finish_status))
                .load(conn)?;
            let operators: Vec<(i64, String)> = operators::table
                .select((operators::id, operators::name))
                .load(conn)?;
            Ok((channels, steps, operators))
        })?;
        if channels.is_empty() || flows.is_empty() {
            return Err(StoreError::invalid(
                "dialogs",
                "seed the demo catalog first (`dialogdesk seed --demo`)",
            ));
        }
        let mut rng = StdRng::seed_from_u64(count as u64);
        let mut done = 0;
        while done < count {
            let batch = (count - done).min(BULK_BATCH);
            self.write("seed_bulk", |conn| {
                bulk_batch(conn, &mut rng, batch, &channels, &flows, &operators)
            })?;
            done += batch;
            progress(done);
        }
        // Bulk rows bypass the state machine, so its per-change upkeep of
        // the facet counters did not run: count them once, at the end.
        self.write("seed_bulk", crate::dialogs::facets::rebuild_facet_counters)?;
        Ok(done)
    }
}
