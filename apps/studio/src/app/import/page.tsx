import { ImportPage } from "@/components/exchange/import-page";

export default function Import() {
  return <ImportPage />;
}
