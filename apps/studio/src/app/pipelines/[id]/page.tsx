import { env } from "@/env";
import { EditorLoader } from "@/editor/editor-loader";

export default async function PipelinePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EditorLoader id={id} maxInputChars={env.MAX_INPUT_CHARS} />;
}
