import emojiData from "emojibase-data/en/compact.json" with { type: "json" };

// Skin tones and variation selectors are stripped from both the table and the text: "👍🏽" and
// "👍️" mean "thumbs up" for sentiment, and the base names carry no tone words to skew scores.
const MODIFIERS = /[\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F]/gu;
const MAY_HAVE_EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]/u;

function baseForm(emoji: string): string {
  return emoji.replace(MODIFIERS, "");
}

/**
 * Emoji -> lower-case English name (Unicode CLDR short name from emojibase). Lower-cased and
 * stripped of "!"/"?" because VADER reads ALL-CAPS words and "!" as emphasis, and names such as
 * "UP! button" would otherwise amplify the user's own words. Built once from static data and never
 * written to afterwards.
 */
const EMOJI_NAMES: ReadonlyMap<string, string> = new Map(
  emojiData.map((e) => [baseForm(e.unicode), e.label.toLowerCase().replace(/[!?]/g, "")] as const),
);

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * Replaces each emoji with its name, padded with spaces so it tokenises as words, e.g.
 * "love it😍" -> "love it smiling face with heart-eyes ". Text without emoji is returned as is.
 */
export function emojiToText(text: string): string {
  if (!MAY_HAVE_EMOJI.test(text)) return text;
  let out = "";
  for (const { segment } of segmenter.segment(text)) {
    const name = EMOJI_NAMES.get(baseForm(segment));
    out += name === undefined ? segment : ` ${name} `;
  }
  return out;
}
