import { FeedbackPage } from "@/components/feedback/feedback-page";

export const metadata = { title: "Empathy feedback · Attune Studio" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <FeedbackPage pipelineId={id} />;
}
