//! The dialog list, the counts and the records: every sort both ways pages
//! by cursor through each row exactly once; search by name or phone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod fixtures;

use dialogdesk_domain::wire::{BotEvent, SettingsBody};
use dialogdesk_domain::wire::{DialogFilter, DialogSort, Order, RecordSort};
use dialogdesk_domain::*;
use dialogdesk_store::listing::DialogListQuery;
use dialogdesk_store::listing::PhoneMatch;
use dialogdesk_store::records::RecordsQuery;
use dialogdesk_store::Store;
use dialogdesk_testkit::TestDb;
use fixtures::{catalog, lead_says, Catalog};

const NAMES: &[&str] = &[
    "Анна Кузнецова",
    "анатолий",
    "Boris",
    "boris",
    "Élodie",
    "Zoe",
    "Яна",
    "Mike",
    "Анна Смирнова",
    "Олег",
];

/// 20 dialogs with varied names, phones, message counts and statuses; every
/// third one finished, alternately by an operator and by a step.
fn populate(store: &Store, c: &Catalog) -> Vec<DialogId> {
    let mut ids = Vec::new();
    for i in 0..20usize {
        let name = NAMES[i % NAMES.len()];
        let phone = format!("+7912{:07}", 1_000_000 + i * 3_337);
        let channel = if i % 2 == 0 { c.whatsapp } else { c.telegram };
        let chat = format!("chat-{i}");
        let mut out = lead_says(store, channel, &chat, name, Some(&phone), "hello");
        for _ in 0..(i % 4) {
            out = lead_says(store, channel, &chat, name, None, "again");
        }
        let id = out.dialog_id;
        let engine = Actor::AiEngine(None);
        if i % 3 == 0 {
            store
                .bot_report(
                    id,
                    &BotEvent::FlowLaunched {
                        flow_id: c.sales.id,
                        step_id: c.sales.steps[0].id,
                    },
                    engine,
                )
                .unwrap();
            if i % 2 == 0 {
                let version = store.dialog_state(id).unwrap().version;
                let who = if i % 4 == 0 { c.alice } else { c.bob };
                store
                    .save_settings(
                        id,
                        who,
                        &SettingsBody {
                            version: Some(version),
                            status: Some(Status::Finished),
                            ..Default::default()
                        },
                    )
                    .unwrap();
            } else {
                store
                    .bot_report(
                        id,
                        &BotEvent::StepReached {
                            step_id: c.sales.steps[2].id,
                        },
                        engine,
                    )
                    .unwrap();
            }
        } else if i % 3 == 1 {
            store
                .bot_report(
                    id,
                    &BotEvent::FlowLaunched {
                        flow_id: c.consult.id,
                        step_id: c.consult.steps[0].id,
                    },
                    engine,
                )
                .unwrap();
        }
        if i % 5 == 0 {
            let version = store.dialog_state(id).unwrap().version;
            store
                .save_settings(
                    id,
                    c.alice,
                    &SettingsBody {
                        version: Some(version),
                        tag_ids: Some(vec![c.vip]),
                        assignee_id: Some(Some(c.alice)),
                        ..Default::default()
                    },
                )
                .unwrap();
        }
        ids.push(id);
    }
    ids
}

fn list_all(store: &Store, query: &DialogListQuery, page: usize) -> Vec<wire::DialogListItem> {
    let mut items = Vec::new();
    let mut cursor = None;
    loop {
        let result = store
            .list_dialogs(
                None,
                &DialogListQuery {
                    cursor: cursor.clone(),
                    limit: page,
                    ..query.clone()
                },
            )
            .unwrap();
        assert!(result.items.len() <= page);
        items.extend(result.items);
        match result.next_cursor {
            Some(next) => cursor = Some(next),
            None => return items,
        }
    }
}

fn every_sort_pages_through_each_dialog_once_in_order(db: &TestDb) {
    let c = catalog(&db.store);
    let ids = populate(&db.store, &c);
    for &sort in DialogSort::ALL {
        let asc = DialogListQuery {
            phones: PhoneMatch::Fragment,
            sort,
            order: Order::Asc,
            ..Default::default()
        };
        let paged: Vec<DialogId> = list_all(&db.store, &asc, 3).iter().map(|d| d.id).collect();
        let whole: Vec<DialogId> = list_all(&db.store, &asc, 200)
            .iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(paged, whole, "{sort:?}: pages equal one big page");
        let mut seen = paged.clone();
        seen.sort();
        assert_eq!(seen, ids, "{sort:?}: each dialog exactly once");
        let desc = DialogListQuery {
            phones: PhoneMatch::Fragment,
            sort,
            order: Order::Desc,
            ..Default::default()
        };
        let mut backwards: Vec<DialogId> =
            list_all(&db.store, &desc, 4).iter().map(|d| d.id).collect();
        backwards.reverse();
        assert_eq!(backwards, paged, "{sort:?}: desc is asc reversed");
    }
    let by_count = list_all(
        &db.store,
        &DialogListQuery {
            phones: PhoneMatch::Fragment,
            sort: DialogSort::MessageCount,
            order: Order::Desc,
            ..Default::default()
        },
        5,
    );
    assert!(by_count
        .windows(2)
        .all(|w| w[0].message_count >= w[1].message_count));
    let recent = list_all(&db.store, &DialogListQuery::default(), 5);
    assert!(recent
        .windows(2)
        .all(|w| w[0].last_message.as_ref().unwrap().at >= w[1].last_message.as_ref().unwrap().at));
}

fn each_tab_lists_what_its_count_says(db: &TestDb) {
    let c = catalog(&db.store);
    populate(&db.store, &c);
    db.store.set_favourite(DialogId(3), c.alice, true).unwrap();
    let counts = db
        .store
        .counts(None, &DialogFilter::default(), PhoneMatch::Fragment)
        .unwrap();
    assert_eq!(counts.statuses.all, 20);
    assert_eq!(counts.statuses.status_sum(), counts.statuses.all);
    for view in View::ALL {
        let listed = list_all(
            &db.store,
            &DialogListQuery {
                phones: PhoneMatch::Fragment,
                view: Some(*view),
                ..Default::default()
            },
            50,
        );
        let expected = match view.status() {
            Some(status) => counts.statuses.of(status),
            None if *view == View::All => counts.statuses.all,
            None => 0, // favourites of no viewer
        };
        assert_eq!(listed.len() as i64, expected, "{view}");
        if let Some(status) = view.status() {
            assert!(listed.iter().all(|d| d.status == status));
        }
    }
    // Filters apply to list and counts alike.
    let filter = DialogFilter {
        channel_id: Some(c.whatsapp),
        ..Default::default()
    };
    let filtered = db
        .store
        .counts(Some(c.alice), &filter, PhoneMatch::Fragment)
        .unwrap();
    assert_eq!(filtered.statuses.all, 10);
    assert_eq!(filtered.favourites, 1, "dialog 3 is on WhatsApp");
    let tagged = DialogFilter {
        tag_id: Some(c.vip),
        ..Default::default()
    };
    assert_eq!(
        db.store
            .counts(None, &tagged, PhoneMatch::Fragment)
            .unwrap()
            .statuses
            .all,
        4
    );
    let assigned = DialogFilter {
        assignee_id: Some(c.alice),
        ..Default::default()
    };
    assert_eq!(
        list_all(
            &db.store,
            &DialogListQuery {
                phones: PhoneMatch::Fragment,
                filter: assigned,
                ..Default::default()
            },
            50
        )
        .len(),
        4
    );
    let on_flow = DialogFilter {
        flow_id: Some(c.consult.id),
        ..Default::default()
    };
    assert_eq!(
        db.store
            .counts(None, &on_flow, PhoneMatch::Fragment)
            .unwrap()
            .statuses
            .all,
        7
    );
}

fn a_masked_search_matches_phones_only_by_the_whole_number(db: &TestDb) {
    let c = catalog(&db.store);
    populate(&db.store, &c);
    let find = |q: &str| -> usize {
        let filter = DialogFilter {
            q: Some(q.to_owned()),
            ..Default::default()
        };
        let listed = list_all(
            &db.store,
            &DialogListQuery {
                phones: PhoneMatch::WholeNumber,
                filter: filter.clone(),
                ..Default::default()
            },
            50,
        )
        .len();
        let counted = db
            .store
            .counts(None, &filter, PhoneMatch::WholeNumber)
            .unwrap()
            .statuses
            .all;
        assert_eq!(counted, listed as i64, "counts follow the search `{q}`");
        listed
    };
    // Dialog 1's phone is +79121003337: fragments find nothing…
    for fragment in ["100-33-37", "9121", "7912100333", "3337"] {
        assert_eq!(find(fragment), 0, "{fragment}");
    }
    // …the whole number does, in any notation; names still match by any part.
    for whole in ["+79121003337", "7 (912) 100-33-37", "+7 912 100 33 37"] {
        assert_eq!(find(whole), 1, "{whole}");
    }
    assert_eq!(find("анна"), 4);
}

fn search_finds_by_any_part_of_the_name_or_the_phone(db: &TestDb) {
    let c = catalog(&db.store);
    populate(&db.store, &c);
    let find = |q: &str| -> Vec<String> {
        let filter = DialogFilter {
            q: Some(q.to_owned()),
            ..Default::default()
        };
        let mut names: Vec<String> = list_all(
            &db.store,
            &DialogListQuery {
                phones: PhoneMatch::Fragment,
                filter: filter.clone(),
                ..Default::default()
            },
            50,
        )
        .into_iter()
        .map(|d| d.client.name)
        .collect();
        assert_eq!(
            db.store
                .counts(None, &filter, PhoneMatch::Fragment)
                .unwrap()
                .statuses
                .all,
            names.len() as i64,
            "counts follow the search `{q}`"
        );
        names.sort();
        names
    };
    // Case-insensitive, Cyrillic included, substring anywhere.
    assert_eq!(find("анна").len(), 4);
    assert_eq!(find("КУЗНЕЦ"), vec!["Анна Кузнецова", "Анна Кузнецова"]);
    assert_eq!(find("ан").len(), 6, "two letters: Анна ×4, анатолий ×2");
    assert_eq!(find("BORIS").len(), 4);
    // Phone: digits only matter.
    let phone = "+79121003337"; // dialog 1
    assert_eq!(find("100-33-37").len(), 1);
    assert_eq!(find(phone).len(), 1);
    assert_eq!(find("9121").len(), 20);
    assert!(find("nobody").is_empty());
    assert_eq!(find("%").len(), 20, "a lone wildcard is no search");
}

fn records_sort_by_every_column_and_page_each_finished_dialog_once(db: &TestDb) {
    let c = catalog(&db.store);
    populate(&db.store, &c);
    let finished: Vec<_> = list_all(
        &db.store,
        &DialogListQuery {
            phones: PhoneMatch::Fragment,
            view: Some(View::Finished),
            ..Default::default()
        },
        50,
    );
    assert_eq!(finished.len(), 7);
    let all = |sort, order, page| {
        let mut rows = Vec::new();
        let mut cursor = None;
        loop {
            let result = db
                .store
                .records(&RecordsQuery {
                    phones: PhoneMatch::Fragment,
                    sort,
                    order,
                    cursor: cursor.clone(),
                    limit: page,
                    ..Default::default()
                })
                .unwrap();
            rows.extend(result.items);
            match result.next_cursor {
                Some(next) => cursor = Some(next),
                None => return rows,
            }
        }
    };
    for &sort in RecordSort::ALL {
        let asc: Vec<DialogId> = all(sort, Order::Asc, 2)
            .iter()
            .map(|r| r.dialog_id)
            .collect();
        let whole: Vec<DialogId> = all(sort, Order::Asc, 100)
            .iter()
            .map(|r| r.dialog_id)
            .collect();
        assert_eq!(asc, whole, "{sort:?}");
        let mut desc: Vec<DialogId> = all(sort, Order::Desc, 3)
            .iter()
            .map(|r| r.dialog_id)
            .collect();
        desc.reverse();
        assert_eq!(desc, asc, "{sort:?}: desc is asc reversed");
        let mut set = asc.clone();
        set.sort();
        let mut expected: Vec<DialogId> = finished.iter().map(|d| d.id).collect();
        expected.sort();
        assert_eq!(set, expected, "{sort:?}: each finished dialog once");
    }
    let by_messages = all(RecordSort::MessageCount, Order::Desc, 3);
    assert!(by_messages
        .windows(2)
        .all(|w| w[0].message_count >= w[1].message_count));
    let by_finisher = all(RecordSort::FinishedBy, Order::Asc, 3);
    // A step finish (no operator) sorts first, then operators by name.
    assert!(by_finisher[0].finished_by.is_none());
    assert!(by_finisher
        .iter()
        .any(|r| r.finished_by.as_ref().is_some_and(|f| f.name == "Алиса")));
    let row = &by_finisher[0];
    assert_eq!(row.number, row.client.phone);

    // Search and filters.
    let search = |q: &str| {
        db.store
            .records(&RecordsQuery {
                phones: PhoneMatch::Fragment,
                q: Some(q.into()),
                limit: 50,
                ..Default::default()
            })
            .unwrap()
            .items
    };
    let one = &finished[0];
    let digits: String = one
        .client
        .phone
        .clone()
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let hits = search(&digits[4..9]);
    assert!(hits.iter().any(|r| r.dialog_id == one.id));
    let by_alice = db
        .store
        .records(&RecordsQuery {
            phones: PhoneMatch::Fragment,
            finished_by: Some(c.alice),
            limit: 50,
            ..Default::default()
        })
        .unwrap()
        .items;
    assert!(
        !by_alice.is_empty()
            && by_alice
                .iter()
                .all(|r| r.finished_by.as_ref().unwrap().id == c.alice)
    );
}

/// Within a status, a sort by status orders by the last message, so a
/// status tab and the status sort agree (and one index serves both).
fn the_status_sort_orders_by_last_message_within_a_status(db: &TestDb) {
    let c = catalog(&db.store);
    populate(&db.store, &c);
    let rows = list_all(
        &db.store,
        &DialogListQuery {
            phones: PhoneMatch::Fragment,
            sort: DialogSort::Status,
            order: Order::Asc,
            ..Default::default()
        },
        3,
    );
    let keys: Vec<(String, chrono::DateTime<chrono::Utc>, DialogId)> = rows
        .iter()
        .map(|d| {
            (
                d.status.as_str().to_owned(),
                d.last_message.as_ref().unwrap().at,
                d.id,
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.windows(2).any(|w| w[0].0 == w[1].0), "ties in status");
}

/// Each filter alone, pairs of filters and a search: every tab's count is
/// what the tab lists under the same filter (one filter alone is read from
/// the facet counters, the others are counted).
fn every_filter_counts_what_the_tab_lists(db: &TestDb) {
    let c = catalog(&db.store);
    populate(&db.store, &c);
    let singles = [
        DialogFilter {
            assignee_id: Some(c.alice),
            ..Default::default()
        },
        DialogFilter {
            channel_id: Some(c.telegram),
            ..Default::default()
        },
        DialogFilter {
            flow_id: Some(c.sales.id),
            ..Default::default()
        },
        DialogFilter {
            step_id: Some(c.sales.steps[2].id),
            ..Default::default()
        },
        DialogFilter {
            tag_id: Some(c.vip),
            ..Default::default()
        },
    ];
    let mut filters = singles.to_vec();
    filters.push(DialogFilter {
        channel_id: Some(c.whatsapp),
        tag_id: Some(c.vip),
        ..Default::default()
    });
    filters.push(DialogFilter {
        q: Some("анна".into()),
        ..Default::default()
    });
    filters.push(DialogFilter {
        q: Some("анна".into()),
        channel_id: Some(c.whatsapp),
        ..Default::default()
    });
    for filter in &filters {
        let counts = db.store.counts(None, filter, PhoneMatch::Fragment).unwrap();
        assert!(!counts.capped);
        for view in View::ALL.iter().filter(|v| **v != View::Favourites) {
            let listed = list_all(
                &db.store,
                &DialogListQuery {
                    phones: PhoneMatch::Fragment,
                    view: Some(*view),
                    filter: filter.clone(),
                    ..Default::default()
                },
                50,
            );
            assert_eq!(
                listed.len() as i64,
                counts.of_view(*view),
                "{view} under {filter:?}"
            );
        }
        assert!(
            counts.statuses.all > 0,
            "{filter:?} must match some dialogs"
        );
    }
}

/// A search that matches more dialogs than a count reads says so.
fn a_search_count_stops_at_the_cap_and_says_so(db: &TestDb) {
    db.store.seed_demo().unwrap();
    db.store.seed_bulk(2_500, &|_| ()).unwrap();
    let search = DialogFilter {
        q: Some("7".into()),
        ..Default::default()
    };
    let counts = db
        .store
        .counts(None, &search, PhoneMatch::Fragment)
        .unwrap();
    assert!(counts.capped);
    assert_eq!(counts.statuses.all, wire::COUNT_CAP);
    let narrow = DialogFilter {
        q: Some("+7 999 000".into()),
        ..Default::default()
    };
    assert!(
        !db.store
            .counts(None, &narrow, PhoneMatch::Fragment)
            .unwrap()
            .capped
    );
    let (kept, fresh) = db.store.facet_counters_and_recount().unwrap();
    assert_eq!(kept, fresh, "a bulk load counts its facets");
}

/// The Dialog list sorts by names kept on each dialog: renaming a channel
/// or an operator reaches them.
fn renames_reach_the_names_the_lists_sort_by(db: &TestDb) {
    let c = catalog(&db.store);
    populate(&db.store, &c);
    let records = |sort| {
        db.store
            .records(&RecordsQuery {
                phones: PhoneMatch::Fragment,
                sort,
                order: Order::Asc,
                limit: 100,
                ..Default::default()
            })
            .unwrap()
            .items
    };
    db.store
        .update_channel(
            c.whatsapp,
            None,
            Some(&Label::parse("Я последний").unwrap()),
        )
        .unwrap();
    db.store
        .update_operator(
            c.alice,
            dialogdesk_store::catalog::OperatorChange {
                name: Some(PersonName::parse("Ярослава").unwrap()),
                ..Default::default()
            },
        )
        .unwrap();
    let by_channel = records(RecordSort::Channel);
    assert_eq!(by_channel.last().unwrap().channel.name, "Я последний");
    assert_eq!(by_channel.first().unwrap().channel.name, "Telegram");
    let by_finisher = records(RecordSort::FinishedBy);
    assert_eq!(
        by_finisher
            .last()
            .unwrap()
            .finished_by
            .as_ref()
            .unwrap()
            .name,
        "Ярослава"
    );
    // A connector that names the lead anew renames the client and the name
    // kept on the dialog for the client-name sort.
    let renamed = lead_says(&db.store, c.whatsapp, "chat-0", "Zz Renamed", None, "again").dialog_id;
    let kept_name = |store: &Store| {
        store
            .read("test", |conn| {
                use dialogdesk_store::schema::dialogs;
                use diesel::prelude::*;
                let (name, search_name) = dialogs::table
                    .find(renamed.0)
                    .select((dialogs::client_name, dialogs::client_search_name))
                    .first::<(String, String)>(conn)?;
                // What a search tests is kept with the name.
                assert_eq!(search_name, name.to_lowercase());
                Ok(name)
            })
            .unwrap()
    };
    assert_eq!(kept_name(&db.store), "Zz Renamed");
    assert_eq!(
        db.store.dialog(None, renamed).unwrap().client.name,
        "Zz Renamed"
    );
}

/// A search reads the matching clients' dialogs directly when at most 500
/// clients match, and walks the sort index otherwise: both plans list
/// exactly the dialogs whose client matches, in the list and the records.
fn both_search_plans_list_exactly_the_matching_dialogs(db: &TestDb) {
    use dialogdesk_store::schema::{clients, dialogs};
    use diesel::prelude::*;
    db.store.seed_demo().unwrap();
    db.store.seed_bulk(1_500, &|_| ()).unwrap();
    let rows: Vec<(i64, String, String, bool)> = db
        .store
        .read("test_reference", |conn| {
            Ok(dialogs::table
                .inner_join(clients::table)
                .select((
                    dialogs::id,
                    clients::search_name,
                    clients::phone_digits,
                    dialogs::finished_at.is_not_null(),
                ))
                .load(conn)?)
        })
        .unwrap();
    let matching = |q: &str| -> Vec<(i64, bool)> {
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let mut ids: Vec<(i64, bool)> = rows
            .iter()
            .filter(|(_, name, phone, _)| {
                name.contains(&q.to_lowercase()) || (!digits.is_empty() && phone.contains(&digits))
            })
            .map(|(id, _, _, finished)| (*id, *finished))
            .collect();
        ids.sort_unstable();
        ids
    };
    let rare_name = rows[rows.len() / 2].1.clone();
    let rare_phone: String = rows[rows.len() / 3].2.chars().skip(3).take(6).collect();
    for (q, many) in [
        ("ов", true),
        (rare_name.as_str(), false),
        (&rare_phone, false),
    ] {
        let want = matching(q);
        assert_eq!(
            want.len() > 500,
            many,
            "`{q}` matches {} dialogs",
            want.len()
        );
        let filter = DialogFilter {
            q: Some(q.to_owned()),
            ..Default::default()
        };
        let mut listed: Vec<i64> = list_all(
            &db.store,
            &DialogListQuery {
                phones: PhoneMatch::Fragment,
                filter,
                ..Default::default()
            },
            200,
        )
        .into_iter()
        .map(|d| d.id.0)
        .collect();
        listed.sort_unstable();
        assert_eq!(
            listed,
            want.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            "`{q}`"
        );
        let mut records = Vec::new();
        let mut cursor = None;
        loop {
            let page = db
                .store
                .records(&RecordsQuery {
                    q: Some(q.to_owned()),
                    cursor,
                    limit: 200,
                    phones: PhoneMatch::Fragment,
                    ..Default::default()
                })
                .unwrap();
            records.extend(page.items.iter().map(|r| r.dialog_id.0));
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        records.sort_unstable();
        let finished: Vec<i64> = want.iter().filter(|(_, f)| *f).map(|(id, _)| *id).collect();
        assert_eq!(records, finished, "records of `{q}`");
    }
}

dialogdesk_testkit::on_both_backends!(
    db =>
    both_search_plans_list_exactly_the_matching_dialogs,
    a_masked_search_matches_phones_only_by_the_whole_number,
    every_sort_pages_through_each_dialog_once_in_order,
    each_tab_lists_what_its_count_says,
    search_finds_by_any_part_of_the_name_or_the_phone,
    records_sort_by_every_column_and_page_each_finished_dialog_once,
    the_status_sort_orders_by_last_message_within_a_status,
    every_filter_counts_what_the_tab_lists,
    a_search_count_stops_at_the_cap_and_says_so,
    renames_reach_the_names_the_lists_sort_by,
);
