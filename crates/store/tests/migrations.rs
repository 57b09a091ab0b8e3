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

dialogdesk_testkit::on_both_backends!(
    db =>
    migrations_run_up_down_and_up_again,
    opening_twice_runs_no_migration_the_second_time
);
