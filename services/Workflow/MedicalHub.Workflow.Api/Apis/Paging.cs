namespace MedicalHub.Workflow.Api.Apis;

/// <summary>Page numbers start at 1; a page holds 1 to 200 items.</summary>
internal static class Paging
{
    public const int MaxPageSize = 200;

    public static Dictionary<string, string[]>? Validate(int page, int pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (page < 1)
        {
            errors["page"] = ["Pages start at 1."];
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"Between 1 and {MaxPageSize}."];
        }
        else if (page > 1 && (long)(page - 1) * pageSize > int.MaxValue)
        {
            errors["page"] = ["Beyond any page there can be."];
        }
        return errors.Count > 0 ? errors : null;
    }
}
