/**
 * A media run input as the studio holds and sends it: the runner turns `{ base64, mimeType,
 * filename }` into MediaBytes for image and audio input nodes (see apps/runner/src/media-inputs.ts).
 * `id` changes whenever the content does, so the editor can compare inputs without hashing megabytes.
 */
export interface MediaInputValue {
  id: string;
  base64: string;
  mimeType: string;
  filename?: string;
  /** Where it came from, shown next to it. */
  source: "upload" | "paste" | "drop" | "webcam" | "microphone";
  /** An object URL for showing or playing it in the page (revoked when replaced); "" for live frames. */
  url: string;
  byteLength: number;
}

let counter = 0;

/** Reads a Blob into a MediaInputValue (base64 without the data-URL prefix). */
export async function blobToMediaInput(blob: Blob, source: MediaInputValue["source"], filename?: string, withUrl = true): Promise<MediaInputValue> {
  const base64 = await blobToBase64(blob);
  counter += 1;
  return {
    id: `${Date.now().toString(36)}-${counter}`,
    base64,
    mimeType: blob.type || "application/octet-stream",
    ...(filename ? { filename } : {}),
    source,
    // Live frames are never shown from their own URL: skip it rather than leak one per frame.
    url: withUrl ? URL.createObjectURL(blob) : "",
    byteLength: blob.size,
  };
}

export async function blobToBase64(blob: Blob): Promise<string> {
  // FileReader's data URL is the fastest base64 encoder the browser has for large blobs.
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(blob);
  });
  return dataUrl.slice(dataUrl.indexOf(",") + 1);
}

/** What goes into the preview request body for this input. */
export function toRunInput(value: MediaInputValue): { base64: string; mimeType: string; filename?: string } {
  return { base64: value.base64, mimeType: value.mimeType, ...(value.filename ? { filename: value.filename } : {}) };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
