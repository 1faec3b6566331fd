import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildExampleClassifier, DEFAULT_MODELS_DIR } from "@attune/models";
import { describe, expect, test } from "vitest";
import { useStudio } from "./harness";

let modelsDir: string;

const studio = useStudio({
  viewport: { width: 1280, height: 900 },
  startTimeoutMs: 240_000,
  beforeStart: async () => {
    // Uploads go under the runner's models folder: use a copy so the repo's data/models stays clean
    // (the prepared built-ins are copied, so setup finds them cached and does no conversion).
    modelsDir = await mkdtemp(path.join(os.tmpdir(), "attune-e2e-models-"));
    await cp(DEFAULT_MODELS_DIR, modelsDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}user`) });
    process.env.ATTUNE_MODELS_DIR = modelsDir;
  },
  afterStop: async () => {
    delete process.env.ATTUNE_MODELS_DIR;
    await rm(modelsDir, { recursive: true, force: true });
  },
});

const WAIT = { timeout: 30_000 };

describe("models page", () => {
  test("lists built-in cards, refuses a non-ONNX upload, uploads a model and shows its inputs/outputs, deletes it", async () => {
    const page = await studio.newPage();
    try {
      await page.goto(studio.stack.studioUrl);
      await page.getByTestId("nav-models").click();
      await page.waitForURL(/\/models$/, WAIT);

      const builtin = page.getByTestId("model-card-text-emotion");
      await builtin.waitFor(WAIT);
      await expect(builtin.getByTestId("model-inputs-text-emotion-ids").innerText()).resolves.toMatch(/int64\s+\[batch, n\]\s+0 \(batch\), 1 \(n\)/);
      await expect(builtin.getByTestId("model-metrics-text-emotion").innerText()).resolves.toMatch(/macro-F1/);
      await expect(builtin.locator("details summary").innerText()).resolves.toBe("Model card");

      // A PNG is refused with the runner's message, and nothing appears in the list.
      const before = await page.locator("[data-model-kind=upload]").count();
      await page.getByTestId("model-file").setInputFiles({
        name: "photo.onnx",
        mimeType: "application/octet-stream",
        buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
      });
      await page.getByTestId("upload-model").click();
      await expect(page.getByTestId("upload-error").innerText(WAIT)).resolves.toMatch(/photo\.onnx is not a usable ONNX model: it looks like a PNG image/);
      expect(await page.locator("[data-model-kind=upload]").count()).toBe(before);

      await page.getByTestId("model-file").setInputFiles({
        name: "my-emotions.onnx",
        mimeType: "application/octet-stream",
        buffer: Buffer.from(buildExampleClassifier({ inputSize: 16, classes: 7 })),
      });
      await page.getByTestId("upload-model").click();
      const result = page.getByTestId("upload-result");
      await result.waitFor(WAIT);
      const id = await page.getByTestId("uploaded-id").innerText();
      expect(id).toMatch(/^user-[0-9a-f]{16}$/);
      await expect(page.getByTestId("uploaded-inputs-features").innerText()).resolves.toMatch(/float32\s+\[batch, 16\]\s+0 \(batch\)/);
      await expect(page.getByTestId("uploaded-outputs-probs").innerText()).resolves.toMatch(/float32\s+\[batch, 7\]/);

      const card = page.getByTestId(`model-card-${id}`);
      await card.waitFor(WAIT);
      await expect(card.innerText()).resolves.toMatch(/my-emotions\.onnx/);
      await expect(card.innerText()).resolves.toMatch(/NOASSERTION/);

      await page.getByTestId(`delete-model-${id}`).click();
      await page.getByTestId(`confirm-delete-${id}`).click();
      await card.waitFor({ state: "detached", ...WAIT });
      await page.reload();
      await page.getByTestId("model-card-text-emotion").waitFor(WAIT);
      expect(await page.getByTestId(`model-card-${id}`).count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
