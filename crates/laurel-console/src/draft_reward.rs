//! The drafting form of a reward: its fields (all named `reward_…`) read as the core's reward,
//! and a reward written back into them to edit it. The fields of every type are on the form;
//! only the chosen type's are read. Dates are typed as the program file writes them (a date in
//! the program's time zone, or an instant with its offset).

use crate::draft_form::{Reader, Writer};
use crate::form_fields::Fields;
use crate::i18n::Locale;
use crate::messages::Problem;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::Points;
use laurel_core::rewards::{CouponTerms, Reward, RewardKind};
use laurel_engine::program_file::{read_instant, write_instant};

/// The start of every field's name.
pub(crate) const PREFIX: &str = "reward_";

/// The reward types, by their names in the program file.
pub(crate) const KINDS: [&str; 6] = [
    "amount_coupon",
    "percent_coupon",
    "free_product",
    "physical_gift",
    "experience",
    "donation",
];

/// The reward the form says, its dates read in the program's zone `tz`, or every field that
/// could not be read.
pub(crate) fn read(fields: &Fields, l: Locale, tz: &TimeZone) -> Result<Reward, Vec<Problem>> {
    let mut r = Reader::new(fields, PREFIX, l);
    let at = |r: &mut Reader<'_>, name: &str, end_of_day: bool| -> Option<Timestamp> {
        let typed = r.text(name);
        if typed.is_empty() {
            return None;
        }
        let read = read_instant(typed, tz, end_of_day);
        if read.is_none() {
            r.problem(name, "draft.not_instant");
        }
        read
    };
    let kind = match r.text("type") {
        "percent_coupon" => RewardKind::PercentCoupon {
            percent: r.required("percent", "draft.not_decimal"),
            max_discount: r.optional("max_discount", "draft.not_decimal"),
        },
        "free_product" => RewardKind::FreeProduct {
            sku: r.text("sku").to_owned(),
        },
        "physical_gift" => RewardKind::PhysicalGift,
        "experience" => RewardKind::Experience {
            starts_at: at(&mut r, "starts_at", false),
            location: Some(r.text("location").to_owned()).filter(|l| !l.is_empty()),
        },
        "donation" => RewardKind::Donation {
            cause: r.text("cause").to_owned(),
        },
        _ => RewardKind::AmountCoupon {
            amount: r.required("amount", "draft.not_decimal"),
        },
    };
    // Coupon terms only for rewards that issue coupons: the file refuses them on others.
    let coupon = if kind.issues_coupon() {
        CouponTerms {
            min_spend: r.optional("min_spend", "draft.not_decimal"),
            valid_days: r
                .optional("valid_days", "draft.not_integer")
                .unwrap_or(CouponTerms::default().valid_days),
        }
    } else {
        CouponTerms::default()
    };
    let reward = Reward {
        id: r.text("id").to_owned(),
        name: r.words("name").unwrap_or_else(|| String::new().into()),
        description: r.words("description"),
        cost: Points(r.required("cost", "draft.not_integer")),
        tiers: r.ticked("tiers"),
        segments: r.list("segments"),
        available_from: at(&mut r, "available_from", false),
        available_until: at(&mut r, "available_until", true),
        stock: r.optional("stock", "draft.not_integer"),
        per_member_limit: r.optional("per_member_limit", "draft.not_integer"),
        kind,
        coupon,
        partner: Some(r.text("partner"))
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
    };
    r.finish(reward)
}

/// The form's fields holding `reward` (its dates in `tz`), loaded from the one with the id
/// `editing`.
pub(crate) fn fields_of(reward: &Reward, editing: &str, tz: &TimeZone) -> Fields {
    let mut w = Writer::new(PREFIX);
    w.put("editing", editing);
    w.put("id", &reward.id);
    w.words("name", &reward.name);
    if let Some(description) = &reward.description {
        w.words("description", description);
    }
    w.put("type", reward.kind.as_str());
    w.put("cost", reward.cost.get());
    match &reward.kind {
        RewardKind::AmountCoupon { amount } => w.put("amount", amount.normalize()),
        RewardKind::PercentCoupon {
            percent,
            max_discount,
        } => {
            w.put("percent", percent.normalize());
            w.maybe("max_discount", max_discount.map(|d| d.normalize()));
        }
        RewardKind::FreeProduct { sku } => w.put("sku", sku),
        RewardKind::PhysicalGift => {}
        RewardKind::Experience {
            starts_at,
            location,
        } => {
            w.maybe(
                "starts_at",
                starts_at.map(|at| write_instant(at, tz, false)),
            );
            w.maybe("location", location.as_ref());
        }
        RewardKind::Donation { cause } => w.put("cause", cause),
    }
    w.tick("tiers", reward.tiers.iter().map(String::as_str));
    w.list("segments", &reward.segments);
    let instant =
        |at: Option<Timestamp>, end_of_day| at.map(|at| write_instant(at, tz, end_of_day));
    w.maybe("available_from", instant(reward.available_from, false));
    w.maybe("available_until", instant(reward.available_until, true));
    w.maybe("stock", reward.stock);
    w.maybe("per_member_limit", reward.per_member_limit);
    w.maybe("partner", reward.partner.as_deref());
    if reward.kind.issues_coupon() {
        w.maybe("min_spend", reward.coupon.min_spend.map(|d| d.normalize()));
        w.put("valid_days", reward.coupon.valid_days);
    }
    w.done()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rewards_written_into_the_form_read_back_as_themselves() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let base = Reward {
            id: "r".into(),
            name: "R".to_owned().into(),
            description: Some("About it".to_owned().into()),
            kind: RewardKind::PhysicalGift,
            cost: Points(100),
            tiers: vec!["gold".into()],
            segments: vec!["students".into()],
            available_from: Some("2026-03-01T00:00:00+08:00".parse().unwrap()),
            available_until: Some("2026-03-10T12:00:00+08:00".parse().unwrap()),
            stock: Some(10),
            per_member_limit: Some(1),
            coupon: CouponTerms::default(),
            partner: Some("cafe".into()),
        };
        let kinds = [
            RewardKind::AmountCoupon {
                amount: "5".parse().unwrap(),
            },
            RewardKind::PercentCoupon {
                percent: "10".parse().unwrap(),
                max_discount: Some("20".parse().unwrap()),
            },
            RewardKind::FreeProduct {
                sku: "latte".into(),
            },
            RewardKind::PhysicalGift,
            RewardKind::Experience {
                starts_at: Some("2026-05-02T18:00:00+08:00".parse().unwrap()),
                location: Some("Roastery".into()),
            },
            RewardKind::Donation {
                cause: "Trees".into(),
            },
        ];
        for kind in kinds {
            let coupon = if kind.issues_coupon() {
                CouponTerms {
                    min_spend: Some("30".parse().unwrap()),
                    valid_days: 7,
                }
            } else {
                CouponTerms::default()
            };
            let reward = Reward {
                kind,
                coupon,
                ..base.clone()
            };
            let fields = fields_of(&reward, "r", &tz);
            assert_eq!(read(&fields, Locale::En, &tz), Ok(reward));
        }
    }
}
