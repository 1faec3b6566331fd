// vader-sentiment ships no types. Its CommonJS entry exports the analyzer as a named property;
// consumers take the default import (module.exports), which every loader agrees on.
declare module "vader-sentiment" {
  export interface PolarityScores {
    neg: number;
    neu: number;
    pos: number;
    /** Normalised sum of valences in -1..1. */
    compound: number;
  }
  const vader: {
    SentimentIntensityAnalyzer: { polarity_scores(text: string): PolarityScores };
  };
  export default vader;
}
