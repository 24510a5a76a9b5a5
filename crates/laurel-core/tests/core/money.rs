//! Money: exact amounts in ISO 4217 currencies that have minor units.

use crate::fixtures::dec;
use laurel_core::{Currency, Money, MoneyError};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn currency(code: &str) -> Currency {
    code.parse()
        .unwrap_or_else(|e| panic!("{code} should be a currency: {e}"))
}

fn money(amount: &str, code: &str) -> Result<Money, MoneyError> {
    Money::new(dec(amount), currency(code))
}

#[test]
fn currencies_know_their_minor_unit_digits() {
    assert_eq!(currency("CNY").minor_digits(), 2);
    assert_eq!(currency("EUR").minor_digits(), 2);
    assert_eq!(currency("JPY").minor_digits(), 0);
    assert_eq!(currency("KWD").minor_digits(), 3);
    assert_eq!(currency("CNY").code(), "CNY");
    assert_eq!(currency("CNY").to_string(), "CNY");
}

#[test]
fn unknown_currency_codes_are_refused() {
    for code in ["ABC", "", "EURO", "12"] {
        assert_eq!(
            code.parse::<Currency>(),
            Err(MoneyError::UnknownCurrency(code.to_owned())),
            "{code:?}"
        );
    }
}

#[test]
fn currency_codes_without_a_minor_unit_are_refused() {
    // Gold, silver and special drawing rights are ISO 4217 codes but not money a shop takes.
    for code in ["XAU", "XAG", "XDR"] {
        assert_eq!(
            code.parse::<Currency>(),
            Err(MoneyError::UnknownCurrency(code.to_owned())),
            "{code}"
        );
    }
}

#[test]
fn money_refuses_more_decimal_places_than_the_currency_has() {
    assert_eq!(
        money("1.005", "CNY"),
        Err(MoneyError::TooPrecise {
            amount: dec("1.005"),
            currency: "CNY",
            places: 2
        })
    );
    assert_eq!(
        money("1.5", "JPY"),
        Err(MoneyError::TooPrecise {
            amount: dec("1.5"),
            currency: "JPY",
            places: 0
        })
    );
    assert_eq!(
        money("0.0001", "KWD"),
        Err(MoneyError::TooPrecise {
            amount: dec("0.0001"),
            currency: "KWD",
            places: 3
        })
    );
}

#[test]
fn trailing_zeros_are_not_extra_precision() {
    assert_eq!(money("1.500", "CNY").unwrap().to_minor(), Ok(150));
    assert_eq!(money("100.00", "JPY").unwrap().to_minor(), Ok(100));
}

#[test]
fn to_minor_gives_integer_minor_units() {
    assert_eq!(money("12.34", "CNY").unwrap().to_minor(), Ok(1234));
    assert_eq!(money("0.01", "CNY").unwrap().to_minor(), Ok(1));
    assert_eq!(money("500", "JPY").unwrap().to_minor(), Ok(500));
    assert_eq!(money("1.234", "KWD").unwrap().to_minor(), Ok(1234));
    assert_eq!(money("-1.5", "CNY").unwrap().to_minor(), Ok(-150));
    assert_eq!(money("0", "CNY").unwrap().to_minor(), Ok(0));
}

#[test]
fn from_minor_rebuilds_the_decimal_amount() {
    let m = Money::from_minor(1234, currency("CNY"));
    assert_eq!(m.amount(), dec("12.34"));
    assert_eq!(m.currency(), currency("CNY"));
    assert_eq!(Money::from_minor(500, currency("JPY")).amount(), dec("500"));
    assert_eq!(
        Money::from_minor(-7, currency("KWD")).amount(),
        dec("-0.007")
    );
}

#[test]
fn amounts_too_large_for_minor_units_are_out_of_range() {
    // 10^17 yuan is 10^19 fen, beyond i64.
    let huge = dec("100000000000000000");
    assert_eq!(
        Money::new(huge, currency("CNY")),
        Err(MoneyError::OutOfRange(huge))
    );
}

#[test]
fn money_displays_amount_and_code() {
    assert_eq!(
        Money::from_minor(1230, currency("CNY")).to_string(),
        "12.30 CNY"
    );
    assert_eq!(
        Money::from_minor(500, currency("JPY")).to_string(),
        "500 JPY"
    );
}

fn currency_code() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["CNY", "EUR", "JPY", "KWD", "USD"])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn minor_units_roundtrip_through_money(minor in any::<i64>(), code in currency_code()) {
        let c = currency(code);
        let m = Money::from_minor(minor, c);
        prop_assert_eq!(m.to_minor(), Ok(minor));
        prop_assert_eq!(Money::new(m.amount(), c), Ok(m));
    }

    #[test]
    fn valid_amounts_roundtrip_through_minor_units(
        mantissa in -1_000_000_000_000_i64..1_000_000_000_000,
        scale in 0_u32..=3,
        code in currency_code(),
    ) {
        let c = currency(code);
        let amount = Decimal::new(mantissa, scale);
        match Money::new(amount, c) {
            Ok(m) => {
                let back = Money::from_minor(m.to_minor().unwrap(), c);
                prop_assert_eq!(back.amount(), amount);
            }
            Err(e) => {
                prop_assert!(amount.normalize().scale() > c.minor_digits(), "{} {} refused: {}", amount, code, e);
            }
        }
    }
}

#[test]
fn amounts_beyond_the_decimal_range_in_minor_units_are_out_of_range_not_a_panic() {
    // 8 × 10^26 yuan has 2 decimal places to spare but 8 × 10^28 fen exceeds Decimal::MAX.
    let huge = dec("800000000000000000000000000");
    assert_eq!(
        Money::new(huge, currency("CNY")),
        Err(MoneyError::OutOfRange(huge))
    );
    assert_eq!(
        Money::new(Decimal::MAX, currency("CNY")),
        Err(MoneyError::OutOfRange(Decimal::MAX))
    );
}
