import { PipelineList } from "@/components/pipeline-list";

export default function HomePage() {
  return <PipelineList />;
}
