import { describe, expect, it } from "vitest";
import { buildGroupAudit, MISSING_GROUP, renderAuditReportHtml, type AuditItem } from "./index";

const item = (label: string, predicted: string | null, dialect: string, scores?: Record<string, number>): AuditItem => ({
  label,
  predicted,
  scores: predicted === null ? null : (scores ?? { [predicted]: 1 }),
  groups: { dialect },
});

describe("buildGroupAudit", () => {
  // Group X: 4 items, 3 right (one "neg" called "pos"), one error. Group Y: 2 items, both right.
  const items: AuditItem[] = [
    item("pos", "pos", "X", { pos: 3, neg: 1 }),
    item("pos", "pos", "X", { pos: 0.5, neg: 0.5 }),
    item("neg", "neg", "X", { pos: 0, neg: 2 }),
    item("neg", "pos", "X", { pos: 0.6, neg: 0.4 }),
    item("neg", null, "X"),
    item("pos", "pos", "Y"),
    item("neg", "neg", "Y"),
    item("pos", "pos", ""),
  ];
  const report = buildGroupAudit(items, { classes: ["neg", "pos"], groupColumns: ["dialect"], minGroupSize: 3, bootstrap: { iterations: 200 } });
  const [grouping] = report.groupings;
  const x = grouping!.groups.find((g) => g.group === "X")!;

  it("computes per-group counts, accuracy, macro-F1, recall, mean scores and ECE by hand", () => {
    expect(grouping!.groups.map((g) => g.group)).toEqual([MISSING_GROUP, "X", "Y"]);
    expect(x).toMatchObject({ n: 5, scored: 4, errors: 1, accuracy: 0.75, tooSmall: false, labelCounts: { neg: 2, pos: 2 } });
    // pos: TP 2, FP 1 -> 4/5; neg: TP 1, FN 1 -> 2/3; macro = (0.8 + 0.6667)/2
    expect(x.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
    expect(x.recall).toEqual({ neg: 0.5, pos: 1 });
    // normalised pos scores: 0.75, 0.5, 0, 0.6 -> mean 0.4625; neg: 0.25, 0.5, 1, 0.4 -> 0.5375
    expect(x.meanScore.pos).toBeCloseTo(0.4625, 12);
    expect(x.meanScore.neg).toBeCloseTo(0.5375, 12);
    // confidences 0.75 (right), 0.5 (right), 1 (right), 0.6 (wrong), all in separate bins:
    // (0.25 + 0.5 + 0 + 0.6) / 4 = 0.3375
    expect(x.ece).toBeCloseTo(0.3375, 12);
  });

  it("marks small groups and leaves them out of the disparity", () => {
    expect(grouping!.tooSmall).toEqual([MISSING_GROUP, "Y"]);
    // Only X is large enough: no pair to compare.
    expect(grouping!.disparity.accuracy).toBeNull();
    const loose = buildGroupAudit(items, { classes: ["neg", "pos"], groupColumns: ["dialect"], minGroupSize: 2, bootstrap: { iterations: 200 } });
    expect(loose.groupings[0]!.disparity.accuracy).toMatchObject({ best: { group: "Y", value: 1 }, worst: { group: "X", value: 0.75 }, difference: 0.25 });
    expect(report.overall).toMatchObject({ n: 8, scored: 7, errors: 1 });
  });

  it("renders a self-contained HTML page with escaped strings", () => {
    const evil: AuditItem[] = Array.from({ length: 4 }, (_, i) => item("pos", i % 2 ? "pos" : "neg", '<script>alert("x")</script>'));
    const html = renderAuditReportHtml({
      title: "Audit <b>",
      facts: [["Pipeline", "A & B"]],
      report: buildGroupAudit(evil, { classes: ["neg", "pos"], groupColumns: ["dialect"], minGroupSize: 1, bootstrap: { iterations: 50 } }),
    });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("Audit &lt;b&gt;");
    expect(html).toContain("A &amp; B");
    expect(html).toMatch(/<svg[^>]*aria-label="Accuracy by dialect/);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});
