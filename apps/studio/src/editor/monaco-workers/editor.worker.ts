// Bundled as its own worker entry so Monaco's core worker is served from our origin, not a CDN.
import "monaco-editor/editor/editor.worker";
