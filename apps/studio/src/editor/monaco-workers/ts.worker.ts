// The TypeScript/JavaScript language service (completions, hovers, type hints) from our own bundle.
import "monaco-editor/language/typescript/ts.worker";
