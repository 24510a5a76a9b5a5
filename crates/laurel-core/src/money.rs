//! Money: a decimal amount in an ISO 4217 currency. Stored as integer minor units.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// An ISO 4217 currency that has minor units (e.g. CNY, EUR, JPY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency(iso_currency::Currency);

/// Why an amount of money was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not an ISO 4217 code, or a code with no minor unit (gold, SDRs…).
    #[error("unknown currency `{0}`: expected an ISO 4217 code such as CNY or EUR")]
    UnknownCurrency(String),
    /// More decimal places than the currency has.
    #[error("{amount} has more decimal places than {currency} allows ({places})")]
    TooPrecise {
        /// The amount given.
        amount: Decimal,
        /// The currency code.
        currency: &'static str,
        /// The currency's number of minor-unit digits.
        places: u32,
    },
    /// Too large to be stored.
    #[error("{0} is out of range")]
    OutOfRange(Decimal),
}

impl Currency {
    /// The three-letter code.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Number of minor-unit digits: 2 for CNY, 0 for JPY.
    pub fn minor_digits(self) -> u32 {
        u32::from(self.0.exponent().unwrap_or(0))
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(code: &str) -> Result<Self, MoneyError> {
        let unknown = || MoneyError::UnknownCurrency(code.to_owned());
        let currency = iso_currency::Currency::from_code(code).ok_or_else(unknown)?;
        // Metals and fund codes have no exponent: they are not money a shop takes.
        currency.exponent().ok_or_else(unknown)?;
        Ok(Currency(currency))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An exact amount of money in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Builds an amount, refusing more decimal places than the currency has.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money, MoneyError> {
        let places = currency.minor_digits();
        if amount.normalize().scale() > places {
            return Err(MoneyError::TooPrecise {
                amount,
                currency: currency.code(),
                places,
            });
        }
        let money = Money { amount, currency };
        money.to_minor()?;
        Ok(money)
    }

    /// Rebuilds an amount from integer minor units, as stored.
    pub fn from_minor(minor: i64, currency: Currency) -> Money {
        Money {
            amount: Decimal::new(minor, currency.minor_digits()),
            currency,
        }
    }

    /// Rebuilds an amount stored as integer minor units beside its currency's code.
    pub fn from_stored(minor: i64, code: &str) -> Result<Money, MoneyError> {
        Ok(Money::from_minor(minor, code.parse()?))
    }

    /// The amount in integer minor units (cents, fen).
    pub fn to_minor(self) -> Result<i64, MoneyError> {
        let out_of_range = || MoneyError::OutOfRange(self.amount);
        let scaled = self
            .amount
            .checked_mul(Decimal::from(10_i64.pow(self.currency.minor_digits())))
            .ok_or_else(out_of_range)?;
        i64::try_from(scaled.trunc()).map_err(|_| out_of_range())
    }

    /// The decimal amount.
    pub fn amount(self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(self) -> Currency {
        self.currency
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let places = self.currency.minor_digits();
        write!(f, "{} {}", self.amount.round_dp(places), self.currency)
    }
}
