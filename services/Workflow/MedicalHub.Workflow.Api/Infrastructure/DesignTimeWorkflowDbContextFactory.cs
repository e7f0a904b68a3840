using MedicalHub.Data;

namespace MedicalHub.Workflow.Api.Infrastructure;

internal sealed class DesignTimeWorkflowDbContextFactory : DesignTimeDbContextFactory<WorkflowDbContext>;
