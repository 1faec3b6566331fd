/**
 * Pixel work for the vision nodes, in plain TypeScript: detector and expression inputs are small
 * (256x256, 112x112), so sampling them straight from the decoded RGB bytes costs about a millisecond
 * and keeps preprocessing identical wherever it runs (nodes, evaluation script, benchmark).
 */
import type { ImageValue } from "@attune/graph";

/** How a letterboxed square maps back to the original image: original = (square - pad) / scale. */
export interface Letterbox {
  size: number;
  scale: number;
  padX: number;
  padY: number;
}

export function letterboxGeometry(width: number, height: number, size: number): Letterbox {
  const scale = size / Math.max(width, height);
  return { size, scale, padX: (size - width * scale) / 2, padY: (size - height * scale) / 2 };
}

/**
 * The image scaled to fit a size x size square (aspect kept, centred, black bars), bilinear with
 * half-pixel centres, as NHWC float32 with each channel mapped by `lut` (byte -> value).
 */
export function letterboxTensor(image: ImageValue, size: number, lut: Float32Array): { data: Float32Array; box: Letterbox } {
  const box = letterboxGeometry(image.width, image.height, size);
  const out = new Float32Array(size * size * 3).fill(lut[0]!);
  const { width: w, height: h, data: src } = image;
  const x0 = Math.max(0, Math.floor(box.padX));
  const x1 = Math.min(size, Math.ceil(box.padX + w * box.scale));
  const y0 = Math.max(0, Math.floor(box.padY));
  const y1 = Math.min(size, Math.ceil(box.padY + h * box.scale));
  // Column sampling positions are the same for every row: compute them once.
  const cols = x1 - x0;
  const xa = new Int32Array(cols);
  const xb = new Int32Array(cols);
  const fx = new Float32Array(cols);
  for (let i = 0; i < cols; i++) {
    const sx = Math.min(w - 1, Math.max(0, (x0 + i + 0.5 - box.padX) / box.scale - 0.5));
    xa[i] = Math.floor(sx) * 3;
    xb[i] = Math.min(w - 1, Math.floor(sx) + 1) * 3;
    fx[i] = sx - Math.floor(sx);
  }
  for (let y = y0; y < y1; y++) {
    const sy = Math.min(h - 1, Math.max(0, (y + 0.5 - box.padY) / box.scale - 0.5));
    const ya = Math.floor(sy);
    const fy = sy - ya;
    const rowA = ya * w * 3;
    const rowB = Math.min(h - 1, ya + 1) * w * 3;
    let o = (y * size + x0) * 3;
    for (let i = 0; i < cols; i++) {
      const a = xa[i]!;
      const b = xb[i]!;
      const t = fx[i]!;
      for (let c = 0; c < 3; c++) {
        const top = src[rowA + a + c]! + (src[rowA + b + c]! - src[rowA + a + c]!) * t;
        const bottom = src[rowB + a + c]! + (src[rowB + b + c]! - src[rowB + a + c]!) * t;
        // Round to a byte so the lookup table applies; the error is below the JPEG noise floor.
        out[o++] = lut[(top + (bottom - top) * fy + 0.5) | 0]!;
      }
    }
  }
  return { data: out, box };
}

/** A byte -> value table, e.g. x / 127.5 - 1 for BlazeFace. */
export function byteLut(map: (byte: number) => number): Float32Array {
  return Float32Array.from({ length: 256 }, (_, b) => map(b));
}

/**
 * A square region of the image, possibly rotated: centre (cx, cy) in image pixels, side length in
 * image pixels, and the angle (radians) the region is rotated by, so that sampling it undoes a tilt.
 */
export interface CropRegion {
  cx: number;
  cy: number;
  side: number;
  angle: number;
}

/**
 * Samples `region` into an out x out RGB float32 patch (values 0..255, NHWC, written at `offset`
 * of `target`). Pixels outside the image are black, as face-api pads. Large reductions average
 * several bilinear samples per output pixel so small crops do not alias.
 */
export function sampleRegion(image: ImageValue, region: CropRegion, out: number, target: Float32Array, offset = 0): void {
  const { width: w, height: h, data: src } = image;
  const step = region.side / out;
  const n = Math.max(1, Math.min(4, Math.round(step)));
  const cos = Math.cos(region.angle);
  const sin = Math.sin(region.angle);
  const inv = 1 / (n * n);
  let o = offset;
  for (let v = 0; v < out; v++) {
    for (let u = 0; u < out; u++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sv = 0; sv < n; sv++) {
        const dy = (v + (sv + 0.5) / n - out / 2) * step;
        for (let su = 0; su < n; su++) {
          const dx = (u + (su + 0.5) / n - out / 2) * step;
          // Half-pixel centres: continuous coordinate x maps to pixel index x - 0.5.
          const x = region.cx + dx * cos - dy * sin - 0.5;
          const y = region.cy + dx * sin + dy * cos - 0.5;
          if (x < -0.5 || y < -0.5 || x > w - 0.5 || y > h - 0.5) continue;
          const xc = Math.min(w - 1, Math.max(0, x));
          const yc = Math.min(h - 1, Math.max(0, y));
          const xi = Math.floor(xc);
          const yi = Math.floor(yc);
          const tx = xc - xi;
          const ty = yc - yi;
          const x2 = Math.min(w - 1, xi + 1);
          const y2 = Math.min(h - 1, yi + 1);
          const p00 = (yi * w + xi) * 3;
          const p01 = (yi * w + x2) * 3;
          const p10 = (y2 * w + xi) * 3;
          const p11 = (y2 * w + x2) * 3;
          const w00 = (1 - tx) * (1 - ty);
          const w01 = tx * (1 - ty);
          const w10 = (1 - tx) * ty;
          const w11 = tx * ty;
          r += src[p00]! * w00 + src[p01]! * w01 + src[p10]! * w10 + src[p11]! * w11;
          g += src[p00 + 1]! * w00 + src[p01 + 1]! * w01 + src[p10 + 1]! * w10 + src[p11 + 1]! * w11;
          b += src[p00 + 2]! * w00 + src[p01 + 2]! * w01 + src[p10 + 2]! * w10 + src[p11 + 2]! * w11;
        }
      }
      target[o++] = r * inv;
      target[o++] = g * inv;
      target[o++] = b * inv;
    }
  }
}
