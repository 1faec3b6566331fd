import { AuditReportView } from "@/components/audits/audit-report";

export const metadata = { title: "Bias audit report · Attune Studio" };

export default async function Page({ params }: { params: Promise<{ auditId: string }> }) {
  const { auditId } = await params;
  return <AuditReportView auditId={auditId} />;
}
