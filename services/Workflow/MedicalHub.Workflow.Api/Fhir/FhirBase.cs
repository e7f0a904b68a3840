using Hl7.Fhir.Model;

namespace MedicalHub.Workflow.Api.Fhir;

/// <summary>The public FHIR base this request came through (the gateway's, from X-Forwarded-Proto/Host, else this service's), for Location headers and Bundle links.</summary>
public static class FhirBase
{
    public static string Of(HttpRequest request)
    {
        var scheme = request.Headers["X-Forwarded-Proto"].FirstOrDefault() ?? request.Scheme;
        var host = request.Headers["X-Forwarded-Host"].FirstOrDefault() ?? request.Host.Value;
        return $"{scheme}://{host}/fhir";
    }

    public static Bundle Searchset(IEnumerable<Resource> resources, int total, string selfUrl, string? nextUrl)
    {
        var bundle = new Bundle { Id = Guid.NewGuid().ToString(), Type = Bundle.BundleType.Searchset, Total = total, Timestamp = DateTimeOffset.UtcNow };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = selfUrl });
        if (nextUrl is not null)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = nextUrl });
        }
        foreach (var resource in resources)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{selfUrl[..selfUrl.IndexOf("/fhir/", StringComparison.Ordinal)]}/fhir/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        return bundle;
    }

    /// <summary>The search's own URL with <c>_offset</c> set (for self and next links).</summary>
    public static string PageUrl(HttpRequest request, string type, int offset)
    {
        var query = request.Query.Where(q => q.Key != "_offset").SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"_offset={offset}");
        return $"{Of(request)}/{type}?{string.Join("&", query)}";
    }
}
