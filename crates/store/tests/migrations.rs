//! Every migration runs up, down and up again, on both backends.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_store::db::{establish, migrations_for, DatabaseTarget};
use dialogdesk_store::listing::PhoneMatch;
use dialogdesk_store::StoreError;
use dialogdesk_testkit::TestDb;
use diesel::RunQueryDsl;
use diesel_migrations::MigrationHarness;

fn migrations_run_up_down_and_up_again(db: &TestDb) {
    // Store::open already ran them up once.
    let target = DatabaseTarget::parse(&db.url).unwrap();
    let mut conn = establish(&target).unwrap();
    let migrations = migrations_for(&conn);
    let applied = conn.applied_migrations().unwrap();
    assert!(!applied.is_empty(), "migrations ran at open");

    conn.revert_all_migrations(migrations_for(&conn)).unwrap();
    assert!(conn.applied_migrations().unwrap().is_empty());
    // The tables are really gone.
    assert!(diesel::sql_query("SELECT id FROM dialogs")
        .execute(&mut conn)
        .is_err());
    // A database error names the store operation that failed, for the log.
    match db.store.channels() {
        Err(StoreError::Database(cause)) => assert!(
            format!("{cause:#}").contains("store operation `channels`"),
            "{cause:#}"
        ),
        other => panic!("expected a database error, got {other:?}"),
    }

    let ran = conn.run_pending_migrations(migrations).unwrap();
    assert_eq!(ran.len(), applied.len());
    // And the schema works again through the store.
    let channel = db
        .store
        .create_channel(
            dialogdesk_domain::ChannelKind::Web,
            &dialogdesk_domain::Label::parse("Site").unwrap(),
        )
        .unwrap();
    assert_eq!(db.store.channels().unwrap(), vec![channel]);
    assert_eq!(
        db.store
            .counts(None, &Default::default(), PhoneMatch::Fragment)
            .unwrap()
            .statuses
            .all,
        0
    );
}

fn opening_twice_runs_no_migration_the_second_time(db: &TestDb) {
    let again = dialogdesk_store::Store::open(&db.url).unwrap();
    assert_eq!(again.migrate().unwrap(), 0);
}

/// Migration 000007 computes the reply times of the history already
/// stored; they must be what the store writes with each new message. The
/// bulk seed writes them by the store's rule: revert the migration (the
/// columns go), run it again (the backfill computes them) and compare.
fn the_reply_times_backfill_follows_the_write_rule(db: &TestDb) {
    use dialogdesk_store::schema::{assignment_rollup, dialogs, messages, reply_rollup};
    use diesel::prelude::*;
    db.store.seed_demo().unwrap();
    db.store.seed_bulk(400, &|_| ()).unwrap();
    type Stored = (
        Vec<(i64, Option<f64>)>,
        Vec<(i64, Option<chrono::NaiveDateTime>)>,
        Vec<(chrono::NaiveDate, i64, i64, i64)>,
        Vec<(chrono::NaiveDateTime, i64, i64)>,
    );
    let stored = || -> Stored {
        db.store
            .read("test_reply_times", |conn| {
                let replies = messages::table
                    .select((messages::id, messages::response_seconds))
                    .order_by(messages::id)
                    .load(conn)?;
                let waiting = dialogs::table
                    .select((dialogs::id, dialogs::awaiting_reply_since))
                    .order_by(dialogs::id)
                    .load(conn)?;
                // The rollups the store sums (the seed's) and the ones the
                // migration sums must be the same.
                let reply_sums = reply_rollup::table
                    .order_by((
                        reply_rollup::day,
                        reply_rollup::operator_id,
                        reply_rollup::bucket,
                    ))
                    .load(conn)?;
                let assignment_sums = assignment_rollup::table
                    .order_by((assignment_rollup::hour, assignment_rollup::operator_id))
                    .load(conn)?;
                Ok((replies, waiting, reply_sums, assignment_sums))
            })
            .unwrap()
    };
    let written = stored();
    assert!(
        written.0.iter().filter(|(_, r)| r.is_some()).count() > 100,
        "the seed writes reply times"
    );
    assert!(written.1.iter().any(|(_, w)| w.is_some()));
    assert!(!written.2.is_empty() && !written.3.is_empty());

    let target = DatabaseTarget::parse(&db.url).unwrap();
    let mut conn = establish(&target).unwrap();
    // Back to before 000007 (the later ones first).
    loop {
        let reverted = conn.revert_last_migration(migrations_for(&conn)).unwrap();
        if reverted.to_string().ends_with("000007") {
            break;
        }
    }
    conn.run_pending_migrations(migrations_for(&conn)).unwrap();
    assert_eq!(stored(), written);
}

dialogdesk_testkit::on_both_backends!(
    db =>
    migrations_run_up_down_and_up_again,
    opening_twice_runs_no_migration_the_second_time,
    the_reply_times_backfill_follows_the_write_rule
);
