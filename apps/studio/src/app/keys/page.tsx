import { KeysPage } from "@/components/keys/keys-page";

export const metadata = { title: "API keys · Attune Studio" };

export default function Page() {
  return <KeysPage />;
}
