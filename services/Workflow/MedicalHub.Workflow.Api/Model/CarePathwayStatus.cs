namespace MedicalHub.Workflow.Api.Model;

public enum CarePathwayStatus
{
    Draft,
    Active,
    Retired,
}
