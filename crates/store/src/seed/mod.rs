//! Demo data (`dialogdesk seed --demo`) and large data sets
//! (`dialogdesk seed --dialogs N`).
//!
//! The demo set is played through the state machine event by event, so its
//! timeline, counters and finishes are exactly what real traffic would leave.
//! The bulk set writes consistent snapshots in large batches, for speed.

mod bulk;
mod demo;
mod script;

use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::Store;
pub use demo::*;
use dialogdesk_domain::*;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use script::*;

fn parse<T>(r: Result<T, InvalidValue>) -> StoreResult<T> {
    r.map_err(|e| StoreError::invalid("seed", e.0))
}

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

fn random_person(rng: &mut StdRng, english: bool) -> String {
    if english {
        format!("{} {}", pick(rng, FIRST_NAMES_EN), pick(rng, LAST_NAMES_EN))
    } else {
        let (male, female) = SURNAMES_RU
            .choose(rng)
            .copied()
            .unwrap_or(("Иванов", "Иванова"));
        if rng.random_bool(0.5) {
            format!("{} {female}", pick(rng, WOMEN_RU))
        } else {
            format!("{} {male}", pick(rng, MEN_RU))
        }
    }
}

fn random_phone(rng: &mut StdRng, english: bool) -> String {
    if english {
        format!(
            "+1{}{:07}",
            rng.random_range(201..990),
            rng.random_range(0..10_000_000)
        )
    } else {
        format!("+79{:09}", rng.random_range(0..1_000_000_000u64))
    }
}

impl Store {
    /// Whether the database has no operators yet (a fresh install).
    pub fn is_empty(&self) -> StoreResult<bool> {
        self.read("is_empty", |conn| {
            let n: i64 = operators::table.count().get_result(conn)?;
            Ok(n == 0)
        })
    }
}
