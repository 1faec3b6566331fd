/** TODO(helper): pure-JS SHA-256 (browser and Node, sync) and canonical (sorted-key) JSON. */
export function sha256Hex(_text: string): string {
  throw new Error("not implemented");
}
export function canonicalJson(_value: unknown): string {
  throw new Error("not implemented");
}
