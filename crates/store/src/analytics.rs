//! Analytics for heads of sales: finished dialogs per employee, channel and
//! day; per-manager stats.

use crate::error::StoreResult;
use crate::models::*;
use crate::schema::*;
use crate::time::to_db;
use crate::Store;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use dialogdesk_domain::wire::{
    FinishedByOperator, FinishedOnChannel, FinishedOnDay, ManagerStats, OperatorRef,
};
use dialogdesk_domain::*;
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A half-open time range `[from, to)` and the UTC offset days are cut at.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// Start, inclusive.
    pub from: DateTime<Utc>,
    /// End, exclusive.
    pub to: DateTime<Utc>,
    /// Minutes east of UTC for grouping by day (e.g. 180 for Moscow).
    pub utc_offset_minutes: i32,
}

impl Range {
    fn day_of(&self, at: NaiveDateTime) -> NaiveDate {
        (at + Duration::minutes(i64::from(self.utc_offset_minutes))).date()
    }
}

impl Store {
    /// Finished dialogs per employee, most first. Counts each dialog's last
    /// finish, when it falls in the range.
    pub fn finished_per_operator(&self, range: &Range) -> StoreResult<Vec<FinishedByOperator>> {
        self.read("finished_per_operator", |conn| {
            let rows: Vec<(Option<i64>, i64)> = dialogs::table
                .filter(dialogs::finished_at.ge(to_db(range.from)))
                .filter(dialogs::finished_at.lt(to_db(range.to)))
                .group_by(dialogs::finished_by)
                .select((dialogs::finished_by, count_star()))
                .load(conn)?;
            let names: HashMap<i64, String> = operators::table
                .select((operators::id, operators::name))
                .load(conn)?
                .into_iter()
                .collect();
            let mut out: Vec<FinishedByOperator> = rows
                .into_iter()
                .map(|(id, finished)| FinishedByOperator {
                    operator: id.map(|id| OperatorRef {
                        id: OperatorId(id),
                        name: names.get(&id).cloned().unwrap_or_default(),
                    }),
                    finished,
                })
                .collect();
            out.sort_by(|a, b| {
                b.finished.cmp(&a.finished).then_with(|| {
                    a.operator
                        .as_ref()
                        .map(|o| o.id)
                        .cmp(&b.operator.as_ref().map(|o| o.id))
                })
            });
            Ok(out)
        })
    }

    /// Finished dialogs per channel, most first.
    pub fn finished_per_channel(&self, range: &Range) -> StoreResult<Vec<FinishedOnChannel>> {
        self.read("finished_per_channel", |conn| {
            let rows: Vec<(i64, i64)> = dialogs::table
                .filter(dialogs::finished_at.ge(to_db(range.from)))
                .filter(dialogs::finished_at.lt(to_db(range.to)))
                .group_by(dialogs::channel_id)
                .select((dialogs::channel_id, count_star()))
                .load(conn)?;
            let channels: HashMap<i64, ChannelRow> = channels::table
                .select(ChannelRow::as_select())
                .load(conn)?
                .into_iter()
                .map(|c: ChannelRow| (c.id, c))
                .collect();
            let mut out = rows
                .into_iter()
                .filter_map(|(id, finished)| channels.get(&id).map(|c| (c, finished)))
                .map(|(c, finished)| {
                    Ok(FinishedOnChannel {
                        channel: c.to_ref()?,
                        finished,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            out.sort_by(|a, b| {
                b.finished
                    .cmp(&a.finished)
                    .then(a.channel.id.cmp(&b.channel.id))
            });
            Ok(out)
        })
    }

    /// Finished dialogs per day, every day of the range listed (zeros too),
    /// so charts need no gap filling.
    pub fn finished_per_day(&self, range: &Range) -> StoreResult<Vec<FinishedOnDay>> {
        self.read("finished_per_day", |conn| {
            let times: Vec<Option<NaiveDateTime>> = dialogs::table
                .filter(dialogs::finished_at.ge(to_db(range.from)))
                .filter(dialogs::finished_at.lt(to_db(range.to)))
                .select(dialogs::finished_at)
                .load(conn)?;
            let first = range.day_of(to_db(range.from));
            let last = range.day_of(to_db(range.to - Duration::microseconds(1)));
            let mut days: BTreeMap<NaiveDate, i64> = first
                .iter_days()
                .take_while(|d| *d <= last)
                .map(|d| (d, 0))
                .collect();
            for at in times.into_iter().flatten() {
                *days.entry(range.day_of(at)).or_default() += 1;
            }
            Ok(days
                .into_iter()
                .map(|(day, finished)| FinishedOnDay { day, finished })
                .collect())
        })
    }

    /// Per-manager stats over the range, for every operator with activity.
    pub fn manager_stats(&self, range: &Range) -> StoreResult<Vec<ManagerStats>> {
        self.read("manager_stats", |conn| {
            let names: HashMap<i64, String> = operators::table
                .select((operators::id, operators::name))
                .load(conn)?
                .into_iter()
                .collect();
            let mut stats: BTreeMap<i64, ManagerStats> = BTreeMap::new();
            // Taken: timeline entries that set the assignee.
            let taken: Vec<(String, NaiveDateTime)> = events::table
                .filter(events::kind.eq("assignee_changed"))
                .filter(events::created_at.ge(to_db(range.from)))
                .filter(events::created_at.lt(to_db(range.to)))
                .select((events::after_value, events::created_at))
                .load(conn)?;
            for (after, at) in taken {
                if let Ok(Some(id)) = serde_json::from_str::<Option<i64>>(&after) {
                    *stats_entry(&mut stats, &names, id)
                        .taken_per_day
                        .entry(range.day_of(at))
                        .or_default() += 1;
                }
            }
            // Messages in the range, in order per dialog, for counts and response times.
            let messages: Vec<(i64, String, Option<i64>, NaiveDateTime)> = messages::table
                .filter(messages::sent_at.ge(to_db(range.from)))
                .filter(messages::sent_at.lt(to_db(range.to)))
                .filter(messages::author.ne("bot"))
                .select((
                    messages::dialog_id,
                    messages::author,
                    messages::operator_id,
                    messages::sent_at,
                ))
                .order_by((messages::dialog_id, messages::sent_at, messages::id))
                .load(conn)?;
            let mut responses: HashMap<i64, Vec<f64>> = HashMap::new();
            let mut waiting_since: Option<(i64, NaiveDateTime)> = None;
            for (dialog, author, operator, at) in messages {
                if waiting_since.is_some_and(|(d, _)| d != dialog) {
                    waiting_since = None;
                }
                match (author.as_str(), operator) {
                    // The turn starts at the lead's first unanswered message.
                    ("lead", _) if waiting_since.is_none() => waiting_since = Some((dialog, at)),
                    ("operator", Some(op)) => {
                        stats_entry(&mut stats, &names, op).messages_sent += 1;
                        if let Some((_, since)) = waiting_since.take() {
                            responses
                                .entry(op)
                                .or_default()
                                .push((at - since).num_milliseconds() as f64 / 1000.0);
                        }
                    }
                    _ => {}
                }
            }
            for (op, mut times) in responses {
                times.sort_by(f64::total_cmp);
                let mid = times.len() / 2;
                let median = if times.len() % 2 == 1 {
                    times[mid]
                } else {
                    (times[mid - 1] + times[mid]) / 2.0
                };
                stats_entry(&mut stats, &names, op).median_first_response_seconds = Some(median);
            }
            Ok(stats.into_values().collect())
        })
    }
}

/// The stats of one operator, created empty on first use.
fn stats_entry<'a>(
    stats: &'a mut BTreeMap<i64, ManagerStats>,
    names: &HashMap<i64, String>,
    id: i64,
) -> &'a mut ManagerStats {
    stats.entry(id).or_insert_with(|| ManagerStats {
        operator: OperatorRef {
            id: OperatorId(id),
            name: names.get(&id).cloned().unwrap_or_default(),
        },
        taken_per_day: BTreeMap::new(),
        messages_sent: 0,
        median_first_response_seconds: None,
    })
}
