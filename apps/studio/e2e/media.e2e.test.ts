// Browser tests of the media panels: a photo uploaded through the image panel shows face boxes and
// emotion bars on the canvas; a synthesised speech clip uploaded through the audio panel shows its
// waveform, VAD regions and the arousal value; the live webcam path streams frames (fake camera).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHROMIUM, useStudio } from "./harness";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** A photo with three faces that ships inside the face-api package. */
const PHOTO = path.join(repoRoot, "node_modules/@vladmandic/face-api/demo/sample1.jpg");
const WAIT = { timeout: 60_000 };

const studio = useStudio({
  pageTimeoutMs: 60_000,
  launch: {
    ...CHROMIUM,
    // A synthetic camera and microphone, granted without a prompt, for the live paths.
    args: [...CHROMIUM.args, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"],
  },
});
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "attune-media-e2e-"));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const at = (x: number, y: number) => ({ x, y });
const node = (id: string, type: string, params: Record<string, unknown>, position: { x: number; y: number }) => ({ id, type, version: 1, params, position });
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({
  id: `${from}-${fromPort}-${to}-${toPort}`,
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});
/** Face and voice pipelines must say what they are for (responsible-use checks). */
const META = { purpose: "Browser test of the studio's media panels", setting: "research" };

/** Creates a pipeline with this document through the studio's own API and opens it in the editor. */
async function openPipeline(page: Page, name: string, document: unknown): Promise<void> {
  const res = await page.request.post(`${studio.stack.studioUrl}/api/trpc/pipelines.create`, { data: { name, document } });
  expect(res.status(), await res.text()).toBe(200);
  const body = (await res.json()) as { result: { data: { id: string } } };
  await page.goto(`${studio.stack.studioUrl}/pipelines/${body.result.data.id}`);
  await page.getByTestId("canvas").waitFor(WAIT);
}

const faceDocument = {
  schemaVersion: 1,
  meta: META,
  nodes: [
    node("img", "core.image-input", { name: "image" }, at(0, 120)),
    node("det", "vision.face-detect", {}, at(300, 0)),
    node("exp", "vision.facial-expression", {}, at(600, 120)),
    node("out", "core.output", { name: "emotion" }, at(900, 120)),
  ],
  edges: [edge("img", "image", "det", "image"), edge("img", "image", "exp", "image"), edge("det", "faces", "exp", "faces"), edge("exp", "primary", "out", "value")],
};

describe("media panels", () => {
  test("an uploaded photo shows face boxes and emotion bars on the canvas", async () => {
    const page = await studio.newPage();
    try {
      await openPipeline(page, "Faces from a photo", faceDocument);
      await page.getByTestId("image-panel-image").waitFor(WAIT);
      await page.getByTestId("image-file-image").setInputFiles(PHOTO);
      await page.getByTestId("image-preview-image").waitFor(WAIT);

      // The image input's own thumbnail, then the detector's and the expression node's faces.
      await page.getByTestId("node-image-img").waitFor(WAIT);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="node-faces-exp"]')?.getAttribute("data-face-count") ?? 0) > 0, undefined, WAIT);
      const detCount = Number(await page.getByTestId("node-faces-det").getAttribute("data-face-count"));
      const expCount = Number(await page.getByTestId("node-faces-exp").getAttribute("data-face-count"));
      expect(detCount).toBe(3);
      expect(expCount).toBe(detCount);

      // Boxes drawn over the thumbnail, inside the image, one per face.
      const faces = page.getByTestId("node-faces-exp");
      expect(await faces.locator("svg rect").count()).toBe(expCount);
      const viewBox = (await faces.locator("svg").getAttribute("viewBox"))!.split(" ").map(Number);
      const boxes = await faces.locator("svg rect").evaluateAll((rects) =>
        rects.map((r) => ["x", "y", "width", "height"].map((k) => Number(r.getAttribute(k)))),
      );
      for (const [x, y, w, h] of boxes) {
        expect(x).toBeGreaterThanOrEqual(-1);
        expect(y).toBeGreaterThanOrEqual(-1);
        expect(x! + w!).toBeLessThanOrEqual(viewBox[2]! + 1);
        expect(y! + h!).toBeLessThanOrEqual(viewBox[3]! + 1);
      }

      // Per-face emotion bars: ekman labels with scores in [0, 1], the top one first.
      const firstFace = page.getByTestId("node-face-exp-0");
      const bars = await firstFace.locator("[data-label]").evaluateAll((rows) =>
        rows.map((r) => ({ label: r.getAttribute("data-label")!, score: Number(r.getAttribute("data-score")) })),
      );
      expect(bars.length).toBeGreaterThan(0);
      const ekman7 = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"];
      for (const bar of bars) {
        expect(ekman7).toContain(bar.label);
        expect(bar.score).toBeGreaterThanOrEqual(0);
        expect(bar.score).toBeLessThanOrEqual(1);
      }
      expect(bars[0]!.score).toBe(Math.max(...bars.map((b) => b.score)));
      expect(await firstFace.getAttribute("data-top-label")).toBe(bars[0]!.label);

      // The panel overlays the same boxes on the uploaded image.
      expect(Number(await page.getByTestId("image-faces-image").getAttribute("data-face-count"))).toBe(expCount);
      await page.screenshot({ path: "/tmp/attune-e2e-faces.png" });
    } finally {
      await page.close();
    }
  });

  test("an image can be pasted (Ctrl+V) or dropped onto the image panel", async () => {
    const page = await studio.newPage();
    try {
      await openPipeline(page, "Faces pasted and dropped", faceDocument);
      const zone = page.getByTestId("image-drop-image");
      await zone.waitFor(WAIT);
      const jpeg = readFileSync(PHOTO).toString("base64");
      // What the browser hands a page on Ctrl+V of a copied image / a dropped file.
      await zone.evaluate((el, b64) => {
        const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "clipboard.jpg", { type: "image/jpeg" });
        const data = new DataTransfer();
        data.items.add(file);
        el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      }, jpeg);
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="node-faces-exp"]')?.getAttribute("data-face-count") ?? 0) === 3, undefined, WAIT);
      expect(await page.getByTestId("image-panel-image").textContent()).toContain("clipboard.jpg");

      const other = readFileSync(path.join(path.dirname(PHOTO), "sample5.jpg")).toString("base64");
      await zone.evaluate((el, b64) => {
        const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "dropped.jpg", { type: "image/jpeg" });
        const data = new DataTransfer();
        data.items.add(file);
        el.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
        el.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
      }, other);
      await expect.poll(() => page.getByTestId("image-panel-image").textContent(), WAIT).toContain("dropped.jpg");
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="node-faces-exp"]')?.getAttribute("data-face-count") ?? 0) === 5, undefined, WAIT);
    } finally {
      await page.close();
    }
  });

  test("an uploaded speech clip shows waveform, VAD regions, contours and the arousal value", async () => {
    const wav = path.join(tmp, "speech.wav");
    synthesiseSpeech(wav);
    const page = await studio.newPage();
    try {
      await openPipeline(page, "Voice arousal", {
        schemaVersion: 1,
        meta: META,
        nodes: [
          node("aud", "core.audio-input", { name: "audio" }, at(0, 100)),
          node("vad", "audio.vad", {}, at(280, 0)),
          node("pro", "audio.prosody", {}, at(560, 100)),
          node("aro", "audio.vocal-arousal", {}, at(840, 100)),
          node("out", "core.output", { name: "arousal" }, at(1120, 100)),
        ],
        edges: [edge("aud", "audio", "vad", "audio"), edge("aud", "audio", "pro", "audio"), edge("vad", "segments", "pro", "segments"), edge("pro", "prosody", "aro", "prosody"), edge("aro", "arousal", "out", "value")],
      });
      await page.getByTestId("audio-panel-audio").waitFor(WAIT);
      await page.getByTestId("audio-file-audio").setInputFiles(wav);

      // The waveform is drawn by wavesurfer once the browser decoded the clip.
      await page.waitForSelector('[data-testid="audio-waveform"][data-ready="true"]', WAIT);
      const duration = Number(await page.getByTestId("audio-waveform").getAttribute("data-duration"));
      expect(duration).toBeGreaterThan(1);

      // VAD segments become regions on the waveform (and bars on the canvas node). wavesurfer draws
      // in a shadow root: Playwright's locators pierce it, document.querySelector would not.
      await expect.poll(() => page.locator('[data-testid="audio-region"]').count(), WAIT).toBeGreaterThan(0);
      const regions = await page.locator('[data-testid="audio-region"]').evaluateAll((els) =>
        els.map((el) => ({ start: Number(el.getAttribute("data-start")), end: Number(el.getAttribute("data-end")) })),
      );
      for (const r of regions) {
        expect(r.end).toBeGreaterThan(r.start);
        expect(r.end).toBeLessThanOrEqual(duration + 0.1);
      }
      expect(Number(await page.getByTestId("node-segments-vad").getAttribute("data-segment-count"))).toBe(regions.length);

      // The arousal value, in the panel and on the canvas gauge.
      await page.getByTestId("audio-arousal-audio").waitFor(WAIT);
      const arousal = Number(await page.getByTestId("audio-arousal-audio").getAttribute("data-value"));
      expect(arousal).toBeGreaterThanOrEqual(0);
      expect(arousal).toBeLessThanOrEqual(1);
      expect(Number(await page.getByTestId("node-gauge-aro").getAttribute("data-value"))).toBe(arousal);

      // Pitch and loudness contours under the waveform, and the prosody sparkline on the canvas.
      await page.getByTestId("audio-contours").waitFor(WAIT);
      expect(await page.getByTestId("node-series-pro").getAttribute("data-series-names")).toContain("pitch");
      expect(await page.getByTestId("audio-contours").locator("path[data-series]").count()).toBeGreaterThan(0);

      // Clicking a region shows that segment's features.
      await page.locator('[data-testid="audio-region"]').first().click();
      const features = page.getByTestId("audio-segment-features");
      await features.waitFor(WAIT);
      expect(await features.locator("[data-feature]").count()).toBeGreaterThan(2);
      expect(await features.textContent()).toMatch(/pitch mean/);

      // Playback moves the cursor.
      await page.getByTestId("audio-play-audio").click();
      await page.waitForFunction(() => /Pause/.test(document.querySelector('[data-testid="audio-play-audio"]')?.textContent ?? ""), undefined, { timeout: 10_000 });
      await page.screenshot({ path: "/tmp/attune-e2e-audio.png" });
    } finally {
      await page.close();
    }
  });

  test("live webcam mode streams frames through the pipeline and shows frames per second", async () => {
    const page = await studio.newPage();
    try {
      await openPipeline(page, "Live faces", faceDocument);
      await page.getByTestId("webcam-open-image").click();
      await page.waitForFunction(() => (document.querySelector('[data-testid="webcam-video-image"]') as HTMLVideoElement | null)?.videoWidth! > 0, undefined, WAIT);
      await page.getByTestId("webcam-live-image").click();
      // Frames keep arriving, one run at a time: the meter counts sent frames and a positive rate.
      await page.waitForFunction(
        () => Number(/(\d+) sent/.exec(document.querySelector('[data-testid="webcam-fps-image"]')?.textContent ?? "")?.[1] ?? 0) >= 3,
        undefined,
        WAIT,
      );
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="webcam-fps-image"]')?.getAttribute("data-fps") ?? 0) > 0, undefined, WAIT);
      // Each frame ran the whole pipeline: the detector and expression nodes have results for it.
      await page.getByTestId("node-faces-det").waitFor(WAIT);
      await page.getByTestId("node-faces-exp").waitFor(WAIT);
      // The synthetic camera shows a test pattern, not a face: the detector reports none, every frame.
      expect(await page.getByTestId("node-faces-det").getAttribute("data-face-count")).toBe("0");
      await page.screenshot({ path: "/tmp/attune-e2e-webcam.png" });
      await page.getByTestId("webcam-live-image").click();
      await page.getByTestId("webcam-close-image").click();
      // Stopping keeps the last frame as the still input.
      await page.getByTestId("image-preview-image").waitFor(WAIT);
    } finally {
      await page.close();
    }
  });

  test("live microphone mode streams chunks while recording, then analyses the whole take", async () => {
    const page = await studio.newPage();
    try {
      await openPipeline(page, "Live voice", {
        schemaVersion: 1,
        meta: META,
        nodes: [
          node("aud", "core.audio-input", { name: "audio" }, at(0, 100)),
          node("pro", "audio.prosody", {}, at(300, 100)),
          node("aro", "audio.vocal-arousal", {}, at(600, 100)),
          node("out", "core.output", { name: "arousal" }, at(900, 100)),
        ],
        edges: [edge("aud", "audio", "pro", "audio"), edge("pro", "prosody", "aro", "prosody"), edge("aro", "arousal", "out", "value")],
      });
      // Chromium's synthetic microphone plays a beep; chunks of it run while recording goes on.
      await page.getByTestId("audio-record-audio").click();
      await page.waitForFunction(
        () => Number(/(\d+) sent/.exec(document.querySelector('[data-testid="audio-live-audio"]')?.textContent ?? "")?.[1] ?? 0) >= 2,
        undefined,
        WAIT,
      );
      await page.getByTestId("audio-arousal-audio").waitFor(WAIT);
      await page.getByTestId("node-gauge-aro").waitFor(WAIT);
      await page.screenshot({ path: "/tmp/attune-e2e-mic-live.png" });
      await page.getByTestId("audio-record-audio").click();
      // The whole take becomes the input: a WAV of the recorded length on the waveform.
      await page.waitForSelector('[data-testid="audio-waveform"][data-ready="true"]', WAIT);
      expect(Number(await page.getByTestId("audio-waveform").getAttribute("data-duration"))).toBeGreaterThan(1.5);
      expect(await page.getByTestId("audio-panel-audio").textContent()).toContain("recording-");
      await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.getAttribute("data-status") === "ok", undefined, WAIT);
    } finally {
      await page.close();
    }
  });
});

/** Speech synthesised with espeak-ng when installed, else a vowel-like voiced signal with pauses. */
function synthesiseSpeech(file: string): void {
  if (existsSync("/usr/bin/espeak-ng")) {
    execFileSync("espeak-ng", ["-w", file, "-s", "170", "-p", "60", "This is really not acceptable. I want to speak to a manager right now!"]);
    return;
  }
  const rate = 16_000;
  const samples = new Float32Array(rate * 3);
  for (let i = 0; i < samples.length; i++) {
    const t = i / rate;
    const voiced = (t > 0.3 && t < 1.3) || (t > 1.7 && t < 2.7);
    const f0 = 140 + 40 * t;
    let s = 0;
    for (let h = 1; h <= 8; h++) s += Math.sin(2 * Math.PI * f0 * h * t) / h;
    samples[i] = voiced ? 0.25 * s : 0;
  }
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write("WAVEfmt ", 8, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(samples.length * 2, 40);
  samples.forEach((v, i) => out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32_000), 44 + i * 2));
  writeFileSync(file, out);
}
