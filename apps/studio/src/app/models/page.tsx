import { ModelsPage } from "@/components/models/models-page";

export const metadata = { title: "Models · Attune Studio" };

export default function Page() {
  return <ModelsPage />;
}
