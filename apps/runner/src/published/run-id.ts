import { randomUUID } from "node:crypto";

/**
 * A run id as a version 7 UUID (RFC 9562): the call's time in milliseconds first, then random bits.
 * Run ids are the key of the run outputs table, which the writer thread fills with thousands of
 * rows a second; ids that grow with time are inserted at the end of that index instead of at a
 * random page, which keeps the writes cheap as the table grows. The random part (74 bits) still
 * makes ids unguessable, which matters because feedback is posted by run id.
 */
export function newRunId(atMs: number): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx, y = variant
  // Keep the v4 id's variant and random digits from position 15 on; replace its time-free head.
  return timeHead(atMs) + random.slice(15);
}

// Thousands of calls share each millisecond: its head is built once.
let headMs = -1;
let head = "";

/** "tttttttt-tttt-7": the 48-bit time in hex, the dashes and the version digit. */
function timeHead(atMs: number): string {
  if (atMs !== headMs) {
    const time = atMs.toString(16).padStart(12, "0");
    head = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    headMs = atMs;
  }
  return head;
}
