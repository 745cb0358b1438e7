//! Year summaries of a two-district, English fixture: every total equals the
//! exact sum of its rows, carries the lower-bound marker when a part is a
//! lower bound, and says "n of m" when some townships did not report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{build, fixture, html, hundredths, sel, text};

struct Cell {
    value: String,
    class: String,
    text: String,
}

fn cells(row: scraper::ElementRef<'_>) -> Vec<Cell> {
    row.select(&sel("td.num"))
        .map(|td| Cell {
            value: td.value().attr("data-value").unwrap_or("").to_string(),
            class: td.value().attr("class").unwrap_or("").to_string(),
            text: text(td),
        })
        .collect()
}

#[test]
fn totals_equal_the_sum_of_rows_and_say_n_of_m() {
    let built = build(&fixture("two-districts"));
    let mut tables_checked = 0;
    // 丁街道 (dd) is covered from its first report, 2024: three rows in 2023.
    for (year, covered) in [(2023, 3), (2024, 4)] {
        let page = html(&built.out.join(format!("years/{year}/index.html")));
        assert_eq!(
            page.select(&sel("html"))
                .next()
                .unwrap()
                .value()
                .attr("lang"),
            Some("en")
        );
        for table in page.select(&sel("table.summary")) {
            let rows: Vec<Vec<Cell>> = table.select(&sel("tbody tr")).map(cells).collect();
            let total_row = table.select(&sel("tfoot tr.total")).next().unwrap();
            let totals = cells(total_row);
            let n_rows = rows.len();
            assert_eq!(
                n_rows, covered,
                "every covered township has a row, reported or not"
            );
            // The rank column (last, on the overview) has no total cell.
            for (col, total) in totals.iter().enumerate() {
                let column: Vec<&Cell> = rows.iter().map(|r| &r[col]).collect();
                let stated: Vec<&&Cell> = column.iter().filter(|c| !c.value.is_empty()).collect();
                let reported = column
                    .iter()
                    .filter(|c| !c.class.contains("fig-not_reported"))
                    .count();
                if stated.is_empty() {
                    continue;
                }
                // (The fixture's approximate figures are good to the unit, so
                // even its approximate totals are the exact sum.)
                let sum: i128 = stated.iter().map(|c| hundredths(&c.value)).sum();
                assert_eq!(
                    hundredths(&total.value),
                    sum,
                    "{year} column {col}: total {} ≠ sum",
                    total.text
                );
                let lower = column.iter().any(|c| c.class.contains("fig-lower_bound"));
                let approx = column.iter().any(|c| c.class.contains("fig-approximate"));
                if approx {
                    assert!(
                        total.class.contains("fig-approximate") && total.text.starts_with('~'),
                        "{}",
                        total.text
                    );
                } else if lower {
                    assert!(
                        total.class.contains("fig-lower_bound"),
                        "{year} col {col}: {}",
                        total.class
                    );
                    assert!(
                        total.text.split(' ').next().unwrap().ends_with('+'),
                        "{}",
                        total.text
                    );
                } else {
                    assert!(total.class.contains("fig-exact"), "{}", total.class);
                }
                let coverage = format!("{reported} of {n_rows} townships reported");
                assert_eq!(
                    total.text.contains(&coverage),
                    reported < n_rows,
                    "{year} col {col}: {}",
                    total.text
                );
                tables_checked += 1;
            }
            // District subtotals add up to the total, exactly.
            let subs: Vec<Vec<Cell>> = table.select(&sel("tfoot tr.subtotal")).map(cells).collect();
            assert_eq!(subs.len(), 2, "two districts, two subtotals");
            for (col, total) in totals.iter().enumerate() {
                let parts: Vec<&Cell> = subs
                    .iter()
                    .map(|s| &s[col])
                    .filter(|c| !c.value.is_empty())
                    .collect();
                if !parts.is_empty() {
                    let sum: i128 = parts.iter().map(|c| hundredths(&c.value)).sum();
                    assert_eq!(hundredths(&total.value), sum);
                }
            }
        }
    }
    assert!(
        tables_checked >= 10,
        "only {tables_checked} columns checked"
    );
}

#[test]
fn named_totals_in_the_fixture() {
    let built = build(&fixture("two-districts"));
    let page = html(&built.out.join("years/2023/index.html"));
    let table = page.select(&sel("#table-inspection")).next().unwrap();
    let total = text(table.select(&sel("tfoot tr.total td")).next().unwrap());
    assert_eq!(total, "350+", "all three covered townships reported");
    let money = page
        .select(&sel("#table-key tfoot tr.total td"))
        .nth(3)
        .map(text);
    assert_eq!(money.as_deref(), Some("1,100.00 2 of 3 townships reported"));
    // The approximate 2024 figure makes that year's total approximate.
    let page = html(&built.out.join("years/2024/index.html"));
    let table = page.select(&sel("#table-inspection")).next().unwrap();
    let total = text(table.select(&sel("tfoot tr.total td")).next().unwrap());
    assert_eq!(total, "~210 3 of 4 townships reported");
}
