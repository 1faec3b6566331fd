"use client";

import type { PipelineDocument } from "@attune/graph";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type WaveSurfer from "wavesurfer.js";
import type RegionsPlugin from "wavesurfer.js/dist/plugins/regions.esm.js";
import type { PreviewState, RunFrame } from "@/editor/use-live-preview";
import { downstreamOf, previewsOfKind, type PreviewOf } from "./downstream";
import { FrameGate } from "./frame-gate";
import { blobToMediaInput, formatBytes, toRunInput, type MediaInputValue } from "./media-value";
import { MicCapture, SEND_RATE } from "./mic-capture";
import { segmentFeatures, type FeatureRow } from "./segment-features";
import { Gauge, formatValue, seriesRange, sparklinePath } from "./visuals";
import { encodeWav } from "./wav";
import "./media.css";

/**
 * Live microphone mode: every LIVE_CHUNK_MS the last LIVE_WINDOW_SEC of the take (16 kHz mono WAV,
 * encoded in the browser) runs the pipeline, one run at a time: a chunk due while one is in flight
 * is dropped. The waveform then shows that window, so regions and contours line up with it. When
 * recording stops, the whole take becomes the input and runs once more.
 */
const LIVE_CHUNK_MS = 1000;
const LIVE_WINDOW_SEC = 8;
const ACCEPT = "audio/*,.wav,.mp3,.ogg,.oga,.opus,.flac,.webm";
const CONTOUR_W = 1000;
const CONTOUR_H = 56;

interface Surfer {
  ws: WaveSurfer;
  regions: RegionsPlugin;
}

export function AudioPanel({
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
  const [streamWhileRecording, setStreamWhileRecording] = useState(true);
  const [recording, setRecording] = useState(false);
  const [recordSeconds, setRecordSeconds] = useState(0);
  const [level, setLevel] = useState(0);
  const [liveView, setLiveView] = useState<MediaInputValue | null>(null);
  const [liveStats, setLiveStats] = useState({ sent: 0, dropped: 0 });
  const mic = useRef<MicCapture | null>(null);

  const containerRef = useRef<HTMLDivElement>(null);
  const surfer = useRef<Surfer | null>(null);
  const [surferReady, setSurferReady] = useState(0);
  const [loaded, setLoaded] = useState<{ id: string; duration: number } | null>(null);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);

  const shown = liveView ?? value;

  // ----- what the pipeline says about this input -----
  const downstream = useMemo(() => downstreamOf(document, nodeId), [document, nodeId]);
  const segments = useMemo(() => previewsOfKind(document, preview, downstream, "segments")[0]?.preview, [document, preview, downstream]);
  const series = useMemo(() => previewsOfKind(document, preview, downstream, "series")[0]?.preview, [document, preview, downstream]);
  const gauges = useMemo(() => previewsOfKind(document, preview, downstream, "gauge"), [document, preview, downstream]);
  const actions = useMemo(() => previewsOfKind(document, preview, downstream, "action"), [document, preview, downstream]);

  // ----- wavesurfer: created once, loaded whenever the shown audio changes -----
  useEffect(() => {
    let disposed = false;
    void (async () => {
      // Loaded in the browser only: wavesurfer touches the DOM as soon as it is created.
      const [{ default: WaveSurferClass }, { default: Regions }] = await Promise.all([
        import("wavesurfer.js"),
        import("wavesurfer.js/dist/plugins/regions.esm.js"),
      ]);
      if (disposed || !containerRef.current) return;
      const regions = Regions.create();
      const ws = WaveSurferClass.create({
        container: containerRef.current,
        height: 72,
        waveColor: "#7cc6d6",
        progressColor: "#0e7490",
        cursorColor: "#dc2626",
        cursorWidth: 2,
        normalize: true,
        dragToSeek: true,
        plugins: [regions],
      });
      ws.on("timeupdate", (t) => setTime(t));
      ws.on("play", () => setPlaying(true));
      ws.on("pause", () => setPlaying(false));
      ws.on("finish", () => setPlaying(false));
      ws.on("error", (e) => setError(`Cannot show this audio: ${e instanceof Error ? e.message : String(e)}`));
      regions.on("region-clicked", (region, event) => {
        event.stopPropagation();
        const index = Number(region.id.replace("segment-", ""));
        setSelected(Number.isFinite(index) ? index : null);
        ws.setTime(region.start);
      });
      surfer.current = { ws, regions };
      setSurferReady((n) => n + 1);
    })();
    return () => {
      disposed = true;
      surfer.current?.ws.destroy();
      surfer.current = null;
    };
  }, []);

  useEffect(() => {
    const s = surfer.current;
    if (!s) return;
    if (!shown) {
      s.ws.empty();
      setLoaded(null);
      return;
    }
    let current = true;
    s.ws
      .load(shown.url)
      .then(() => {
        if (current) setLoaded({ id: shown.id, duration: s.ws.getDuration() });
      })
      .catch((e: unknown) => {
        // A newer load aborts this one; only a real decode failure is worth showing.
        if (current && !(e instanceof DOMException && e.name === "AbortError")) {
          setError(`The browser cannot play this file (${e instanceof Error ? e.message : String(e)}); the runner may still decode it.`);
        }
      });
    return () => {
      current = false;
    };
  }, [shown, surferReady]);

  // VAD segments as regions, once the audio they belong to is on screen.
  useEffect(() => {
    const s = surfer.current;
    if (!s || !loaded) return;
    s.regions.clearRegions();
    setSelected((sel) => (sel !== null && segments && sel < segments.segments.length ? sel : null));
    for (const [i, seg] of (segments?.segments ?? []).entries()) {
      const region = s.regions.addRegion({
        id: `segment-${i}`,
        start: seg.start,
        end: Math.min(seg.end, loaded.duration),
        color: i === selected ? "rgba(234, 88, 12, 0.28)" : "rgba(14, 116, 144, 0.16)",
        drag: false,
        resize: false,
      });
      region.element?.setAttribute("data-testid", "audio-region");
      region.element?.setAttribute("data-start", String(seg.start));
      region.element?.setAttribute("data-end", String(seg.end));
      region.element?.setAttribute("title", `speech ${seg.start.toFixed(2)}–${seg.end.toFixed(2)} s (p=${seg.probability.toFixed(2)}); click for its features`);
    }
  }, [segments, loaded, selected]);

  // ----- upload -----
  const accept = useCallback(
    async (file: File) => {
      setError(null);
      setLiveView(null);
      onChange(await blobToMediaInput(file, "upload", file.name));
    },
    [onChange],
  );

  // ----- microphone -----
  const startRecording = useCallback(async () => {
    setError(null);
    surfer.current?.ws.pause();
    const capture = new MicCapture();
    try {
      await capture.start();
    } catch (e) {
      await capture.stop();
      setError(`Microphone unavailable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    mic.current = capture;
    setRecording(true);
    setRecordSeconds(0);
    if (streamWhileRecording) onLiveChange(true);
  }, [streamWhileRecording, onLiveChange]);

  const stopRecording = useCallback(async () => {
    const capture = mic.current;
    mic.current = null;
    setRecording(false);
    onLiveChange(false);
    if (!capture) return;
    await capture.stop();
    const take = capture.tail();
    setLiveView(null);
    if (take.length < SEND_RATE * 0.1) {
      setError("The recording is too short (under 0.1 s).");
      return;
    }
    onChange(await blobToMediaInput(encodeWav(take, SEND_RATE), "microphone", `recording-${new Date().toISOString().slice(11, 19)}.wav`));
  }, [onChange, onLiveChange]);

  // Meter and elapsed time while recording.
  useEffect(() => {
    if (!recording) return;
    const timer = setInterval(() => {
      setRecordSeconds(mic.current?.seconds ?? 0);
      setLevel(mic.current?.level ?? 0);
    }, 100);
    return () => clearInterval(timer);
  }, [recording]);

  // Live chunks while recording.
  useEffect(() => {
    if (!recording || !live) return;
    const gate = new FrameGate();
    const timer = setInterval(() => {
      gate.offer(
        async () => {
          const window = mic.current?.tail(LIVE_WINDOW_SEC);
          if (!window || window.length < SEND_RATE * 0.5) return null;
          return blobToMediaInput(encodeWav(window, SEND_RATE), "microphone", "live.wav");
        },
        async (chunk) => {
          setLiveView((old) => {
            if (old?.url) URL.revokeObjectURL(old.url);
            return chunk;
          });
          await runFrame({ [name]: toRunInput(chunk) });
        },
      );
      setLiveStats(gate.stats());
    }, LIVE_CHUNK_MS);
    return () => clearInterval(timer);
  }, [recording, live, runFrame, name]);

  // Release the microphone if the panel goes away mid-take.
  useEffect(() => () => void mic.current?.stop(), []);

  const duration = loaded?.duration ?? 0;
  const selectedSegment = selected !== null ? segments?.segments[selected] : undefined;
  const features: FeatureRow[] = useMemo(
    () => (selectedSegment ? segmentFeatures(selectedSegment, series, preview.outputs) : []),
    [selectedSegment, series, preview.outputs],
  );
  const arousal = gauges.find((g) => g.preview.label.toLowerCase().includes("arousal")) ?? gauges[0];
  const pitchStat = series?.stats?.f0MeanHz ?? series?.stats?.f0Mean;

  return (
    <div className="media-panel" data-testid={`audio-panel-${name}`}>
      <div className="media-toolbar">
        <label className="button-like" title="Upload WAV, MP3, OGG, FLAC or WebM audio">
          Upload
          <input
            type="file"
            accept={ACCEPT}
            data-testid={`audio-file-${name}`}
            disabled={recording}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) void accept(file);
            }}
          />
        </label>
        <button
          type="button"
          className={recording ? "danger" : ""}
          onClick={() => void (recording ? stopRecording() : startRecording())}
          data-testid={`audio-record-${name}`}
          aria-pressed={recording}
        >
          {recording ? `■ Stop ${recordSeconds.toFixed(1)} s` : "● Record"}
        </button>
        <button type="button" onClick={() => surfer.current?.ws.playPause()} disabled={!loaded || recording} data-testid={`audio-play-${name}`}>
          {playing ? "Pause" : "Play"}
        </button>
        <label className="check-row small" title={`While recording, send the last ${LIVE_WINDOW_SEC} s every ${LIVE_CHUNK_MS / 1000} s`}>
          <input type="checkbox" checked={streamWhileRecording} disabled={recording} onChange={(e) => setStreamWhileRecording(e.target.checked)} />
          live
        </label>
      </div>
      {recording && (
        <div className="level-meter" aria-label="microphone level">
          <span style={{ width: `${Math.min(100, level * 400)}%` }} />
        </div>
      )}
      <div className="wave-wrap">
        <div
          ref={containerRef}
          className="waveform"
          data-testid="audio-waveform"
          data-input={name}
          data-ready={loaded ? "true" : "false"}
          data-duration={duration}
          data-region-count={segments?.segments.length ?? 0}
        />
        {!shown && <div className="drop-hint wave-empty">Record or upload audio to see its waveform.</div>}
      </div>
      {series && duration > 0 && (
        <Contours series={series} duration={duration} time={time} segments={segments?.segments ?? []} onSeek={(t) => surfer.current?.ws.setTime(t)} />
      )}
      <div className="media-meta">
        {live && recording ? (
          <span data-testid={`audio-live-${name}`}>
            live · last {LIVE_WINDOW_SEC} s every {LIVE_CHUNK_MS / 1000} s · {liveStats.sent} sent · {liveStats.dropped} dropped
          </span>
        ) : shown ? (
          <span>
            {shown.filename ?? shown.source} · {formatBytes(shown.byteLength)}
            {duration > 0 && ` · ${duration.toFixed(2)} s`} · {time.toFixed(2)} s
          </span>
        ) : (
          <span className="muted">no audio yet</span>
        )}
        {value && !recording && (
          <button type="button" className="link" onClick={() => onChange(undefined)} data-testid={`audio-clear-${name}`}>clear</button>
        )}
      </div>
      <div className="readouts">
        {arousal && (
          <Gauge
            label={arousal.preview.label}
            value={arousal.preview.value}
            min={arousal.preview.min}
            max={arousal.preview.max}
            flag={arousal.preview.flag}
            testId={`audio-arousal-${name}`}
          />
        )}
        {pitchStat !== undefined && (
          <div className="readout" data-testid={`audio-pitch-${name}`} data-value={pitchStat}>
            pitch <b>{formatValue(pitchStat)}</b> {series?.stats?.f0MeanHz !== undefined ? "Hz" : ""}
            {series?.stats?.f0Slope !== undefined && (
              <span className="muted"> · {series.stats.f0Slope > 0.05 ? "rising" : series.stats.f0Slope < -0.05 ? "falling" : "flat"}</span>
            )}
          </div>
        )}
        {actions.map((a) => (
          <div key={a.nodeId} className="readout" data-testid={`audio-decision-${a.nodeId}`} data-action={a.preview.action?.name ?? "none"}>
            decision <span className={`action-chip${a.preview.action ? "" : " none"}`}>{a.preview.action?.name ?? "no action"}</span>
          </div>
        ))}
      </div>
      {selectedSegment && (
        <div className="segment-features" data-testid="audio-segment-features" data-segment={selected ?? ""}>
          <div className="segment-features-head">
            <b>
              Segment {(selected ?? 0) + 1}: {selectedSegment.start.toFixed(2)}–{selectedSegment.end.toFixed(2)} s
            </b>
            <button type="button" className="link" onClick={() => setSelected(null)}>close</button>
          </div>
          <table>
            <tbody>
              {features.map((row) => (
                <tr key={row.name} data-feature={row.name}>
                  <td>{row.name}</td>
                  <td className="num">{row.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error && <div className="error-text small" data-testid={`audio-error-${name}`}>{error}</div>}
    </div>
  );
}

/** Pitch and loudness contours under the waveform, on the same time axis, with the play cursor. */
function Contours({
  series,
  duration,
  time,
  segments,
  onSeek,
}: {
  series: PreviewOf<"series">;
  duration: number;
  time: number;
  segments: readonly { start: number; end: number }[];
  onSeek: (t: number) => void;
}) {
  // The contours cover series.durationSec; stretch them onto the waveform's duration.
  const span = (Math.min(series.durationSec || duration, duration) / duration) * CONTOUR_W;
  const colors = ["#7c3aed", "#0891b2", "#16a34a"];
  return (
    <div className="contours" data-testid="audio-contours">
      <svg
        viewBox={`0 0 ${CONTOUR_W} ${CONTOUR_H}`}
        preserveAspectRatio="none"
        onClick={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          onSeek(((e.clientX - rect.left) / rect.width) * duration);
        }}
      >
        {segments.map((s, i) => (
          <rect key={i} x={(s.start / duration) * CONTOUR_W} width={((s.end - s.start) / duration) * CONTOUR_W} y={0} height={CONTOUR_H} fill="rgba(14,116,144,0.08)" />
        ))}
        {series.series.slice(0, 3).map((s, i) => (
          <path
            key={s.name}
            data-series={s.name}
            d={sparklinePath(s.values, span, CONTOUR_H - 6, displayRange(s.values, s.unit))}
            transform="translate(0,3)"
            fill="none"
            stroke={colors[i]}
            strokeWidth={1.6}
            vectorEffect="non-scaling-stroke"
          />
        ))}
        <line x1={(time / duration) * CONTOUR_W} x2={(time / duration) * CONTOUR_W} y1={0} y2={CONTOUR_H} stroke="#dc2626" strokeWidth={2} vectorEffect="non-scaling-stroke" />
      </svg>
      <div className="contour-legend">
        {series.series.slice(0, 3).map((s, i) => {
          const range = displayRange(s.values, s.unit);
          return (
            <span key={s.name} style={{ color: colors[i] }}>
              {s.name} {range ? `${formatValue(range.min)}–${formatValue(range.max)} ${s.unit}` : "(none)"}
            </span>
          );
        })}
      </div>
    </div>
  );
}

/** Loudness floors (silence at -100 dB) would flatten the speech: show at most 50 dB below the peak. */
function displayRange(values: readonly (number | null)[], unit: string): { min: number; max: number } | undefined {
  const range = seriesRange(values);
  if (!range || !/db/i.test(unit)) return range;
  return { min: Math.max(range.min, range.max - 50), max: range.max };
}
