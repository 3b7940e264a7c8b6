//! The guideline and reference rules of `kurator check` as one typed list,
//! shared by `site.yaml` (`guidelines.severity` keys), the rule functions and
//! the diagnostics. A leaf module, so configuration and checks need not
//! import each other.

use serde::{Deserialize, Serialize};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A rule whose severity a site may change (`guidelines.severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    ConfidentialMarker,
    BannedTerm,
    MissingDisclosure,
    QuoteTooLong,
    QuoteLongerThanCommentary,
    MissingAltText,
    BrokenLink,
    BrokenImage,
    /// A suggested share text over a network's character limit.
    ShareTooLong,
}

impl Rule {
    /// Every rule, in the order the docs list them.
    pub const ALL: [Rule; 9] = [
        Rule::ConfidentialMarker,
        Rule::BannedTerm,
        Rule::MissingDisclosure,
        Rule::QuoteTooLong,
        Rule::QuoteLongerThanCommentary,
        Rule::MissingAltText,
        Rule::BrokenLink,
        Rule::BrokenImage,
        Rule::ShareTooLong,
    ];

    /// The stable kebab-case code printed with findings.
    pub fn code(self) -> &'static str {
        match self {
            Rule::ConfidentialMarker => "confidential-marker",
            Rule::BannedTerm => "banned-term",
            Rule::MissingDisclosure => "missing-disclosure",
            Rule::QuoteTooLong => "quote-too-long",
            Rule::QuoteLongerThanCommentary => "quote-longer-than-commentary",
            Rule::MissingAltText => "missing-alt-text",
            Rule::BrokenLink => "broken-link",
            Rule::BrokenImage => "broken-image",
            Rule::ShareTooLong => "share-too-long",
        }
    }

    /// The severity a finding of this rule has unless the site changes it.
    pub fn default_severity(self) -> Severity {
        match self {
            Rule::QuoteLongerThanCommentary => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Every rule code, in [`Rule::ALL`]'s order.
const CODES: [&str; 9] = [
    "confidential-marker",
    "banned-term",
    "missing-disclosure",
    "quote-too-long",
    "quote-longer-than-commentary",
    "missing-alt-text",
    "broken-link",
    "broken-image",
    "share-too-long",
];

/// Rule codes are keys of `guidelines.severity`: an unknown one is reported
/// as an unknown field, so the finding names the closest rule.
impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Rule::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| serde::de::Error::unknown_field(&s, &CODES))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_table_matches_the_rules() {
        let codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes, CODES);
    }

    #[test]
    fn codes_are_the_serde_names() {
        for r in Rule::ALL {
            let parsed: Rule = serde_yaml::from_str(r.code()).unwrap();
            assert_eq!(parsed, r);
        }
    }
}
