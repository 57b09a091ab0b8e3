//! `schema.rs` is written by hand for both backends; this test holds it
//! against what each migration tree really creates: every table and column
//! of the schema exists with the same nullability and a matching type, and
//! no migrated table has a column the schema does not know.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_store::db::{establish, DatabaseTarget};
use dialogdesk_store::DbConnection;
use dialogdesk_testkit::TestDb;
use diesel::sql_types::{Integer, Text};
use diesel::{QueryableByName, RunQueryDsl};
use std::collections::BTreeMap;

/// One column as `schema.rs` declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Declared {
    sql_type: String,
    nullable: bool,
}

/// Tables the schema declares for one backend only.
const SQLITE_ONLY: &[&str] = &["clients_search"];

/// `table_name -> column -> declaration`, read from the schema's source.
fn declared_schema() -> BTreeMap<String, BTreeMap<String, Declared>> {
    let source = include_str!("../src/schema.rs");
    let mut tables = BTreeMap::new();
    let mut current: Option<(String, BTreeMap<String, Declared>)> = None;
    for line in source.lines().map(str::trim) {
        if let Some((name, _)) = line.split_once(" (").filter(|_| line.ends_with(") {")) {
            current = Some((name.to_owned(), BTreeMap::new()));
        } else if let (Some((_, columns)), Some((column, ty))) =
            (current.as_mut(), line.split_once(" -> "))
        {
            let ty = ty.trim_end_matches(',');
            let (nullable, inner) = match ty.strip_prefix("Nullable<") {
                Some(rest) => (true, rest.trim_end_matches('>')),
                None => (false, ty),
            };
            columns.insert(
                column.to_owned(),
                Declared {
                    sql_type: inner.to_owned(),
                    nullable,
                },
            );
        } else if line == "}" {
            if let Some((name, columns)) = current.take() {
                tables.insert(name, columns);
            }
        }
    }
    assert!(tables.len() >= 10, "the schema parser found {tables:?}");
    tables
}

#[derive(QueryableByName)]
struct DbColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
}

/// The columns the migrated database has for `table`.
fn migrated_columns(conn: &mut DbConnection, table: &str) -> Vec<DbColumn> {
    match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(format!(
            "SELECT name, type AS sql_type, \"notnull\" AS not_null FROM pragma_table_info('{table}')"
        ))
        .load(c)
        .unwrap(),
        DbConnection::Pg(c) => diesel::sql_query(format!(
            "SELECT column_name::text AS name, data_type::text AS sql_type, \
             (is_nullable = 'NO')::int AS not_null FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = '{table}'"
        ))
        .load(c)
        .unwrap(),
    }
}

/// Whether a database type serves a diesel type on either backend.
fn type_matches(declared: &str, migrated: &str) -> bool {
    let migrated = migrated.to_lowercase();
    match declared {
        "BigInt" => matches!(migrated.as_str(), "integer" | "bigint"),
        "Integer" => matches!(migrated.as_str(), "integer"),
        "Text" => migrated == "text",
        "Bool" => matches!(migrated.as_str(), "boolean"),
        "Timestamp" => migrated.starts_with("timestamp"),
        "Double" => matches!(migrated.as_str(), "double" | "double precision"),
        "Date" => migrated == "date",
        _ => false,
    }
}

fn schema_rs_matches_the_migrated_database(db: &TestDb) {
    let mut conn = establish(&DatabaseTarget::parse(&db.url).unwrap()).unwrap();
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    let mut problems = Vec::new();
    for (table, columns) in declared_schema() {
        if !sqlite && SQLITE_ONLY.contains(&table.as_str()) {
            continue;
        }
        let migrated = migrated_columns(&mut conn, &table);
        if migrated.is_empty() {
            problems.push(format!("{table}: declared, but no migration creates it"));
            continue;
        }
        // The FTS5 table's rowid is implicit; its columns are untyped.
        let virtual_table = SQLITE_ONLY.contains(&table.as_str());
        for (name, declared) in &columns {
            let Some(found) = migrated.iter().find(|c| &c.name == name) else {
                if !(virtual_table && name == "rowid") {
                    problems.push(format!("{table}.{name}: declared, not migrated"));
                }
                continue;
            };
            if !virtual_table && !type_matches(&declared.sql_type, &found.sql_type) {
                problems.push(format!(
                    "{table}.{name}: declared {}, migrated {}",
                    declared.sql_type, found.sql_type
                ));
            }
            // SQLite reports INTEGER PRIMARY KEY columns as nullable.
            let primary_key = sqlite && name == "id";
            if !virtual_table && !primary_key && declared.nullable == (found.not_null == 1) {
                problems.push(format!(
                    "{table}.{name}: declared {}, migrated {}",
                    if declared.nullable {
                        "nullable"
                    } else {
                        "NOT NULL"
                    },
                    if found.not_null == 1 {
                        "NOT NULL"
                    } else {
                        "nullable"
                    }
                ));
            }
        }
        for column in &migrated {
            if !columns.contains_key(&column.name) {
                problems.push(format!(
                    "{table}.{}: migrated, not in schema.rs",
                    column.name
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "schema.rs drifted:\n{}",
        problems.join("\n")
    );
}

dialogdesk_testkit::on_both_backends!(db => schema_rs_matches_the_migrated_database);
