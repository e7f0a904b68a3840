using MedicalHub.Communication.Api.Infrastructure;

namespace MedicalHub.Communication.Api.Templates;

/// <summary>
/// An organization's own variants of a template key (every locale): each notification sent with a template needs
/// them, and they change rarely.
/// </summary>
public sealed class OrganizationTemplateCache : ShortLivedCache<(Guid Organization, string Key), IReadOnlyList<TemplateContent>>
{
    public Task<IReadOnlyList<TemplateContent>> GetAsync(Guid organizationId, string key, Func<Task<IReadOnlyList<TemplateContent>>> load) =>
        GetAsync((organizationId, key), load);

    /// <summary>Drops what is known of the organization's variants of <paramref name="key"/>: call after changing one.</summary>
    public void Forget(Guid organizationId, string key) => Forget((organizationId, key));
}
