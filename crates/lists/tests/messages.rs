//! Payment messages: pacs.008 and MT103 read into payments, with the path
//! of every field, and errors that name line and element or tag.

use std::path::Path;

use interdict_lists::messages::{detect, read, MessageFormat};
use interdict_model::Payment;

fn example(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/messages")
            .join(name),
    )
    .unwrap()
}

fn read_str(text: &str, format: MessageFormat) -> Result<Vec<Payment>, interdict_lists::Error> {
    read(Path::new("m"), text.as_bytes(), format)
}

#[test]
fn pacs008_gives_every_party_agent_account_and_path() {
    let bytes = example("pacs008-alipay.xml");
    assert_eq!(detect(&bytes), Some(MessageFormat::Pacs008));
    let p = read(Path::new("pacs008-alipay.xml"), &bytes, MessageFormat::Pacs008).unwrap();
    assert_eq!(p.len(), 2);
    let first = &p[0];
    assert_eq!(first.id, "E2E-ALIPAY-20210301");
    assert_eq!(first.date.to_string(), "2021-03-01");
    assert_eq!(
        (first.amount.as_deref(), first.currency.as_deref()),
        (Some("120.50"), Some("USD"))
    );
    let originator = first.originator.as_ref().unwrap();
    assert_eq!(originator.name.as_deref(), Some("Jane Doe"));
    assert_eq!(originator.country.as_deref(), Some("US"));
    assert_eq!(originator.address.as_deref(), Some("Main Street, 1, New York"));
    assert_eq!(originator.identifiers[0].to_string(), "iban:GB82WEST12345698765432");
    assert_eq!(
        first.originator_agent.as_ref().unwrap().bic.as_deref(),
        Some("BOFAUS3N")
    );
    assert_eq!(first.intermediaries[0].bic.as_deref(), Some("CHASUS33"));
    let beneficiary = first.beneficiary.as_ref().unwrap();
    assert_eq!(beneficiary.name.as_deref(), Some("Alipay.com Co., Ltd."));
    assert_eq!(beneficiary.country.as_deref(), Some("CN"));
    assert_eq!(first.remittance.as_deref(), Some("Top-up, order 4471"));
    assert_eq!(first.paths["beneficiary"], "CdtTrfTxInf[0]/Cdtr");
    assert_eq!(first.paths["intermediaries[0]"], "CdtTrfTxInf[0]/IntrmyAgt1");
    assert_eq!(first.paths["remittance"], "CdtTrfTxInf[0]/RmtInf/Ustrd");
    assert_eq!(p[1].date.to_string(), "2021-07-01");
    assert_eq!(p[1].paths["beneficiary"], "CdtTrfTxInf[1]/Cdtr");
}

#[test]
fn mt103_gives_every_field_and_path() {
    let bytes = example("mt103-alipay.txt");
    assert_eq!(detect(&bytes), Some(MessageFormat::Mt103));
    let p = read(Path::new("mt103-alipay.txt"), &bytes, MessageFormat::Mt103).unwrap();
    assert_eq!(p.len(), 2);
    let first = &p[0];
    assert_eq!(first.id, "MT-ALIPAY-0301");
    assert_eq!(first.date.to_string(), "2021-03-01");
    assert_eq!(
        (first.amount.as_deref(), first.currency.as_deref()),
        (Some("120.50"), Some("USD"))
    );
    let originator = first.originator.as_ref().unwrap();
    assert_eq!(originator.name.as_deref(), Some("JANE DOE"));
    assert_eq!(originator.address.as_deref(), Some("1 MAIN STREET, NEW YORK US"));
    assert_eq!(originator.identifiers[0].to_string(), "iban:GB82WEST12345698765432");
    assert_eq!(
        first.originator_agent.as_ref().unwrap().bic.as_deref(),
        Some("BOFAUS3N")
    );
    assert_eq!(first.intermediaries[0].bic.as_deref(), Some("CHASUS33"));
    assert_eq!(
        first.beneficiary_agent.as_ref().unwrap().bic.as_deref(),
        Some("BKCHCNBJ")
    );
    // A beneficiary account that is not an IBAN is not an identifier.
    let beneficiary = first.beneficiary.as_ref().unwrap();
    assert_eq!(beneficiary.name.as_deref(), Some("ALIPAY.COM CO., LTD."));
    assert!(beneficiary.identifiers.is_empty());
    assert_eq!(first.remittance.as_deref(), Some("TOP-UP ORDER 4471"));
    assert_eq!(first.paths["beneficiary"], "MT103[0]:59");
    assert_eq!(first.paths["originator"], "MT103[0]:50K");
    assert_eq!(p[1].id, "MT-ALIPAY-0701");
    assert_eq!(p[1].date.to_string(), "2021-07-01");
}

#[test]
fn mt103_option_f_reads_numbered_lines() {
    let text = "{1:F01AAAAUS33AXXX0000000000}{2:I103BBBBDEFFXXXXN}{4:\n:20:R1\n:32A:210301EUR5,\n:50F:/DE89370400440532013000\n1/ERIKA MUSTERMANN\n2/HAUPTSTRASSE 1\n3/DE/BERLIN\n:59:JOHN SMITH\n-}";
    let p = read_str(text, MessageFormat::Mt103).unwrap();
    let o = p[0].originator.as_ref().unwrap();
    assert_eq!(o.name.as_deref(), Some("ERIKA MUSTERMANN"));
    assert_eq!(o.country.as_deref(), Some("DE"));
    assert_eq!(o.address.as_deref(), Some("HAUPTSTRASSE 1, DE/BERLIN"));
    assert_eq!(o.identifiers[0].to_string(), "iban:DE89370400440532013000");
}

#[test]
fn bad_messages_name_line_and_element_or_tag() {
    let truncated = "<Document><FIToFICstmrCdtTrf><CdtTrfTxInf>\n<PmtId><EndToEndId>X</EndToEndId></PmtId>\n";
    let e = read_str(truncated, MessageFormat::Pacs008).unwrap_err().to_string();
    assert!(e.contains("m:3:"), "{e}");

    let bad_date = "<Document><FIToFICstmrCdtTrf>\n<CdtTrfTxInf><PmtId><EndToEndId>X</EndToEndId></PmtId><IntrBkSttlmDt>2021-02-30</IntrBkSttlmDt></CdtTrfTxInf>\n</FIToFICstmrCdtTrf></Document>";
    let e = read_str(bad_date, MessageFormat::Pacs008).unwrap_err().to_string();
    assert!(e.contains("m:2:") && e.contains("IntrBkSttlmDt"), "{e}");

    let bad_iban = "<Document><FIToFICstmrCdtTrf><CdtTrfTxInf><PmtId><EndToEndId>X</EndToEndId></PmtId><IntrBkSttlmDt>2021-03-01</IntrBkSttlmDt><Dbtr><Nm>A</Nm></Dbtr><DbtrAcct><Id><IBAN>GB00WEST1</IBAN></Id></DbtrAcct></CdtTrfTxInf></FIToFICstmrCdtTrf></Document>";
    let e = read_str(bad_iban, MessageFormat::Pacs008).unwrap_err().to_string();
    assert!(e.contains("DbtrAcct/Id/IBAN"), "{e}");

    let no_ref = "{1:F01AAAAUS33AXXX0000000000}{2:I103BBBBDEFFXXXXN}{4:\n:32A:210301EUR5,\n-}";
    let e = read_str(no_ref, MessageFormat::Mt103).unwrap_err().to_string();
    assert!(e.contains("m:1:") && e.contains(":20:"), "{e}");

    let bad_32a = "{1:F01AAAAUS33AXXX0000000000}{2:I103BBBBDEFFXXXXN}{4:\n:20:R\n:32A:211301EUR5,\n-}";
    let e = read_str(bad_32a, MessageFormat::Mt103).unwrap_err().to_string();
    assert!(e.contains("m:3:") && e.contains(":32A:") && e.contains("YYMMDD"), "{e}");

    let open = "{1:F01AAAAUS33AXXX0000000000}{2:I103BBBBDEFFXXXXN}{4:\n:20:R\n:32A:210301EUR5,\n";
    let e = read_str(open, MessageFormat::Mt103).unwrap_err().to_string();
    assert!(e.contains("not closed"), "{e}");
}

#[test]
fn other_files_are_not_taken_for_messages() {
    assert_eq!(detect(br#"{"id": "p-1"}"#), None);
    assert_eq!(detect(b"<CONSOLIDATED_LIST/>"), None);
    assert_eq!(
        detect(b"{1:F01AAAAUS33AXXX0000000000}{2:I202BBBBDEFFXXXXN}{4:\n-}"),
        None
    );
}

#[test]
fn error_texts_read_well() {
    let truncated = "<Document><FIToFICstmrCdtTrf><CdtTrfTxInf>\n<PmtId><EndToEndId>X</EndToEndId></PmtId>\n";
    let e = read_str(truncated, MessageFormat::Pacs008).unwrap_err().to_string();
    assert_eq!(e, "m:3: the document ends inside <CdtTrfTxInf>");
    let bad_32a = "{1:F01AAAAUS33AXXX0000000000}{2:I103BBBBDEFFXXXXN}{4:\n:20:R\n:32A:211301EUR5,\n-}";
    let e = read_str(bad_32a, MessageFormat::Mt103).unwrap_err().to_string();
    assert_eq!(
        e,
        "m:3: field `:32A:`: MT103[0]: :32A: `211301EUR5,`: the date is not a calendar date (YYMMDD)"
    );
}

#[test]
fn a_non_ascii_date_in_32a_is_an_error_not_a_panic() {
    // Found by the fuzzer: a multi-byte character inside YYMMDD.
    let text = "{1:F01AAAAUS33AXXX0000000000}{2:I103BBBBDEFFXXXXN}{4:\n:20:R\n:32A:2é0301USD5,\n-}";
    let e = read_str(text, MessageFormat::Mt103).unwrap_err().to_string();
    assert!(e.contains("expected YYMMDD, a currency and an amount"), "{e}");
}
