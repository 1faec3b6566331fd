export { BackgroundWriter, type BackgroundWriterOptions, type PublishedRunOutputs } from "./background-writer";
