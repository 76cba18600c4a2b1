//! The chart's fonts. Latin text is drawn in the bundled DejaVu Sans (the same on every machine);
//! a label with characters DejaVu Sans has no glyph for (Chinese actor names: 中华人民共和国外交部,
//! 中華民國外交部) is drawn in a CJK font, by default Noto Sans SC (SIL OFL 1.1), which
//! `scripts/setup.sh` fetches into `.venv/fonts/` (too large to bundle: 8.3 MB). Without it such
//! labels are still drawn, as boxes, and the report says why.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use ab_glyph::{Font, FontRef};
use plotters::style::FontStyle;

/// The bundled font (DejaVu Sans, see assets/DejaVuSans-LICENSE.txt).
static LATIN: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// The family the bundled font is registered as (and the SVG names).
pub const LATIN_FAMILY: &str = "sans-serif";

/// Where the chart finds its CJK font: `$STANCE_CJK_FONT`, else the one `scripts/setup.sh`
/// fetched into the checkout the binary was built in, else the same path under the current
/// folder.
pub fn default_cjk_font() -> PathBuf {
    if let Some(p) = std::env::var_os("STANCE_CJK_FONT") {
        return PathBuf::from(p);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join(crate::defaults::CJK_FONT);
    if built.is_file() {
        return built;
    }
    PathBuf::from(crate::defaults::CJK_FONT)
}

/// A loaded CJK font: the family plotters knows it by, and its glyphs.
#[derive(Clone)]
struct Cjk {
    family: String,
    font: FontRef<'static>,
}

/// Fonts loaded so far in this process, by path (plotters keeps fonts for the process's
/// lifetime, so each is read and registered once).
static LOADED: Mutex<Vec<(PathBuf, Cjk)>> = Mutex::new(Vec::new());

/// Reads, checks and registers the font at `path` (once per path per process).
fn load_cjk(path: &Path) -> Result<Cjk, String> {
    let mut loaded = LOADED
        .lock()
        .map_err(|_| "font cache poisoned".to_string())?;
    if let Some((_, c)) = loaded.iter().find(|(p, _)| p == path) {
        return Ok(c.clone());
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // plotters needs 'static font data; a font is loaded once per path, so this is bounded.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let font = FontRef::try_from_slice(bytes)
        .map_err(|e| format!("{} is not a TrueType/OpenType font: {e}", path.display()))?;
    let family = format!("stance-cjk-{}", loaded.len());
    plotters::style::register_font(&family, FontStyle::Normal, bytes)
        .map_err(|_| format!("{} cannot be used for drawing", path.display()))?;
    let cjk = Cjk { family, font };
    loaded.push((path.to_path_buf(), cjk.clone()));
    Ok(cjk)
}

/// Registers the bundled font as [`LATIN_FAMILY`] (once per process) and returns its glyphs.
fn latin() -> FontRef<'static> {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font(LATIN_FAMILY, FontStyle::Normal, LATIN);
    });
    // The bundled font is checked by the tests; an unreadable one would fail every chart test.
    FontRef::try_from_slice(LATIN).unwrap_or_else(|_| unreachable!("bundled font is valid"))
}

/// Whether `font` has a glyph for every visible character of `text`.
fn covers(font: &FontRef<'_>, text: &str) -> bool {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .all(|c| font.glyph_id(c).0 != 0)
}

/// A font's ascent + descent in ems (what ab_glyph's pixel size spans).
fn line_em(font: &FontRef<'_>) -> f64 {
    let upem = font.units_per_em().unwrap_or(1000.0);
    f64::from(font.height_unscaled() / upem)
}

/// The fonts one chart is drawn with.
#[derive(Clone)]
pub struct ChartFonts {
    latin: FontRef<'static>,
    cjk: Option<Cjk>,
    /// The CJK font asked for, and why it could not be used.
    cjk_problem: Option<(PathBuf, String)>,
}

impl ChartFonts {
    /// The bundled font plus the CJK font at `cjk` (none when `None`); a CJK font that cannot be
    /// read is noted, not an error: charts are still drawn.
    pub fn load(cjk: Option<&Path>) -> ChartFonts {
        let (cjk, cjk_problem) = match cjk.map(|p| (p, load_cjk(p))) {
            None => (None, None),
            Some((_, Ok(c))) => (Some(c), None),
            Some((p, Err(e))) => (None, Some((p.to_path_buf(), e))),
        };
        ChartFonts {
            latin: latin(),
            cjk,
            cjk_problem,
        }
    }

    /// The same fonts without the CJK one (the SVG names `sans-serif` for every label and lets
    /// the viewer's own fonts supply the glyphs).
    pub fn latin_only(&self) -> ChartFonts {
        ChartFonts {
            latin: self.latin.clone(),
            cjk: None,
            cjk_problem: None,
        }
    }

    /// The family to draw `text` in: the bundled font when it has every glyph, else the CJK
    /// font when that has them, else the bundled font (boxes for the missing glyphs).
    pub fn family_for(&self, text: &str) -> &str {
        if covers(&self.latin, text) {
            return LATIN_FAMILY;
        }
        match &self.cjk {
            Some(c) if covers(&c.font, text) => &c.family,
            _ => LATIN_FAMILY,
        }
    }

    /// The family and size to draw `text` in for a label of `size` in the bundled font. A CJK
    /// font is scaled so its characters stand as tall as the Latin ones (ab_glyph sizes a font
    /// by its ascent + descent, which Noto Sans SC makes 1.45 em and DejaVu Sans 1.16 em).
    pub fn font_for(&self, text: &str, size: f64) -> (&str, f64) {
        let family = self.family_for(text);
        match &self.cjk {
            Some(c) if family == c.family => {
                (family, size * line_em(&c.font) / line_em(&self.latin))
            }
            _ => (family, size),
        }
    }

    /// Whether `text` is drawn with a glyph for every visible character.
    pub fn renders(&self, text: &str) -> bool {
        covers(&self.latin, text) || self.cjk.as_ref().is_some_and(|c| covers(&c.font, text))
    }

    /// The CJK font's glyph id for `c` (0: none, or no CJK font).
    pub fn cjk_glyph(&self, c: char) -> u16 {
        self.cjk.as_ref().map_or(0, |f| f.font.glyph_id(c).0)
    }

    /// The bundled font's glyph id for `c` (0: none).
    pub fn latin_glyph(&self, c: char) -> u16 {
        self.latin.glyph_id(c).0
    }

    /// The warning for labels that are drawn with boxes (none when every label has glyphs).
    pub fn missing_glyphs_warning<'a>(
        &self,
        labels: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        let missing: Vec<&str> = labels.into_iter().filter(|l| !self.renders(l)).collect();
        if missing.is_empty() {
            return None;
        }
        let why = match (&self.cjk, &self.cjk_problem) {
            (_, Some((_, e))) => format!(
                "the CJK font could not be used ({e}); scripts/setup.sh fetches Noto Sans SC \
                 into {}, or set STANCE_CJK_FONT to a font with Chinese glyphs",
                crate::defaults::CJK_FONT
            ),
            (Some(_), None) => "the CJK font has no glyphs for some of their characters".into(),
            (None, None) => "no CJK font was given".into(),
        };
        Some(format!(
            "the chart draws {} label(s) as boxes ({}): {why}",
            missing.len(),
            missing.join(", ")
        ))
    }
}
