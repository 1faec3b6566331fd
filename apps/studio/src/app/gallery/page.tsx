import { GalleryPage } from "@/components/gallery/gallery-page";
import { ensureBuiltinTemplates } from "./builtins";

// Reads the templates folder and the database: never prerendered at build time.
export const dynamic = "force-dynamic";

export default function Gallery() {
  ensureBuiltinTemplates();
  return <GalleryPage />;
}
