//! Payments as CSV: the column mapping, and errors that name the column.

use std::path::Path;

use interdict_lists::payments_csv::PaymentsCsv;

const GOOD: &str = "id,date,amount,currency,jurisdiction,originator_name,originator_iban,originator_agent_bic,beneficiary_name,beneficiary_country,intermediary_bics,apps,remittance
c-1,2021-03-01,120.50,USD,US;GB,Jane Doe,GB82 WEST 1234 5698 7654 32,BOFAUS3N,\"Alipay.com Co., Ltd.\",CN,CHASUS33;DEUTDEFF,com.eg.android.AlipayGphone,invoice 4471
c-2,2021-07-01,,,,,,,Acme,,,,
";

#[test]
fn columns_map_to_payment_fields() {
    let rows: Vec<_> = PaymentsCsv::new(Path::new("p.csv"), GOOD.as_bytes()).unwrap().collect();
    assert_eq!(rows.len(), 2);
    let (line, first) = &rows[0];
    assert_eq!(*line, 2);
    let p = first.as_ref().unwrap();
    assert_eq!(p.id, "c-1");
    assert_eq!(p.date.to_string(), "2021-03-01");
    assert_eq!(p.jurisdiction, ["US", "GB"]);
    let o = p.originator.as_ref().unwrap();
    assert_eq!(o.name.as_deref(), Some("Jane Doe"));
    assert_eq!(o.identifiers[0].to_string(), "iban:GB82WEST12345698765432");
    assert_eq!(p.originator_agent.as_ref().unwrap().bic.as_deref(), Some("BOFAUS3N"));
    assert_eq!(
        p.beneficiary.as_ref().unwrap().name.as_deref(),
        Some("Alipay.com Co., Ltd.")
    );
    let bics: Vec<_> = p.intermediaries.iter().map(|i| i.bic.clone().unwrap()).collect();
    assert_eq!(bics, ["CHASUS33", "DEUTDEFF"]);
    assert_eq!(p.apps, ["com.eg.android.AlipayGphone"]);
    // Empty cells are absent fields.
    let q = rows[1].1.as_ref().unwrap();
    assert!(q.originator.is_none() && q.amount.is_none() && q.apps.is_empty());
}

#[test]
fn unknown_and_missing_columns_are_refused_at_once() {
    let e = PaymentsCsv::new(Path::new("p.csv"), "id,date,benefciary_name\n".as_bytes())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.starts_with("p.csv:1: field `benefciary_name`: unknown column `benefciary_name`"),
        "{e}"
    );
    let e = PaymentsCsv::new(Path::new("p.csv"), "id,amount\n".as_bytes())
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("missing required column `date`"), "{e}");
}

#[test]
fn a_bad_row_names_its_column_and_the_rest_is_read() {
    let text = "id,date,originator_iban,beneficiary_agent_bic\nx,2021-02-30,,\ny,2021-03-01,GB00,\nz,2021-03-01,,BAD\nok,2021-03-01,,\n";
    let rows: Vec<_> = PaymentsCsv::new(Path::new("p.csv"), text.as_bytes()).unwrap().collect();
    let errors: Vec<(u64, String)> = rows
        .iter()
        .filter_map(|(l, r)| r.as_ref().err().map(|e| (*l, e.to_string())))
        .collect();
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[0].0, 2);
    assert!(
        errors[0].1.starts_with("field `date`: invalid date `2021-02-30`"),
        "{}",
        errors[0].1
    );
    assert!(
        errors[1].1.starts_with("field `originator_iban`: invalid iban"),
        "{}",
        errors[1].1
    );
    assert!(
        errors[2].1.starts_with("field `beneficiary_agent_bic`: invalid bic"),
        "{}",
        errors[2].1
    );
    assert_eq!(rows[3].1.as_ref().unwrap().id, "ok");
}
