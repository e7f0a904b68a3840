using System.Globalization;
using Hl7.Fhir.Model;
using MedicalHub.Data;

namespace MedicalHub.Content.Api.Fhir;

/// <summary>
/// A search's parameters as the handler sees them: those its capability declares (each value as given, in order),
/// and the page: <c>_count</c> (1–200, default 20) and <c>_page</c> (from 1). Parameters it does not support are
/// ignored and left out of the Bundle's links, or refused with <c>Prefer: handling=strict</c>.
/// </summary>
public sealed class FhirSearch
{
    public const int DefaultCount = 20;

    private static readonly string[] Paging = ["_count", "_page"];

    /// <summary>Parameters the endpoint handles itself, whatever the type.</summary>
    private static readonly string[] Ignorable = ["_format", "_pretty", "_summary", "_total"];

    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }

    public int Count { get; init; } = DefaultCount;

    public int Page { get; init; } = 1;

    public IEnumerable<string> Values(string name) => Parameters.Where(p => p.Key == name).Select(p => p.Value);

    /// <summary>Reads the query: declared parameters kept, paging checked, the rest ignored (or refused when strict).</summary>
    public static FhirSearch Parse(FhirRequest request)
    {
        var declared = request.Capability.SearchParameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var strict = request.Http.Request.Headers["Prefer"].Any(p => p?.Contains("handling=strict", StringComparison.OrdinalIgnoreCase) == true);
        var kept = new List<KeyValuePair<string, string>>();
        int count = DefaultCount, page = 1;
        foreach (var (name, values) in request.Http.Request.Query)
        {
            foreach (var value in values)
            {
                if (name == "_count")
                {
                    count = Number(name, value);
                }
                else if (name == "_page")
                {
                    page = Number(name, value);
                }
                else if (declared.Contains(name))
                {
                    kept.Add(new(name, value ?? ""));
                }
                else if (strict && !Ignorable.Contains(name))
                {
                    throw new FhirInputException($"The search parameter '{name}' is not supported for {request.ResourceType}.");
                }
            }
        }
        if (MedicalHub.Data.Paging.Validate(page, count) is { } errors)
        {
            throw new FhirInputException(string.Join(" ", errors.Select(e => $"{(e.Key == "pageSize" ? "_count" : "_page")}: {string.Join(" ", e.Value)}")));
        }
        return new FhirSearch { Parameters = kept, Count = count, Page = page };
    }

    private static int Number(string name, string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FhirInputException($"{name} must be a whole number.");

    /// <summary>A searchset Bundle of one page, with self, first, previous, next and last links that repeat the search.</summary>
    public Bundle Searchset(FhirRequest request, IEnumerable<Resource> page, int total, IEnumerable<Resource>? included = null)
    {
        var bundle = new Bundle { Id = Guid.NewGuid().ToString(), Type = Bundle.BundleType.Searchset, Total = total, Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow } };
        var last = Math.Max(1, (int)Math.Ceiling(total / (double)Count));
        bundle.Link.Add(Link("self", request, Page));
        bundle.Link.Add(Link("first", request, 1));
        if (Page > 1)
        {
            bundle.Link.Add(Link("previous", request, Math.Min(Page - 1, last)));
        }
        if (Page < last)
        {
            bundle.Link.Add(Link("next", request, Page + 1));
        }
        bundle.Link.Add(Link("last", request, last));
        foreach (var resource in page)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{request.BaseUrl}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        foreach (var resource in included ?? [])
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{request.BaseUrl}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Include },
            });
        }
        return bundle;
    }

    private Bundle.LinkComponent Link(string relation, FhirRequest request, int page)
    {
        var query = QueryString.Create(Parameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))
            .Append(new("_count", Count.ToString(CultureInfo.InvariantCulture)))
            .Append(new("_page", page.ToString(CultureInfo.InvariantCulture))));
        return new Bundle.LinkComponent { Relation = relation, Url = $"{request.BaseUrl}/{request.ResourceType}{query}" };
    }
}
