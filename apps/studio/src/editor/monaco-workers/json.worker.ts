// The JSON language service (validation, folding, formatting) in a worker of our own bundle.
import "monaco-editor/language/json/json.worker";
