//! The demo data set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_domain::Status;
use dialogdesk_store::listing::PhoneMatch;
use dialogdesk_store::records::RecordsQuery;
use dialogdesk_store::seed::{DEMO_LOGINS, DEMO_PLAN};
use dialogdesk_testkit::TestDb;

fn the_demo_set_fills_every_tab_and_every_operator_finished_some(db: &TestDb) {
    let s = &db.store;
    assert!(s.is_empty().unwrap());
    let summary = s.seed_demo().unwrap();
    assert!(!s.is_empty().unwrap());
    assert_eq!(summary.dialogs, 300);
    let counts = s
        .counts(None, &Default::default(), PhoneMatch::Fragment)
        .unwrap();
    assert_eq!(counts.statuses.all, 300);
    for (status, planned) in DEMO_PLAN {
        assert_eq!(counts.statuses.of(status), planned as i64, "{status}");
    }
    assert_eq!(counts.statuses, s.recount_statuses().unwrap());
    let records = s
        .records(&RecordsQuery {
            phones: PhoneMatch::Fragment,
            limit: 500,
            ..Default::default()
        })
        .unwrap()
        .items;
    for op in &summary.operators {
        assert!(
            records
                .iter()
                .any(|r| r.finished_by.as_ref().is_some_and(|f| f.id == *op)),
            "operator {op} finished some"
        );
    }
    assert!(
        records.iter().any(|r| r.finished_by.is_none()),
        "some finished by a step"
    );
    for login in DEMO_LOGINS {
        assert_eq!(
            s.verify_login(login.email, login.password)
                .unwrap()
                .map(|s| s.operator.role),
            Some(login.role)
        );
    }
    assert_eq!(s.flows().unwrap().len(), 2);
    assert_eq!(s.tags().unwrap().len(), 6);
    assert_eq!(s.channels().unwrap().len(), 4);
}

fn bulk_seeding_adds_consistent_dialogs(db: &TestDb) {
    let s = &db.store;
    s.seed_demo().unwrap();
    let calls = std::cell::Cell::new(0);
    assert_eq!(
        s.seed_bulk(4_100, &|_| calls.set(calls.get() + 1)).unwrap(),
        4_100
    );
    assert_eq!(calls.get(), 3, "progress after each batch of 2,000");
    let counts = s
        .counts(None, &Default::default(), PhoneMatch::Fragment)
        .unwrap();
    assert_eq!(counts.statuses, s.recount_statuses().unwrap());
    assert_eq!(counts.statuses.all, 4_400);
    // Shaped like a bot's year: most finished or automatic, few errors.
    let st = counts.statuses;
    assert!(st.of(Status::Finished) > st.of(Status::Auto));
    assert!(st.of(Status::Auto) > 5 * st.of(Status::Error));
    // Every message stored that the dialogs count; about ten each.
    let (messages, counted): (i64, i64) = s
        .read("test", |conn| {
            use dialogdesk_store::schema::{dialogs, messages};
            use diesel::prelude::*;
            let stored: i64 = messages::table.count().get_result(conn)?;
            let counts: Vec<i64> = dialogs::table.select(dialogs::message_count).load(conn)?;
            Ok((stored, counts.iter().sum()))
        })
        .unwrap();
    assert_eq!(messages, counted);
    assert!((5 * 4_400..16 * 4_400).contains(&messages), "{messages}");
    let (kept, fresh) = s.facet_counters_and_recount().unwrap();
    assert_eq!(kept, fresh);
}

/// The schema objects a large seed drops and builds again: every index
/// and foreign key of the database, by name and definition.
fn indexes_and_keys(db: &TestDb) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Object {
        #[diesel(sql_type = diesel::sql_types::Text)]
        object: String,
    }
    db.store
        .read("test", |conn| {
            use diesel::prelude::*;
            let objects: Vec<Object> = match conn {
                dialogdesk_store::DbConnection::Pg(pg) => diesel::sql_query(
                    "SELECT indexname || ' ' || indexdef AS object FROM pg_indexes \
                     WHERE schemaname = current_schema() \
                     UNION ALL \
                     SELECT conrelid::regclass::text || ' ' || conname || ' ' || \
                            pg_get_constraintdef(oid) \
                     FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
                     ORDER BY 1",
                )
                .load(pg)?,
                // (The statistics tables ANALYZE creates are not schema.)
                dialogdesk_store::DbConnection::Sqlite(sqlite) => diesel::sql_query(
                    "SELECT name || ' ' || COALESCE(sql, '') AS object FROM sqlite_master \
                     WHERE type IN ('index', 'table') \
                     AND name NOT LIKE 'sqlite_stat%' ORDER BY 1",
                )
                .load(sqlite)?,
            };
            Ok(objects.into_iter().map(|o| o.object).collect())
        })
        .unwrap()
}

fn a_large_seed_leaves_every_index_and_foreign_key_as_it_found_them(db: &TestDb) {
    let s = &db.store;
    s.seed_demo().unwrap();
    let before = indexes_and_keys(db);
    assert!(
        before.iter().any(|o| o.contains("dialogs_channel_id_fkey"))
            || db.url.starts_with("sqlite"),
        "{before:?}"
    );
    s.seed_bulk_rebuilding(300, &|_| (), true).unwrap();
    assert_eq!(indexes_and_keys(db), before);
    // The keys hold again: a message of a dialog that does not exist is
    // refused.
    let orphan = s.write("test", |conn| {
        use dialogdesk_store::schema::messages;
        use diesel::prelude::*;
        Ok(diesel::insert_into(messages::table)
            .values((
                messages::dialog_id.eq(i64::MAX),
                messages::channel_id.eq(1),
                messages::author.eq("lead"),
                messages::kind.eq("text"),
                messages::text.eq("orphan"),
                messages::sent_at.eq(chrono::Utc::now().naive_utc()),
                messages::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(conn)?)
    });
    assert!(orphan.is_err(), "{orphan:?}");
    let (kept, fresh) = s.facet_counters_and_recount().unwrap();
    assert_eq!(kept, fresh);
}

dialogdesk_testkit::on_both_backends!(
    db =>
    the_demo_set_fills_every_tab_and_every_operator_finished_some,
    bulk_seeding_adds_consistent_dialogs,
    a_large_seed_leaves_every_index_and_foreign_key_as_it_found_them
);
