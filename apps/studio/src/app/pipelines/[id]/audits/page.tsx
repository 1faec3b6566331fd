import { AuditsPage } from "@/components/audits/audits-page";

export const metadata = { title: "Bias audits · Attune Studio" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AuditsPage pipelineId={id} />;
}
