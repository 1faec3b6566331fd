import { PublishPage } from "@/components/publish/publish-page";

export const metadata = { title: "Publish · Attune Studio" };

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <PublishPage id={id} />;
}
