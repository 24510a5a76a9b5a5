//! The JSON shapes of an earn's recorded grants, as the ledger answers them: the sentence, and
//! the data it was written from, so a client can tell it in its own language.

use super::decimal;
use laurel_core::Program;
use laurel_core::rules::GrantBasis;
use laurel_engine::StoredGrant;
use serde::Serialize;
use utoipa::ToSchema;

/// What one earning rule (or the base earn, a tier bonus, a referral) granted on an earn.
#[derive(Serialize, ToSchema)]
pub struct LedgerGrantBody {
    /// The rule's id, `base`, `tier:<id>` or `referral`.
    #[schema(example = "double_tuesday")]
    pub rule_id: String,
    /// Points granted.
    pub points: i64,
    /// The limit that cut the grant down, if one did (per_member_day…).
    pub capped_by: Option<String>,
    /// A sentence in English.
    #[schema(example = "Double points Tuesday: 2× on 128.00 → +128")]
    pub explanation: String,
    /// What the grant was worked out from; absent for grants recorded before it was kept.
    pub basis: Option<GrantBasisBody>,
}

/// What a grant was worked out from.
#[derive(Serialize, ToSchema)]
pub struct GrantBasisBody {
    /// base, rule, tier, referral_welcome or referral_bonus.
    #[schema(example = "rule")]
    pub kind: String,
    /// The rule's or tier's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A rule's effect: points_per_unit, fixed, multiplier or percent (the base earn is
    /// points_per_unit, a tier bonus multiplier).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// The effect's figure: the rate, the fixed points, the multiplier or the percentage.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2")]
    pub factor: Option<String>,
    /// The spend it applied to, in the program's currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "128.00")]
    pub spend: Option<String>,
    /// The base earn a multiplier, percentage or tier bonus was worked from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_points: Option<i64>,
    /// A referrer's bonus: the external id of the member they referred.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referee: Option<String>,
}

impl LedgerGrantBody {
    /// A recorded grant, explained under `program`.
    pub fn of(program: &Program, g: &StoredGrant) -> LedgerGrantBody {
        let digits = program.currency.minor_digits();
        LedgerGrantBody {
            rule_id: g.rule_id.clone(),
            points: g.points.get(),
            capped_by: g.capped_by.map(|k| k.as_str().to_owned()),
            explanation: laurel_engine::grant_sentence(program, g),
            basis: g.basis(digits).map(|b| GrantBasisBody::of(&b, digits)),
        }
    }
}

impl GrantBasisBody {
    fn of(basis: &GrantBasis, digits: u32) -> GrantBasisBody {
        let money = |d: rust_decimal::Decimal| format!("{:.*}", digits as usize, d);
        let parts = basis.parts();
        GrantBasisBody {
            kind: basis.kind().to_owned(),
            name: parts.name.map(str::to_owned),
            effect: parts.effect.map(str::to_owned),
            factor: parts.factor.map(decimal),
            spend: parts.spend.map(money),
            base_points: parts.base.map(|b| b.get()),
            referee: parts.referee.map(str::to_owned),
        }
    }
}
