//! An earn's grants as a member's history tells them: each recorded grant's sentence, written
//! from its stored basis under the program, so the ledger says why as the purchase did.

use laurel_core::Program;
use laurel_core::rules::explain;
use laurel_store::StoredGrant;

/// A recorded grant in English: its basis's sentence ("Double points Tuesday: 2× on 128.00 →
/// +128"), or, for a grant recorded before bases were kept, its rule and points.
pub fn grant_sentence(program: &Program, grant: &StoredGrant) -> String {
    match grant.basis(program.currency.minor_digits()) {
        Some(basis) => explain(program, &basis, grant.points, grant.capped_by),
        None => format!("{}: +{}", grant.rule_id, grant.points),
    }
}
