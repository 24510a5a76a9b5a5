//! Sales channels: the same rules and balances apply on each (跨渠道一致).

use std::fmt;
use std::str::FromStr;

/// Where a member enrolled or a purchase happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// A till in a shop.
    Pos,
    /// The web shop.
    Web,
    /// The mobile app.
    App,
    /// A partner brand of a coalition.
    Partner,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 4] = [Channel::Pos, Channel::Web, Channel::App, Channel::Partner];

    /// Stable lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Pos => "pos",
            Channel::Web => "web",
            Channel::App => "app",
            Channel::Partner => "partner",
        }
    }
}

/// A channel name that is none of [`Channel::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel `{0}`: expected one of pos, web, app, partner")]
pub struct UnknownChannel(pub String);

impl FromStr for Channel {
    type Err = UnknownChannel;
    fn from_str(s: &str) -> Result<Channel, UnknownChannel> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownChannel(s.to_owned()))
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
