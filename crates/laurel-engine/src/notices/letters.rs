//! The letters the program sends by itself, in the member's language: a subject, a plain-text
//! and an HTML body per kind, written as minijinja templates in `letters/<language>.toml`
//! (HTML escaped as it is filled in), put in one layout with the unsubscribe footer.

use laurel_core::localized::LANGUAGES;
use laurel_core::notices::NoticeKind;
use minijinja::{AutoEscape, Environment, Value, context};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The built-in letters, by language tag.
const SOURCES: [(&str, &str); 2] = [
    ("en", include_str!("../../letters/en.toml")),
    ("zh-CN", include_str!("../../letters/zh-CN.toml")),
];

/// The HTML around every letter's body.
const LAYOUT: &str = r#"<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:36em;margin:1em auto;padding:0 1em">
{{ body|safe }}
{% if footer %}<hr><p style="font-size:smaller;color:#555">{{ footer|safe }}</p>{% endif %}
</body></html>
"#;

/// A letter, filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Letter {
    /// Subject line.
    pub subject: String,
    /// Plain-text body (with the footer).
    pub text: String,
    /// The whole HTML document.
    pub html: String,
}

/// A letter could not be filled in: a template is missing or broken (a bug in the letters).
#[derive(Debug, thiserror::Error)]
#[error("letter {name}: {why}")]
pub(crate) struct LetterError {
    name: String,
    why: String,
}

static LETTERS: LazyLock<Result<Environment<'static>, LetterError>> = LazyLock::new(load);

fn load() -> Result<Environment<'static>, LetterError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_template("layout.html", LAYOUT)
        .map_err(|e| broken("layout.html", &e))?;
    for (language, source) in SOURCES {
        let sections: BTreeMap<String, BTreeMap<String, String>> =
            toml::from_str(source).map_err(|e| LetterError {
                name: format!("letters/{language}.toml"),
                why: e.to_string(),
            })?;
        for (kind, parts) in sections {
            for (part, template) in parts {
                let name = format!("{language}/{kind}.{}", extension(&part));
                env.add_template_owned(name.clone(), template.trim().to_owned())
                    .map_err(|e| broken(&name, &e))?;
            }
        }
    }
    Ok(env)
}

/// `subject` and `text` are plain text; `html` is HTML.
fn extension(part: &str) -> &str {
    match part {
        "html" => "html",
        "subject" => "subject",
        _ => "txt",
    }
}

fn broken(name: &str, error: &minijinja::Error) -> LetterError {
    LetterError {
        name: name.to_owned(),
        why: error.to_string(),
    }
}

/// The language letters are written in for `wanted`: itself if letters exist in it, else
/// English.
pub(crate) fn language_of(wanted: &str) -> &'static str {
    LANGUAGES
        .iter()
        .copied()
        .find(|l| *l == wanted)
        .unwrap_or("en")
}

/// What a letter says: one of Laurel's letters, or one the program writes (an automation's),
/// as templates per language.
pub(crate) enum Wording<'a> {
    /// Laurel's letter of this kind, from `letters/<language>.toml`.
    Notice(NoticeKind),
    /// A subject and a text the program wrote; the text's blank lines part its paragraphs.
    Written {
        /// The subject's template.
        subject: &'a str,
        /// The text's template.
        text: &'a str,
    },
}

fn environment() -> Result<&'static Environment<'static>, LetterError> {
    LETTERS.as_ref().map_err(|e| LetterError {
        name: e.name.clone(),
        why: e.why.clone(),
    })
}

/// The letter `wording` says in `language`, filled in with `values`; with the unsubscribe
/// footer when `unsubscribe_url` is given (every marketing letter).
pub(crate) fn render(
    wording: &Wording<'_>,
    language: &str,
    values: Value,
    unsubscribe_url: Option<&str>,
) -> Result<Letter, LetterError> {
    let env = environment()?;
    let language = language_of(language);
    let part = |name: &str, values: &Value| {
        let name = format!("{language}/{name}");
        env.get_template(&name)
            .and_then(|t| t.render(values))
            .map(|text| text.trim().to_owned())
            .map_err(|e| broken(&name, &e))
    };
    let values = context! { unsubscribe_url => unsubscribe_url, ..values };
    let (subject, mut text, body) = match wording {
        Wording::Notice(kind) => (
            part(&format!("{}.subject", kind.as_str()), &values)?,
            part(&format!("{}.txt", kind.as_str()), &values)?,
            part(&format!("{}.html", kind.as_str()), &values)?,
        ),
        Wording::Written { subject, text } => {
            let written = |name: &str, source: &str| {
                env.render_str(source, &values)
                    .map(|t| t.trim().to_owned())
                    .map_err(|e| broken(name, &e))
            };
            let subject = written("subject", subject)?;
            let text = written("text", text)?;
            // The text as HTML: escaped, a paragraph per block.
            let body = env
                .render_named_str(
                    "written.html",
                    "{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}",
                    context! { paragraphs => text.split("\n\n").collect::<Vec<_>>() },
                )
                .map_err(|e| broken("written.html", &e))?;
            (subject, text, body)
        }
    };
    let footer = match unsubscribe_url {
        Some(_) => {
            text.push_str("\n\n-- \n");
            text.push_str(&part("footer.txt", &values)?);
            Some(part("footer.html", &values)?)
        }
        None => None,
    };
    let html = env
        .get_template("layout.html")
        .and_then(|t| t.render(context! { language, subject => &subject, body, footer }))
        .map_err(|e| broken("layout.html", &e))?;
    Ok(Letter {
        subject,
        text,
        html,
    })
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    fn values() -> Value {
        context! {
            program => "Laurel <Coffee>",
            points_name => "points",
            member_name => "Ann & Bo",
            portal_url => "https://club.example/portal",
            points => 120,
            expires_on => "31 January 2027",
            gift_points => 100,
            step => 1,
            tier => "Gold",
            review_on => "1 March 2027",
        }
    }

    #[test]
    fn every_notice_has_a_letter_in_every_language() {
        for language in LANGUAGES {
            for kind in NoticeKind::ALL.iter().filter(|k| k.is_marketing()) {
                let letter = render(
                    &Wording::Notice(*kind),
                    language,
                    values(),
                    Some("https://u.example/x"),
                )
                .unwrap_or_else(|e| panic!("{language} {kind}: {e}"));
                assert!(!letter.subject.is_empty(), "{language} {kind}");
                assert!(
                    letter.text.contains("https://u.example/x"),
                    "{language} {kind}"
                );
                // Escaped as every value is (`/` too); a browser reads it back the same.
                let href = r#"href="https:&#x2f;&#x2f;u.example&#x2f;x""#;
                assert!(
                    letter.html.contains(href),
                    "{language} {kind}: {}",
                    letter.html
                );
            }
        }
    }

    #[test]
    fn html_is_escaped_as_it_is_filled_in_and_text_is_not() {
        let letter = render(
            &Wording::Notice(NoticeKind::PointsExpiring),
            "en",
            values(),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            letter.html.contains("Laurel &lt;Coffee&gt;"),
            "{}",
            letter.html
        );
        assert!(letter.html.contains("Ann &amp; Bo"), "{}", letter.html);
        assert!(letter.text.contains("Laurel <Coffee>"), "{}", letter.text);
        assert!(
            letter
                .subject
                .starts_with("120 points expire on 31 January 2027")
        );
        assert!(
            !letter.text.contains("-- "),
            "no footer without an unsubscribe link"
        );
    }

    #[test]
    fn a_letter_the_program_wrote_is_filled_in_and_its_html_escaped() {
        let written = Wording::Written {
            subject: "We miss you, {{ member_name }}",
            text: "Here are 50 {{ points_name }} <on us>.\n\nSee you soon at {{ program }}.",
        };
        let letter = render(&written, "en", values(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(letter.subject, "We miss you, Ann & Bo");
        assert!(
            letter.text.starts_with("Here are 50 points <on us>."),
            "{}",
            letter.text
        );
        assert!(
            letter.html.contains("<p>Here are 50 points &lt;on us&gt;.</p><p>See you soon at Laurel &lt;Coffee&gt;.</p>"),
            "{}",
            letter.html
        );
    }

    #[test]
    fn a_language_without_letters_reads_english() {
        assert_eq!(language_of("fr"), "en");
        assert_eq!(language_of("zh-CN"), "zh-CN");
    }
}
