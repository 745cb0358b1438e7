//! Year summaries of a two-district, English fixture: every total equals the
//! exact sum of its rows, carries the lower-bound marker when a part is a
//! lower bound, and says "n of m" (once per column, in the coverage row
//! under it).
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
            // The coverage row right under the total: "n/m" per column.
            let coverage_row = table
                .select(&sel("tfoot tr.total + tr.coverage-row"))
                .next()
                .unwrap();
            let coverage: Vec<String> = coverage_row.select(&sel("td.num")).map(text).collect();
            assert_eq!(coverage.len(), totals.len());
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
                assert_eq!(
                    coverage[col],
                    format!("{reported}/{n_rows}"),
                    "{year} col {col}: {}",
                    total.text
                );
                assert!(
                    !total.text.contains("townships"),
                    "{year} col {col}: coverage under the cell: {}",
                    total.text
                );
                tables_checked += 1;
            }
            // District subtotals add up to the total, exactly.
            let subs: Vec<Vec<Cell>> = table.select(&sel("tfoot tr.subtotal")).map(cells).collect();
            assert_eq!(subs.len(), 2, "two districts, two subtotals");
            // Each with its own coverage row.
            assert_eq!(
                table
                    .select(&sel("tfoot tr.subtotal + tr.coverage-row[data-district]"))
                    .count(),
                2
            );
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
    assert_eq!(money.as_deref(), Some("1,100.00"));
    let money_coverage = page
        .select(&sel("#table-key tfoot tr.total + tr.coverage-row td"))
        .nth(3)
        .map(text);
    assert_eq!(money_coverage.as_deref(), Some("2/3"));
    // Its row says what the numbers count, and the legend explains it
    // with a link to the glossary.
    let row_header = page
        .select(&sel("#table-key tfoot tr.total + tr.coverage-row th"))
        .next()
        .map(text);
    assert_eq!(row_header.as_deref(), Some("Reporting/covered"));
    assert!(
        page.select(&sel(
            r#".legend.terms a[href="../../glossary/index.html#term_coverage"]"#
        ))
        .next()
        .is_some()
    );
    // The approximate 2024 figure makes that year's total approximate.
    let page = html(&built.out.join("years/2024/index.html"));
    let table = page.select(&sel("#table-inspection")).next().unwrap();
    let total = text(table.select(&sel("tfoot tr.total td")).next().unwrap());
    assert_eq!(total, "~210");
    let coverage = table
        .select(&sel("tfoot tr.total + tr.coverage-row td"))
        .next()
        .map(text);
    assert_eq!(coverage.as_deref(), Some("3/4"));
}
