namespace MedicalHub.Data;

/// <summary>The paging rule of every list endpoint: page numbers start at 1; a page holds 1 to 200 items.</summary>
public static class Paging
{
    public const int MaxPageSize = 200;

    /// <summary>The validation errors of a page request, or <c>null</c> when it is valid.</summary>
    public static Dictionary<string, string[]>? Validate(int page, int pageSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        AddErrors(errors, page, pageSize);
        return errors.Count > 0 ? errors : null;
    }

    /// <summary>Adds the page request's errors to an endpoint's other validation errors.</summary>
    public static void AddErrors(Dictionary<string, string[]> errors, int page, int pageSize)
    {
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
    }
}
