//! The daily account series: upsert by (account, date), newest import wins,
//! a missing value never overwrites.

use chrono::NaiveDate;
use uptake_model::AccountDay;

fn day(d: u32, views: Option<i64>, followers: Option<i64>) -> AccountDay {
    AccountDay {
        video_views: views,
        followers,
        ..AccountDay::new(
            "kmb",
            NaiveDate::from_ymd_opt(2025, 12, d).unwrap_or_default(),
        )
    }
}

#[test]
fn newest_import_wins_and_missing_never_overwrites() {
    let (_dir, _path, mut store) = super::fresh();
    let mut tx = store
        .begin_import(&super::new_import("one"), "tiktok")
        .unwrap_or_else(|e| panic!("{e}"));
    tx.account_day(&day(20, Some(100), None))
        .unwrap_or_else(|e| panic!("{e}"));
    tx.account_day(&day(21, Some(200), None))
        .unwrap_or_else(|e| panic!("{e}"));
    tx.commit(&[]).unwrap_or_else(|e| panic!("{e}"));

    let mut tx = store
        .begin_import(&super::new_import("second"), "tiktok")
        .unwrap_or_else(|e| panic!("{e}"));
    tx.account_day(&day(20, Some(105), None))
        .unwrap_or_else(|e| panic!("{e}")); // corrected
    tx.account_day(&day(21, None, Some(900)))
        .unwrap_or_else(|e| panic!("{e}")); // undefined views
    tx.commit(&[]).unwrap_or_else(|e| panic!("{e}"));

    let days = store.account_days("kmb").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].video_views, Some(105));
    assert_eq!(days[1].video_views, Some(200));
    assert_eq!(days[1].followers, Some(900));
}
