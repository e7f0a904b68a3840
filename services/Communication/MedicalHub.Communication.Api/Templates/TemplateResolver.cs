using MedicalHub.Communication.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Communication.Api.Templates;

/// <summary>
/// Picks the template variant for an organization and a recipient's locale: the organization's own variants first, then the
/// system defaults, each trying the exact locale (<c>fr-BE</c>), then its language (<c>fr</c>), then the neutral variant.
/// </summary>
public sealed class TemplateResolver(CommunicationDbContext db, SystemTemplates system, OrganizationTemplateCache cache)
{
    public static IReadOnlyList<string> FallbackChain(string? locale)
    {
        var chain = new List<string>();
        if (Locales.Normalize(locale) is { } tag)
        {
            chain.Add(tag);
            var dash = tag.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0)
            {
                chain.Add(tag[..dash]);
            }
        }
        chain.Add("");
        return chain;
    }

    public async Task<TemplateContent?> ResolveAsync(Guid organizationId, string key, string? locale, CancellationToken ct)
    {
        var chain = FallbackChain(locale);
        var own = await cache.GetAsync(organizationId, key, async () => await db.Templates.AsNoTracking()
            .Where(t => t.OrganizationId == organizationId && t.Key == key)
            .Select(t => new TemplateContent(t.Key, t.Locale, t.Subject, t.TextBody, t.HtmlBody, "organization"))
            .ToListAsync(ct));
        foreach (var candidate in chain)
        {
            if (own.FirstOrDefault(t => string.Equals(t.Locale, candidate, StringComparison.OrdinalIgnoreCase)) is { } mine)
            {
                return mine;
            }
        }
        foreach (var candidate in chain)
        {
            if (system.Find(key, candidate) is { } shipped)
            {
                return shipped;
            }
        }
        return null;
    }
}
