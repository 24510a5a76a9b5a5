//! The JSON shapes of the API, with their OpenAPI schemas, one module per area of `api/`.
//! Conversions to and from the engine's types live here so handlers stay thin.

mod automations;
mod books;
mod churn;
mod earned;
mod events;
mod fraud;
mod gift_cards;
mod grants;
mod holds;
mod households;
mod insight;
mod keys;
mod members;
mod memberships;
mod offers;
mod partners;
mod points;
mod privacy;
mod program;
mod purchases;
mod referrals;
mod rewards;
mod segments;
mod shared;
mod tiers;
mod transfers;
mod wallet;
mod webhooks;
mod whole;

pub use automations::{DryRunLineBody, DryRunResponse};
pub use books::{
    BooksJournalResponse, BooksPeriodBody, BooksReportResponse, CloseBody, ClosesResponse,
    ContractLiabilityBody, EstimateBody, EstimateInForceBody, EstimatesResponse, LateBody,
    PointsBehindBody, PostingsBody, ProvisionBody, StoredValueBody,
};
pub use churn::{AtRiskBody, ChurnListResponse};
pub use earned::{EarnedBody, GrantBody};
pub use events::{EventBody, EventResponse};
pub use fraud::{FraudCaseBody, FraudCasesResponse, ReviewBody};
pub use gift_cards::{
    GiftCardLoadResponse, GiftCardResponse, IssueGiftCardsBody, IssuedCardBody,
    IssuedGiftCardsResponse, LoadGiftCardBody,
};
pub use grants::{GrantBasisBody, LedgerGrantBody};
pub use holds::{
    AnyHoldBody, CaptureBody, HeldPointsBody, HoldAnswer, HoldAsk, HoldBody, HoldResponse,
    PlaceHoldBody, PointHoldBody, PointHoldResponse,
};
pub use households::{
    CreateHouseholdBody, HouseholdBody, HouseholdMemberBody, JoinHouseholdBody,
    MaybeHouseholdResponse,
};
pub use insight::{
    BucketBody, ChannelCountBody, ChurnBody, CohortBody, CohortsResponse, DistributionsResponse,
    KpiLineBody, KpiReportResponse, MemberInsightResponse, PeriodBody, RateBody, RewardCountBody,
    RfmBody, TierCountBody, TierMoveBody,
};
pub(crate) use keys::expiry;
pub use keys::{
    ApiKeyBody, ApiKeysResponse, IssuedKeyResponse, KeyScopeName, KeyStatus, NewKeyBody,
    RotationBody, RotationResponse,
};
pub use members::{EnrollBody, MemberBody};
pub use memberships::{
    CancelAt, CancelMembershipBody, JoinMembershipBody, MembershipBody, MembershipDetailBody,
    MembershipResponse, MembershipsResponse, PayWithName, RenewMembershipBody, TermBody,
};
pub use offers::{OfferBody, OfferKind, OfferReasonBody, OffersResponse};
pub use partners::{
    PartnerBody, PartnerKeyBody, PartnerKeyResponse, PartnersResponse, PointsWorthBody,
    StatementLineBody, StatementResponse,
};
pub use points::{
    AdjustmentBody, BalanceResponse, DrawBody, EntryBody, ExpiryBody, LedgerResponse,
    PostingResponse, RedemptionBody,
};
pub use privacy::{
    ConsentChangeBody, ConsentsResponse, ErasureRequestBody, ErasureRequestsResponse,
    ErasureResponse,
};
pub use program::{
    ApplyProgramBody, ApplyProgramResponse, ProgramSummaryBody, ProgramVersionBody,
    ProgramVersionsResponse,
};
pub use purchases::{
    ApplicableCoupon, GuestPurchaseResponse, LineBody, NextTierNeed, PreviewResponse,
    PurchaseAnswer, PurchaseBody, PurchaseCall, PurchaseResponse, RefundBody, RefundLineBody,
    RefundResponse,
};
pub use referrals::{ReferralBody, ReferralsResponse};
pub use rewards::{
    CheckoutBody, ConsumeCouponBody, CouponBody, CouponCheckResponse, CouponUseResponse,
    RedeemRewardBody, ReleaseCouponBody, RewardRedemptionBody, RewardRedemptionResponse,
    RewardRedemptionsResponse, RewardsResponse, ValidateCouponBody,
};
pub use segments::{SegmentChangeBody, SegmentMembersResponse, SegmentResponse, SegmentsResponse};
pub use shared::{BalanceBody, ChannelName, MoneyBody, member_ref};
pub(crate) use shared::{channel, decimal, instant, money};
pub use tiers::{AssignTierBody, TierChangeBody, TierStatusBody};
pub use transfers::{
    TransferBody, TransferBodyOut, TransferResponse, TransferSideBody, TransfersResponse,
};
pub use wallet::{
    WalletAmountBody, WalletBalanceBody, WalletMoveBody, WalletMoveResponse, WalletPaymentBody,
    WalletRefundBody, WalletResponse,
};
pub use webhooks::{
    CreateWebhookBody, CreatedWebhookResponse, DeliveriesResponse, DeliveryBody, WebhookBody,
    WebhooksResponse,
};
