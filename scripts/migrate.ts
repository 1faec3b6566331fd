// Creates or migrates the embedded database at ATTUNE_DB_PATH (migrations run on open).
import { openDatabase } from "@attune/db";

const path = process.env.ATTUNE_DB_PATH;
if (!path) throw new Error("ATTUNE_DB_PATH is not set");
const db = openDatabase(path);
db.close();
console.log(`database ready: ${path}`);
