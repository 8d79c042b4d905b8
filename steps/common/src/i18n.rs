//! The language a step speaks, and its message catalogues.
//!
//! Every user-facing text comes from a Fluent catalogue (`locales/<lang>/<crate>.ftl` in each step's
//! crate, embedded at build time) through [`tr!`](crate::tr): an id and named arguments, the
//! wording, plurals and lists are the catalogue's. The language is chosen once per run, in this
//! order: `--lang`, `DECKHAND_LANG`, BK-CI's `BK_CI_LOCALE_LANGUAGE` (the language of the user's
//! BK-CI console, which the agent hands every atom), then `LC_ALL` / `LC_MESSAGES` / `LANG`
//! (`zh_CN*`, `zh_SG*`, `zh_Hans*`, `zh` mean Simplified Chinese), else English.
//!
//! Machine output (JSON keys and values, exit codes) never goes through here.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use fluent_bundle::{concurrent::FluentBundle, FluentResource};
pub use fluent_bundle::{FluentArgs, FluentValue};
use unic_langid::{langid, LanguageIdentifier};

#[cfg(any(test, feature = "catalogue-check"))]
pub mod check;
pub mod help;

/// A language Deckhand speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    // No doc comments here: clap would show them, in English, in every language's --help.
    #[value(name = "en")]
    En,
    #[value(name = "zh-CN", alias = "zh", alias = "zh_CN")]
    ZhCn,
}

impl Lang {
    /// Every language, in the order of a catalogue's sources.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag (`en`, `zh-CN`), as `--lang` takes it.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::En => langid!("en"),
            Lang::ZhCn => langid!("zh-CN"),
        }
    }

    /// The language a locale name or language tag means: `zh_CN.UTF-8`, `zh-Hans-CN`, `zh_SG`,
    /// `zh` -> Simplified Chinese; `en_US.UTF-8`, `C`, `POSIX`, `en` -> English; anything else
    /// (Traditional Chinese included, which we do not have) -> None.
    pub fn from_locale(name: &str) -> Option<Lang> {
        let base = name.split(['.', '@']).next().unwrap_or_default().replace('_', "-").to_ascii_lowercase();
        let mut parts = base.split('-');
        match (parts.next().unwrap_or_default(), parts.next()) {
            ("zh", None | Some("cn" | "sg" | "hans")) => Some(Lang::ZhCn),
            ("en" | "c" | "posix", _) => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a run, from `--lang` (already read) and the environment `var`.
    pub fn choose(flag: Option<Lang>, var: impl Fn(&str) -> Option<String>) -> Lang {
        if let Some(lang) = flag {
            return lang;
        }
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        for name in ["DECKHAND_LANG", "BK_CI_LOCALE_LANGUAGE"] {
            if let Some(lang) = set(name).and_then(|v| Lang::from_locale(&v)) {
                return lang;
            }
        }
        // POSIX: the first of these that is set decides, whatever it says.
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| set(name))
            .and_then(|v| Lang::from_locale(&v))
            .unwrap_or(Lang::En)
    }
}

const UNSET: u8 = u8::MAX;
static CURRENT: AtomicU8 = AtomicU8::new(UNSET);

/// Sets the language of this run.
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language of this run: as [`set`], else chosen from the command line and the environment.
pub fn current() -> Lang {
    match CURRENT.load(Ordering::Relaxed) {
        UNSET => {
            let lang = Lang::choose(lang_flag(std::env::args()), |name| std::env::var(name).ok());
            set(lang);
            lang
        }
        n if n == Lang::ZhCn as u8 => Lang::ZhCn,
        _ => Lang::En,
    }
}

/// `--lang X` / `--lang=X` on a command line, before it is parsed (so that a usage error is
/// already in the user's language); a value that is no language is left to the parser to refuse.
pub fn lang_flag(args: impl IntoIterator<Item = String>) -> Option<Lang> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--lang") {
            Some("") => args.next(),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        if let Some(value) = value {
            return <Lang as clap::ValueEnum>::from_str(&value, true).ok();
        }
    }
    None
}

/// The messages of one crate in every language: Fluent sources, parsed on first use.
pub struct Catalogue {
    sources: [&'static str; 2],
    bundles: OnceLock<Vec<FluentBundle<FluentResource>>>,
}

impl Catalogue {
    /// A catalogue from its English and Simplified Chinese Fluent sources.
    pub const fn new(en: &'static str, zh_cn: &'static str) -> Self {
        Catalogue { sources: [en, zh_cn], bundles: OnceLock::new() }
    }

    /// The Fluent source of `lang`, for the catalogue tests.
    pub fn source(&self, lang: Lang) -> &'static str {
        self.sources[lang as usize]
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        let bundles = self.bundles.get_or_init(|| {
            Lang::ALL
                .iter()
                .map(|&lang| {
                    let resource = FluentResource::try_new(self.source(lang).to_string())
                        .unwrap_or_else(|(_, errors)| panic!("catalogue {}: {errors:?}", lang.tag()));
                    let mut bundle = FluentBundle::new_concurrent(vec![lang.id()]);
                    // Isolation marks (U+2068/U+2069) would reach CI logs and mails as noise.
                    bundle.set_use_isolating(false);
                    bundle.add_resource(resource).unwrap_or_else(|e| panic!("catalogue {}: {e:?}", lang.tag()));
                    bundle
                })
                .collect()
        });
        &bundles[lang as usize]
    }

    /// The text of `id` in the run's language (see [`current`]).
    pub fn text(&self, id: &str, args: &FluentArgs) -> String {
        self.text_in(current(), id, args)
    }

    /// The text of `id` in `lang`; English where `lang` lacks it, the id itself where both do (the
    /// catalogue tests make sure neither happens).
    pub fn text_in(&self, lang: Lang, id: &str, args: &FluentArgs) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return if lang == Lang::En { id.to_string() } else { self.text_in(Lang::En, id, args) };
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(args), &mut errors).into_owned();
        debug_assert!(errors.is_empty(), "message {id} ({}): {errors:?}", lang.tag());
        text
    }
}

/// A message argument: text as it is, numbers as Fluent numbers (so that plurals select on them).
pub trait Arg {
    fn fluent(self) -> FluentValue<'static>;
}

impl Arg for String {
    fn fluent(self) -> FluentValue<'static> {
        FluentValue::from(self)
    }
}

impl Arg for &String {
    fn fluent(self) -> FluentValue<'static> {
        FluentValue::from(self.clone())
    }
}

impl Arg for &str {
    fn fluent(self) -> FluentValue<'static> {
        FluentValue::from(self.to_string())
    }
}

impl Arg for &std::path::Path {
    fn fluent(self) -> FluentValue<'static> {
        FluentValue::from(self.display().to_string())
    }
}

impl Arg for &std::path::PathBuf {
    fn fluent(self) -> FluentValue<'static> {
        self.as_path().fluent()
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            fn fluent(self) -> FluentValue<'static> {
                FluentValue::from(self)
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64, f64);

/// The text of a catalogue message: `tr!(CATALOGUE, "chart-not-found", chart = name, count = n)`.
#[macro_export]
macro_rules! tr {
    // `tr!(@in lang, CATALOGUE, "id", ...)`: in `lang` whatever the run's language (tests).
    (@in $lang:expr, $catalogue:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut args = $crate::i18n::FluentArgs::new();
        $( args.set(stringify!($name), $crate::i18n::Arg::fluent($value)); )*
        $catalogue.text_in($lang, $id, &args)
    }};
    ($catalogue:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut args = $crate::i18n::FluentArgs::new();
        $( args.set(stringify!($name), $crate::i18n::Arg::fluent($value)); )*
        $catalogue.text($id, &args)
    }};
}

/// The catalogue tests of a crate: `deckhand_common::catalogue_tests!(messages::CATALOGUE);` in its
/// `lib.rs` or `main.rs`.
#[macro_export]
macro_rules! catalogue_tests {
    ($catalogue:path) => {
        #[cfg(test)]
        mod catalogue_tests {
            use $crate::i18n::check;

            #[test]
            fn both_languages_have_every_message_with_the_same_arguments() {
                assert_eq!(check::same_ids_and_arguments(&$catalogue), Vec::<String>::new());
            }

            #[test]
            fn every_message_is_used() {
                assert_eq!(check::unused_ids(&$catalogue, env!("CARGO_MANIFEST_DIR")), Vec::<String>::new());
            }

            #[test]
            fn no_prose_is_written_outside_the_catalogue() {
                assert_eq!(check::prose_outside_catalogue(env!("CARGO_MANIFEST_DIR")), Vec::<String>::new());
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_and_tags_name_the_languages_the_issue_lists() {
        for zh in ["zh_CN.UTF-8", "zh_CN", "zh-CN", "zh_SG.GB2312", "zh_Hans", "zh-Hans-CN", "zh", "ZH_cn.utf8"] {
            assert_eq!(Lang::from_locale(zh), Some(Lang::ZhCn), "{zh}");
        }
        for en in ["en_US.UTF-8", "C", "C.UTF-8", "POSIX", "en", "en_GB@euro"] {
            assert_eq!(Lang::from_locale(en), Some(Lang::En), "{en}");
        }
        for other in ["zh_TW.UTF-8", "zh-Hant", "zh_HK", "fr_FR.UTF-8", ""] {
            assert_eq!(Lang::from_locale(other), None, "{other}");
        }
    }

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_flag_then_deckhand_lang_then_bk_ci_then_posix_order_decides() {
        let all = [("DECKHAND_LANG", "en"), ("BK_CI_LOCALE_LANGUAGE", "zh_CN"), ("LANG", "zh_CN.UTF-8")];
        assert_eq!(Lang::choose(Some(Lang::ZhCn), env(&all)), Lang::ZhCn);
        assert_eq!(Lang::choose(None, env(&all)), Lang::En);
        assert_eq!(Lang::choose(None, env(&all[1..])), Lang::ZhCn);
        assert_eq!(Lang::choose(None, env(&[("BK_CI_LOCALE_LANGUAGE", "en_US"), ("LANG", "zh_CN")])), Lang::En);
        // LC_ALL wins over LANG even when it names a language we lack (then: English).
        assert_eq!(Lang::choose(None, env(&[("LC_ALL", "fr_FR.UTF-8"), ("LANG", "zh_CN.UTF-8")])), Lang::En);
        assert_eq!(Lang::choose(None, env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_SG"), ("LANG", "C")])), Lang::ZhCn);
        assert_eq!(Lang::choose(None, env(&[])), Lang::En);
    }

    #[test]
    fn the_lang_flag_is_found_before_parsing_but_not_after_a_double_dash() {
        let args = |a: &[&str]| a.iter().map(std::string::ToString::to_string).collect::<Vec<_>>();
        assert_eq!(lang_flag(args(&["step", "--lang", "zh-CN"])), Some(Lang::ZhCn));
        assert_eq!(lang_flag(args(&["step", "x", "--lang=en"])), Some(Lang::En));
        assert_eq!(lang_flag(args(&["step", "--lang=fr"])), None);
        assert_eq!(lang_flag(args(&["step", "--", "--lang", "zh"])), None);
        assert_eq!(lang_flag(args(&["step", "--language", "zh"])), None);
    }

    static TEST: Catalogue = Catalogue::new(
        "charts = { $count ->\n    [one] one chart\n   *[other] { $count } charts\n} in { $repo }\nonly-en = only English\n",
        "charts = 仓库 { $repo } 中有 { $count } 个 Chart\n",
    );

    #[test]
    fn plurals_select_on_numbers_and_a_missing_translation_falls_back_to_english() {
        let args = |count: usize| {
            let mut args = FluentArgs::new();
            args.set("count", count.fluent());
            args.set("repo", "r".fluent());
            args
        };
        assert_eq!(TEST.text_in(Lang::En, "charts", &args(1)), "one chart in r");
        assert_eq!(TEST.text_in(Lang::En, "charts", &args(3)), "3 charts in r");
        assert_eq!(TEST.text_in(Lang::ZhCn, "charts", &args(3)), "仓库 r 中有 3 个 Chart");
        assert_eq!(TEST.text_in(Lang::ZhCn, "only-en", &args(0)), "only English");
        assert_eq!(TEST.text_in(Lang::ZhCn, "nowhere", &args(0)), "nowhere");
    }
}
