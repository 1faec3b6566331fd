"use client";

import type { PipelineDocument } from "@attune/graph";
import { useCallback, useEffect, useMemo, useRef, useState, type ClipboardEvent, type DragEvent } from "react";
import type { PreviewState, RunFrame } from "@/editor/use-live-preview";
import { downstreamOf, previewsOfKind } from "./downstream";
import { FrameGate } from "./frame-gate";
import { blobToMediaInput, formatBytes, toRunInput, type MediaInputValue } from "./media-value";
import { FacesOverlay } from "./visuals";
import "./media.css";

const ACCEPT = "image/png,image/jpeg,image/webp";
/** Webcam frames are scaled so their long side is at most this: enough for face detection, small to send. */
const FRAME_MAX_SIDE = 640;
const FRAME_QUALITY = 0.8;
/** How often the live loop offers a frame; frames offered while one runs are dropped. */
const OFFER_INTERVAL_MS = 1000 / 15;

/**
 * The live-preview panel of one image input: upload, paste, drag and drop, a webcam snapshot, or a
 * live webcam stream whose frames run the pipeline one at a time (newer frames are dropped while a
 * run is in flight, so the overlay never lags behind). Face boxes from the pipeline are drawn over
 * the image or the video.
 */
export function ImagePanel({
  name,
  nodeId,
  value,
  onChange,
  document,
  preview,
  runFrame,
  live,
  onLiveChange,
}: {
  name: string;
  nodeId: string;
  value: MediaInputValue | undefined;
  onChange: (value: MediaInputValue | undefined) => void;
  document: PipelineDocument;
  preview: PreviewState;
  runFrame: RunFrame;
  live: boolean;
  onLiveChange: (live: boolean) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [camera, setCamera] = useState<MediaStream | null>(null);
  const [fps, setFps] = useState(0);
  const [frameStats, setFrameStats] = useState({ sent: 0, dropped: 0 });
  const videoRef = useRef<HTMLVideoElement>(null);
  const lastFrame = useRef<Blob | null>(null);
  // The parent passes a new callback each render; the live loop must not restart because of it.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const downstream = useMemo(() => downstreamOf(document, nodeId), [document, nodeId]);
  const faces = useMemo(() => {
    const all = previewsOfKind(document, preview, downstream, "faces");
    // The expression node's faces (with emotions) beat the bare detector's.
    return all.find((f) => f.preview.faces.some((face) => face.top && face.top.length > 0)) ?? all.at(-1);
  }, [document, preview, downstream]);

  const accept = useCallback(
    async (blob: Blob | null | undefined, source: MediaInputValue["source"], filename?: string) => {
      if (!blob) return;
      if (!/^image\/(png|jpeg|webp)$/.test(blob.type)) {
        // The runner sniffs the bytes anyway; this only saves a round trip for the obvious cases.
        setError(`${filename ?? "That file"} is ${blob.type || "of an unknown type"}: use a PNG, JPEG or WebP image.`);
        return;
      }
      setError(null);
      onChange(await blobToMediaInput(blob, source, filename));
    },
    [onChange],
  );

  const onPaste = useCallback(
    (event: ClipboardEvent) => {
      const file = [...event.clipboardData.files].find((f) => f.type.startsWith("image/"));
      if (!file) return;
      event.preventDefault();
      void accept(file, "paste", file.name || "pasted image");
    },
    [accept],
  );
  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      setDragging(false);
      const file = [...event.dataTransfer.files][0];
      if (file) void accept(file, "drop", file.name);
    },
    [accept],
  );

  // ----- webcam -----
  const openCamera = useCallback(async () => {
    setError(null);
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error("this browser has no camera access (the page must be served over https or localhost)");
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      setCamera(stream);
    } catch (e) {
      setError(`Camera unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, []);
  const closeCamera = useCallback(() => {
    onLiveChange(false);
    setCamera((stream) => {
      for (const track of stream?.getTracks() ?? []) track.stop();
      return null;
    });
  }, [onLiveChange]);
  useEffect(() => {
    const video = videoRef.current;
    if (video && camera) {
      video.srcObject = camera;
      void video.play().catch(() => undefined);
    }
  }, [camera]);
  // Stop the camera when the panel goes away (node deleted, page left).
  const cameraRef = useRef(camera);
  cameraRef.current = camera;
  useEffect(() => () => cameraRef.current?.getTracks().forEach((t) => t.stop()), []);

  const grab = useCallback(async (): Promise<Blob | null> => {
    const video = videoRef.current;
    if (!video || video.videoWidth === 0) return null;
    const scale = Math.min(1, FRAME_MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const canvas = window.document.createElement("canvas");
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d")?.drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", FRAME_QUALITY));
  }, []);

  const snapshot = useCallback(async () => {
    const blob = await grab();
    if (blob) {
      onLiveChange(false);
      await accept(blob, "webcam", `webcam-${new Date().toISOString().slice(11, 19)}.jpg`);
    }
  }, [grab, accept, onLiveChange]);

  useEffect(() => {
    if (!live || !camera) return;
    const gate = new FrameGate();
    const offer = setInterval(() => {
      gate.offer(
        async () => {
          const blob = await grab();
          if (blob) lastFrame.current = blob;
          return blob ? blobToMediaInput(blob, "webcam", "webcam.jpg", false) : null;
        },
        (frame) => runFrame({ [name]: toRunInput(frame) }),
      );
    }, OFFER_INTERVAL_MS);
    const meter = setInterval(() => {
      setFps(gate.fps());
      setFrameStats(gate.stats());
    }, 500);
    return () => {
      clearInterval(offer);
      clearInterval(meter);
      setFps(0);
      // The last frame stays as the still input, so the canvas keeps showing what was last seen.
      const last = lastFrame.current;
      lastFrame.current = null;
      if (last) void blobToMediaInput(last, "webcam", "webcam.jpg").then((v) => onChangeRef.current(v));
    };
  }, [live, camera, grab, runFrame, name]);

  const shown = faces?.preview;
  return (
    <div className="media-panel" data-testid={`image-panel-${name}`}>
      <div className="media-toolbar">
        <label className="button-like" title="Upload a PNG, JPEG or WebP image">
          Upload
          <input
            type="file"
            accept={ACCEPT}
            data-testid={`image-file-${name}`}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void accept(file, "upload", file.name);
            }}
          />
        </label>
        {camera ? (
          <>
            <button type="button" onClick={() => void snapshot()} data-testid={`webcam-snapshot-${name}`}>Snapshot</button>
            <button type="button" className={live ? "primary" : ""} onClick={() => onLiveChange(!live)} data-testid={`webcam-live-${name}`} aria-pressed={live}>
              {live ? "Stop live" : "Live"}
            </button>
            <button type="button" onClick={closeCamera} data-testid={`webcam-close-${name}`}>Close camera</button>
          </>
        ) : (
          <button type="button" onClick={() => void openCamera()} data-testid={`webcam-open-${name}`}>Camera</button>
        )}
      </div>
      <div
        className={`drop-zone${dragging ? " dragging" : ""}`}
        tabIndex={0}
        data-accepts-paste
        data-testid={`image-drop-${name}`}
        onPaste={onPaste}
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes("Files")) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        aria-label={`Image for input ${name}: drop, paste or upload`}
      >
        {camera ? (
          <div className="media-stage">
            <video ref={videoRef} muted playsInline data-testid={`webcam-video-${name}`} />
            {live && shown && (
              <FacesOverlay width={shown.width} height={shown.height} faces={shown.faces} labelScale={1.2} testId={`webcam-faces-${name}`} />
            )}
          </div>
        ) : value ? (
          <div className="media-stage">
            {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL */}
            <img src={value.url} alt={value.filename ?? "input image"} data-testid={`image-preview-${name}`} />
            {shown && <FacesOverlay width={shown.width} height={shown.height} faces={shown.faces} testId={`image-faces-${name}`} />}
          </div>
        ) : (
          <div className="drop-hint">
            Drop an image here, click and paste (Ctrl+V), upload one, or use the camera.
          </div>
        )}
      </div>
      <div className="media-meta">
        {live ? (
          <span data-testid={`webcam-fps-${name}`} data-fps={fps.toFixed(2)}>
            live · {fps.toFixed(1)} fps · {frameStats.sent} sent · {frameStats.dropped} dropped
          </span>
        ) : value ? (
          <span>
            {value.filename ?? value.source} · {formatBytes(value.byteLength)}
            {shown && ` · ${shown.faces.length} face${shown.faces.length === 1 ? "" : "s"}`}
          </span>
        ) : (
          <span className="muted">no image yet</span>
        )}
        {value && !camera && (
          <button type="button" className="link" onClick={() => onChange(undefined)} data-testid={`image-clear-${name}`}>clear</button>
        )}
      </div>
      {error && <div className="error-text small" data-testid={`image-error-${name}`}>{error}</div>}
    </div>
  );
}
