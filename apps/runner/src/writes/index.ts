export { BackgroundWriter, type BackgroundWriterOptions, type PublishedCall } from "./background-writer";
