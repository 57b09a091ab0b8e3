//! Sorting and cursor paging over HTTP return every row exactly once in the
//! right order; records search by name and phone fragments; the CSV has the
//! same rows as the list.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_domain::wire::{BotEvent, SettingsBody};
use dialogdesk_domain::{FlowId, Status, StepId};
use dialogdesk_testkit::app::{lead_message, TestApp};
use serde_json::Value;

const NAMES: [&str; 6] = [
    "Анна Кузнецова",
    "Boris",
    "Élodie",
    "Яна",
    "Mike",
    "анатолий",
];

/// 18 dialogs; every second finished, alternately by an operator and a step.
async fn populate(app: &TestApp) -> Vec<i64> {
    let c = app.catalog().await;
    let mut ids = Vec::new();
    for i in 0..18usize {
        let chat = format!("chat-{i}");
        let phone = format!("+7912{:07}", 2_000_000 + i * 4_111);
        let channel = if i % 3 == 0 { c.telegram } else { c.whatsapp };
        let (_, out) = app
            .inbound(lead_message(
                channel,
                &chat,
                NAMES[i % NAMES.len()],
                Some(&phone),
                "text",
                "hi",
                None,
            ))
            .await;
        let id = out["dialog_id"].as_i64().unwrap();
        for _ in 0..(i % 5) {
            app.inbound(lead_message(
                channel,
                &chat,
                NAMES[i % NAMES.len()],
                None,
                "text",
                "more",
                None,
            ))
            .await;
        }
        if i % 2 == 0 {
            app.bot(
                id,
                BotEvent::FlowLaunched {
                    flow_id: FlowId(c.sales),
                    step_id: StepId(c.sales_steps[0]),
                },
            )
            .await;
            if i % 4 == 0 {
                let version = app.dialog(id).await["version"].as_i64();
                let (code, _) = app
                    .settings(
                        id,
                        SettingsBody {
                            version,
                            status: Some(Status::Finished),
                            ..SettingsBody::default()
                        },
                    )
                    .await;
                assert!(code.is_success());
            } else {
                app.bot(
                    id,
                    BotEvent::StepReached {
                        step_id: StepId(c.sales_steps[2]),
                    },
                )
                .await;
            }
        }
        ids.push(id);
    }
    ids
}

fn ids(items: &[Value], key: &str) -> Vec<i64> {
    items.iter().map(|i| i[key].as_i64().unwrap()).collect()
}

async fn every_dialog_sort_pages_through_each_row_once_in_order(app: TestApp) {
    let mut all = populate(&app).await;
    all.sort();
    for sort in [
        "last_message_at",
        "created_at",
        "client_name",
        "message_count",
        "status",
    ] {
        let asc = app
            .all_pages(
                &format!("/api/v1/dialogs?sort={sort}&order=asc&limit=4"),
                &app.admin,
            )
            .await;
        let whole = app
            .get(
                &format!("/api/v1/dialogs?sort={sort}&order=asc&limit=200"),
                &app.admin,
            )
            .await;
        assert_eq!(
            ids(&asc, "id"),
            ids(whole["items"].as_array().unwrap(), "id"),
            "{sort}"
        );
        let mut seen = ids(&asc, "id");
        seen.sort();
        assert_eq!(seen, all, "{sort}: every dialog exactly once");
        let mut desc = ids(
            &app.all_pages(
                &format!("/api/v1/dialogs?sort={sort}&order=desc&limit=5"),
                &app.admin,
            )
            .await,
            "id",
        );
        desc.reverse();
        assert_eq!(desc, ids(&asc, "id"), "{sort}: desc is asc reversed");
    }
    let by_count = app
        .all_pages(
            "/api/v1/dialogs?sort=message_count&order=desc&limit=3",
            &app.admin,
        )
        .await;
    assert!(by_count
        .windows(2)
        .all(|w| w[0]["message_count"].as_i64() >= w[1]["message_count"].as_i64()));
    // A cursor only fits the sort that made it.
    let page = app
        .get("/api/v1/dialogs?sort=client_name&limit=2", &app.admin)
        .await;
    let cursor = page["next_cursor"].as_str().unwrap();
    let (code, _) = app
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/dialogs?sort=message_count&cursor={cursor}"),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(code, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
}

async fn records_sort_by_every_column_and_search_by_name_or_phone(app: TestApp) {
    populate(&app).await;
    let finished = app
        .all_pages("/api/v1/dialogs?view=finished", &app.admin)
        .await;
    assert_eq!(finished.len(), 9);
    let mut expected = ids(&finished, "id");
    expected.sort();
    for sort in [
        "client",
        "channel",
        "number",
        "finished_by",
        "finished_at",
        "message_count",
    ] {
        let asc = app
            .all_pages(
                &format!("/api/v1/records/dialogs?sort={sort}&order=asc&limit=2"),
                &app.head,
            )
            .await;
        let mut seen = ids(&asc, "dialog_id");
        seen.sort();
        assert_eq!(seen, expected, "{sort}: each finished dialog once");
        let mut desc = ids(
            &app.all_pages(
                &format!("/api/v1/records/dialogs?sort={sort}&order=desc&limit=4"),
                &app.head,
            )
            .await,
            "dialog_id",
        );
        desc.reverse();
        assert_eq!(desc, ids(&asc, "dialog_id"), "{sort}");
    }
    let by_messages = app
        .all_pages(
            "/api/v1/records/dialogs?sort=message_count&order=asc",
            &app.head,
        )
        .await;
    assert!(by_messages
        .windows(2)
        .all(|w| w[0]["message_count"].as_i64() <= w[1]["message_count"].as_i64()));
    let row = &by_messages[0];
    for key in [
        "client",
        "channel",
        "number",
        "finished_by",
        "finished_at",
        "message_count",
    ] {
        assert!(row.get(key).is_some(), "records rows have `{key}`: {row}");
    }

    // Search: a name fragment (any case), a phone fragment (digits only matter).
    let found = app
        .get(
            "/api/v1/records/dialogs?q=%D0%9A%D0%A3%D0%97%D0%9D",
            &app.head,
        )
        .await; // "КУЗН"
    assert!(found["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["client"]["name"] == "Анна Кузнецова"));
    assert!(!found["items"].as_array().unwrap().is_empty());
    let number = by_messages[3]["number"].as_str().unwrap().to_owned();
    let fragment = format!("{}-{}", &number[5..8], &number[8..10]);
    let found = app
        .get(&format!("/api/v1/records/dialogs?q={fragment}"), &app.head)
        .await;
    let hits = ids(found["items"].as_array().unwrap(), "dialog_id");
    assert!(
        hits.contains(&by_messages[3]["dialog_id"].as_i64().unwrap()),
        "{fragment} → {hits:?}"
    );

    // Operators may not read records; with a read token an integration can.
    assert_eq!(
        app.call(
            reqwest::Method::GET,
            "/api/v1/records/dialogs",
            &app.operator,
            None
        )
        .await
        .0,
        403
    );
    assert_eq!(
        app.get("/api/v1/records/dialogs", &app.read_token).await["items"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
}

async fn the_csv_export_has_the_rows_of_the_list(app: TestApp) {
    populate(&app).await;
    let list = app
        .all_pages(
            "/api/v1/records/dialogs?sort=client&order=asc&limit=3",
            &app.head,
        )
        .await;
    let response = app
        .http
        .get(format!(
            "{}/api/v1/records/dialogs.csv?sort=client&order=asc&lang=ru",
            app.base
        ))
        .bearer_auth(&app.head)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xef\xbb\xbf", "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "ID диалога,Клиент,Канал,Номер,Кто завершил,Дата завершения,Сообщений"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), list.len());
    for (line, row) in rows.iter().zip(&list) {
        let first: Vec<&str> = line.split(',').collect();
        assert_eq!(first[0], row["dialog_id"].to_string());
        assert_eq!(first[1], row["client"]["name"].as_str().unwrap());
        assert_eq!(first[3], row["number"].as_str().unwrap());
        assert_eq!(first[6], row["message_count"].to_string());
    }
    // Filters apply: only Telegram.
    let telegram = app.get("/api/v1/channels", &app.head).await["items"][1]["id"]
        .as_i64()
        .unwrap();
    let csv = app
        .http
        .get(format!(
            "{}/api/v1/records/dialogs.csv?channel_id={telegram}",
            app.base
        ))
        .bearer_auth(&app.head)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines().skip(1).all(|l| l.contains(",Telegram,")),
        "{csv}"
    );
    assert!(
        csv.starts_with("\u{feff}dialog_id,client,channel,number,finished_by,finished_at,messages")
    );
}

dialogdesk_testkit::on_both_backends!(
    app =>
    every_dialog_sort_pages_through_each_row_once_in_order,
    records_sort_by_every_column_and_search_by_name_or_phone,
    the_csv_export_has_the_rows_of_the_list,
    a_search_is_three_to_a_hundred_characters,
);

/// A search shorter than the trigram indexes can narrow would scan every
/// client: refused with a 422 naming `q`, on every list that searches.
async fn a_search_is_three_to_a_hundred_characters(app: TestApp) {
    let long = "я".repeat(101);
    for path in [
        "/api/v1/dialogs",
        "/api/v1/dialogs/counts",
        "/api/v1/records/dialogs",
        "/api/v1/records/dialogs.csv",
    ] {
        for q in ["", "%20", "ab", "%2B7", "%D0%AF%D0%BD", long.as_str()] {
            let (code, problem) = app
                .call(
                    reqwest::Method::GET,
                    &format!("{path}?q={q}"),
                    &app.head,
                    None,
                )
                .await;
            assert_eq!(code, 422, "{path}?q={q}: {problem}");
            assert!(problem["errors"]["q"].is_string(), "{problem}");
        }
        for q in ["Анн", "912", "%2079123%20"] {
            let (code, problem) = app
                .call(
                    reqwest::Method::GET,
                    &format!("{path}?q={q}"),
                    &app.head,
                    None,
                )
                .await;
            assert_eq!(code, 200, "{path}?q={q}: {problem}");
        }
    }
}
